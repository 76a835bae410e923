"""Every GET route, public and signed in as each role, with the input people and scanners send
by mistake or on purpose: NUL bytes and huge numbers in the path, out-of-range pages and years,
dates at the calendar's ends and very long search texts. No answer may be a server error."""

import re

import pytest

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
# Fuzzing hunts server errors, not lines run: see no_cover and fuzz in pytest.ini.
pytestmark = [pytest.mark.no_cover, pytest.mark.fuzz]
SKIP = ("static", "bootstrap.static")


def _routes(app, fair) -> list[tuple[str, list[str]]]:
    """Each GET route as a plain sample address, with odd values for its arguments and odd
    query strings."""
    found = []
    for rule in app.url_map.iter_rules():
        if "GET" not in rule.methods or rule.endpoint in SKIP:
            continue
        plain = re.sub(r"<any\(([^,)]+)[^>]*>", r"\1", rule.rule)
        arguments = re.findall(r"<(?:[^<>]+:)?([^<>]+)>", plain)
        odd = [re.sub(r"<(?:[^<>]+:)?[^<>]+>", value, plain) for value in (ODD_PATH_VALUES if arguments else ())]
        sample = plain.replace(
            "<code>", fair["booth"] if "/booths/" in plain else fair["lot"] if "/lots/" in plain else "WEEK2026"
        )
        sample = re.sub(r"<(?:[^<>]+:)?[^<>]+>", "1", sample)
        found.append((sample, odd + [f"{sample}?{query}" for query in ODD_QUERIES]))
    return found


def _kept_out(answer) -> bool:
    """Turned away before the view reads its input: signed out, or not this role's page."""
    return answer.status_code in (401, 403) or "/account/login" in answer.headers.get("Location", "")


def test_no_get_route_answers_a_server_error_to_odd_input(app, fair):
    with app.app_context():
        for role in roles.ALL:
            factories.user(email=f"odd-{role}@example.com", role=role)
        db.session.commit()
    clients = {"anonymous": app.test_client()}
    for role in roles.ALL:
        clients[role] = app.test_client()
        factories.login(clients[role], f"odd-{role}@example.com")
    routes = _routes(app, fair)
    public: set[str] = set()
    failures, tried = [], 0
    for who, client in clients.items():
        for sample, odd in routes:
            # Public pages read their input the same way for everyone: the anonymous visitor and
            # a signed-in buyer try them, not every role again.
            if sample in public and who not in ("anonymous", roles.CONSUMER):
                continue
            with client.get(sample) as answer:
                # A route this visitor is turned away from at the door refuses its odd input
                # the same way; the visitors it lets in try every odd address.
                if _kept_out(answer):
                    continue
            if who == "anonymous":
                public.add(sample)
            for path in odd:
                tried += 1
                with client.get(path) as answer:
                    if answer.status_code >= 500:
                        failures.append((who, path[:120], answer.status_code))
    assert sum(len(odd) for _sample, odd in routes) > 200
    # Every route is tried with odd input by somebody it lets in.
    assert tried > 1000
    assert not failures, failures[:20]


def test_a_method_an_address_does_not_take_is_answered_with_the_ones_it_does(client):
    for path in ("/healthz", "/products", "/api/v1/pos/catalogue"):
        answer = client.delete(path)
        assert answer.status_code == 405 and "GET" in answer.headers["Allow"], path
