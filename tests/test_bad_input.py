"""Input no form can make sense of is refused with 400 before it reaches the database."""


def test_nul_bytes_in_input_get_400_not_a_database_error(client):
    assert client.get("/products?q=%00").status_code == 400
    assert client.post("/account/login", data={"email": "a\x00@example.com", "password": "x"}).status_code == 400
    assert client.put("/account/login", data={"email": "a\x00@example.com"}).status_code == 400
