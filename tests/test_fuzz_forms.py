"""Hypothesis throws generated input at every form that changes something: any field name our
forms use, any text (long, non-Chinese, control characters, numbers), as county staff. No answer
may be a server error, and an answer that refuses the input must leave every table as it was."""

import re

import pytest
from flask_wtf import FlaskForm
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import text

from app.extensions import db
from tests import factories
from tests.test_security import EXEMPT_FROM_CSRF, WRITES

# Fuzzing hunts server errors, not lines run: see no_cover and fuzz in pytest.ini.
pytestmark = [pytest.mark.no_cover, pytest.mark.fuzz]
EXAMPLES_PER_ROUTE = 8


def _field_names() -> list[str]:
    import app.accounts.forms  # noqa: F401,E401

    names, pending = set(), list(FlaskForm.__subclasses__())
    while pending:
        form = pending.pop()
        pending.extend(form.__subclasses__())
        names.update(name for name, value in vars(form).items() if hasattr(value, "field_class"))
    return sorted(names | {"q-1", "line-1", "a-sku", "a-quantity", "c-email", "d-label"})


def _row_total() -> int:
    tables = [t.name for t in db.metadata.sorted_tables if t.name != "audit_entries"]
    union = " UNION ALL ".join(f"SELECT COUNT(*) AS n FROM {name}" for name in tables)  # nosec B608 - our table names
    return db.session.execute(text(f"SELECT SUM(n) FROM ({union}) AS counts")).scalar()  # nosec B608


values = st.one_of(
    st.text(max_size=40),
    st.text(alphabet=st.characters(codec="utf-8", exclude_characters="\x00"), max_size=300),
    st.integers(-(10**12), 10**12).map(str),
    st.sampled_from(
        [
            "",
            " ",
            "0",
            "-1",
            "1e9",
            "99999999999",
            "2026-02-30",
            "<script>alert(1)</script>",
            "' OR 1=1 --",
            "雪峰蜜橘" * 80,
        ]
    ),
)


def test_every_form_survives_generated_input(app, fair, capsys):
    with app.app_context():
        factories.user(email="fuzz-staff@example.com", role="staff")
        db.session.commit()
    client = app.test_client()
    factories.login(client, "fuzz-staff@example.com")
    fields = _field_names()
    routes = []
    for rule in app.url_map.iter_rules():
        if rule.rule in EXEMPT_FROM_CSRF or not rule.methods & set(WRITES) or rule.rule in ("/account/logout",):
            continue
        path = re.sub(r"<any\(([^,)]+)[^>]*>", r"\1", rule.rule)
        path = path.replace(
            "<code>", fair["booth"] if "/booths/" in path else fair["lot"] if "/lots/" in path else "WEEK2026"
        )
        routes.append(re.sub(r"<(?:[^<>]+:)?[^<>]+>", "1", path))
    cases = {"requests": 0, "server_errors": 0, "refused": 0}

    for path in routes:

        @given(form=st.dictionaries(st.sampled_from(fields), values, max_size=8))
        @settings(
            max_examples=EXAMPLES_PER_ROUTE, deadline=None, database=None, suppress_health_check=list(HealthCheck)
        )
        def post(form):
            with app.app_context():
                before = _row_total()
            answer = client.post(path, data=form)
            cases["requests"] += 1
            assert answer.status_code < 500, (path, form)
            if answer.status_code >= 400:
                cases["refused"] += 1
                with app.app_context():
                    assert _row_total() == before, (path, form, answer.status_code)

        post()
    assert cases["requests"] >= 40 * EXAMPLES_PER_ROUTE // 2
    with capsys.disabled():
        print(
            f"\nform fuzzing: {cases['requests']} requests over {len(routes)} forms, "
            f"{cases['refused']} refused, 0 server errors"
        )
