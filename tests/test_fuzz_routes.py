"""Every GET route, public and signed in as each role, with the input people and scanners send
by mistake or on purpose: NUL bytes and huge numbers in the path, out-of-range pages and years,
dates at the calendar's ends and very long search texts. No answer may be a server error."""

import re

from app.domain import roles
from app.extensions import db
from tests import factories

ODD_PATH_VALUES = ("%00", "2147483648", "99999999999999999999", "x" * 300)
# Apart, so that one refused value does not hide what another would do.
ODD_QUERIES = (
    "page=99999999999999999999&year=99999999999999999999",
    "page=2147483647&year=2147483647&event=2147483647&unit=2147483647",
    "start=0001-01-01&end=9999-12-31",
    "page=-5&year=-1&start=9999-12-31&end=0001-01-01&dimension=nonsense&sort=nonsense",
    "q=" + "橘" * 2000 + "&township=%00",
)
SKIP = ("static", "bootstrap.static")


def _paths(app, fair) -> list[str]:
    """Each GET route with odd values for its arguments, and with odd query strings."""
    found = []
    for rule in app.url_map.iter_rules():
        if "GET" not in rule.methods or rule.endpoint in SKIP:
            continue
        plain = re.sub(r"<any\(([^,)]+)[^>]*>", r"\1", rule.rule)
        arguments = re.findall(r"<(?:[^<>]+:)?([^<>]+)>", plain)
        for value in ODD_PATH_VALUES if arguments else ():
            found.append(re.sub(r"<(?:[^<>]+:)?[^<>]+>", value, plain))
        sample = plain.replace(
            "<code>", fair["booth"] if "/booths/" in plain else fair["lot"] if "/lots/" in plain else "WEEK2026"
        )
        sample = re.sub(r"<(?:[^<>]+:)?[^<>]+>", "1", sample)
        found += [f"{sample}?{query}" for query in ODD_QUERIES]
    return found


def test_no_get_route_answers_a_server_error_to_odd_input(app, fair):
    with app.app_context():
        for role in roles.ALL:
            factories.user(email=f"odd-{role}@example.com", role=role)
        db.session.commit()
    clients = {"anonymous": app.test_client()}
    for role in roles.ALL:
        clients[role] = app.test_client()
        factories.login(clients[role], f"odd-{role}@example.com")
    paths = _paths(app, fair)
    failures = []
    for who, client in clients.items():
        for path in paths:
            with client.get(path) as answer:
                if answer.status_code >= 500:
                    failures.append((who, path[:120], answer.status_code))
    assert len(paths) > 200
    assert not failures, failures[:20]


def test_a_method_an_address_does_not_take_is_answered_with_the_ones_it_does(client):
    for path in ("/healthz", "/products", "/api/v1/pos/catalogue"):
        answer = client.delete(path)
        assert answer.status_code == 405 and "GET" in answer.headers["Allow"], path
