"""The layers stay honest: the domain is pure, services never reach for the request."""
import ast
from pathlib import Path

APP = Path(__file__).resolve().parent.parent / "app"


def _imports(path: Path) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
    return names


def test_domain_imports_neither_flask_nor_sqlalchemy():
    for path in (APP / "domain").glob("*.py"):
        for name in _imports(path):
            assert not name.startswith(("flask", "sqlalchemy", "app.extensions")), f"{path.name} imports {name}"


def test_services_and_queries_do_not_read_the_request_or_current_user():
    forbidden = {"flask.request", "flask.session", "flask.g", "flask_login.current_user", "flask.flash"}
    checked = 0
    for path in list(APP.glob("*/services.py")) + list(APP.glob("*/queries.py")):
        checked += 1
        assert not (_imports(path) & forbidden), f"{path} reaches for request state"
    assert checked >= 4
