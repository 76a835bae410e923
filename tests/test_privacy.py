"""No household's name, ID number or phone appears on any public page of the demo."""

import pytest

from app.catalog.models import Product
from app.extensions import db
from app.registry.models import Household, Township


def public_paths(app) -> list[str]:
    """Every GET page without parameters, plus each product and township page and some searches."""
    paths = []
    for rule in app.url_map.iter_rules():
        if "GET" in rule.methods and not rule.arguments and rule.endpoint not in ("static", "bootstrap.static"):
            paths.append(rule.rule)
    with app.app_context():
        paths += [f"/products/{slug}" for slug in db.session.execute(db.select(Product.slug)).scalars()]
        paths += [f"/townships/{code}" for code in db.session.execute(db.select(Township.code)).scalars()]
    paths += ["/products?q=村", "/products?page=2", "/products?certified=y"]
    return paths


@pytest.mark.no_cover  # a sweep that adds no branch of its own (pytest.ini)
def test_public_pages_never_show_household_personal_data(app, demo_county):
    with app.app_context():
        secrets = set()
        for name, id_number, phone in db.session.execute(
            db.select(Household.head_name, Household.id_number, Household.phone)
        ):
            secrets.update({name, id_number, phone})
    client = app.test_client()
    pages = public_paths(app)
    assert len(pages) > 40
    for path in pages:
        with client.get(path) as response:
            # 401: the booth API without a device token.
            assert response.status_code in (200, 302, 401), path
            body = response.get_data(as_text=True)
        leaked = [s for s in secrets if s and s in body]
        assert not leaked, f"{path} shows {leaked[:3]}"
