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


def test_heavy_libraries_load_only_when_used():
    """WeasyPrint (PDFs), pypinyin (product search words), cn2an (大写金额) and boto3 (the bucket)
    together add about 100 MB to a process: one that only serves pages must not load them."""
    import subprocess  # nosec B404 - runs this interpreter on a fixed snippet
    import sys

    heavy = ("weasyprint", "pypinyin", "cn2an", "boto3")
    snippet = ("import sys; from app import create_app; "
               f"create_app({{'SQLALCHEMY_DATABASE_URI': 'sqlite://'}}); print([m for m in {heavy!r} if m in sys.modules])")
    loaded = subprocess.run([sys.executable, "-c", snippet], capture_output=True, text=True, check=True,  # nosec B603
                            cwd=Path(__file__).resolve().parent.parent).stdout.strip().splitlines()[-1]
    assert loaded == "[]", loaded
