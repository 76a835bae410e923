"""The layers stay honest: the domain is pure, services never reach for the request."""

import ast
import re
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
    """WeasyPrint (PDFs), pypinyin (product search words), cn2an (大写金额), boto3 (the bucket),
    openpyxl (reading uploads), Alembic with Mako and Pygments (migrations: 11 MB), the Stripe
    SDK with aiohttp (15 MB), RQ with redis-py and pydantic together add over 130 MB to a
    process: one that only serves pages must not load them."""
    import subprocess  # nosec B404 - runs this interpreter on a fixed snippet
    import sys

    heavy = (
        *("weasyprint", "pypinyin", "cn2an", "boto3", "openpyxl", "alembic", "mako", "pygments", "stripe", "aiohttp"),
        # RQ and redis-py (9 MB) without REDIS_URL; pydantic (the booth API's schemas) until a tablet calls.
        *("rq", "redis", "pydantic"),
    )
    snippet = (
        "import sys; from app import create_app; "
        f"create_app({{'SQLALCHEMY_DATABASE_URI': 'sqlite://'}}); print([m for m in {heavy!r} if m in sys.modules])"
    )
    loaded = (
        subprocess.run(
            [sys.executable, "-c", snippet],
            capture_output=True,
            text=True,
            check=True,  # nosec B603
            cwd=Path(__file__).resolve().parent.parent,
        )
        .stdout.strip()
        .splitlines()[-1]
    )
    assert loaded == "[]", loaded


def _modules():
    return sorted(p for p in APP.rglob("*.py") if "translations" not in p.parts)


def test_views_do_not_commit():
    """A view hands the work to a service, which owns the transaction."""
    for path in _modules():
        if path.name == "views.py" or path.name.endswith("_views.py"):
            assert "session.commit()" not in path.read_text(encoding="utf-8"), f"{path} commits"


# The modules that own transactions: each is a service of its area, named for what it does.
SERVICE_MODULES = {
    "services",
    "management",
    "administration",
    "fulfilment",
    "documents",
    "sync",
    "closeout",
    "devices",
    "importer",
    "cart",
    "exports",
    "runs",
    "scheduled",
    "seed",
    "sales",
    "booths",
    "settlement",
    "statements",
    "payouts",
    "assignments",
    "addresses",
    "phone",
    "online_tender",
}


def test_every_module_that_commits_is_a_service():
    committing = {
        path.relative_to(APP) for path in _modules() if "session.commit()" in path.read_text(encoding="utf-8")
    }
    assert committing and all(path.stem in SERVICE_MODULES for path in committing), sorted(
        str(p) for p in committing if p.stem not in SERVICE_MODULES
    )


def test_registry_and_events_know_nothing_of_the_catalogue():
    """The catalogue reads the registry (who a product helps); the way back would be a cycle.
    The page cache follows registry changes by listening, not by being called."""
    for area in ("registry", "events"):
        for path in (APP / area).glob("*.py"):
            assert not any(name.startswith("app.catalog") for name in _imports(path)), f"{path} imports the catalogue"


CJK = re.compile(r"[\u4e00-\u9fff]")
TRANSLATED = {"_", "_l", "gettext", "lazy_gettext", "county_words"}


def _untranslated_literals(node) -> list[str]:
    """String literals under ``node`` that are not the message of a gettext call."""
    if isinstance(node, ast.Call) and getattr(node.func, "id", None) in TRANSLATED:
        return []
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return [node.value]
    return [text for child in ast.iter_child_nodes(node) for text in _untranslated_literals(child)]


def test_no_refusal_is_a_chinese_sentence():
    """Services refuse with a code (app.refusals); the words are translatable messages, so an
    English reader never gets a Chinese sentence from a raise."""
    found = []
    for path in _modules():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Raise) and node.exc is not None:
                if any(CJK.search(text) for text in _untranslated_literals(node.exc)):
                    found.append(f"{path.relative_to(APP)}:{node.lineno}")
    assert found == []


def test_every_refusal_code_has_words_in_both_languages(app):
    from flask_babel import force_locale

    from app.refusals import Refusal

    def subclasses(cls):
        for sub in cls.__subclasses__():
            yield sub
            yield from subclasses(sub)

    kinds = list(subclasses(Refusal))
    assert len(kinds) >= 10
    with app.test_request_context():
        for kind in kinds:
            for code, words in kind.MESSAGES.items():
                with force_locale("en"):
                    english = str(words)
                assert english != str(words) or not CJK.search(english), f"{kind.__name__}.{code} has no English"
                assert not CJK.search(english), f"{kind.__name__}.{code}: {english}"


def test_view_modules_stay_small():
    """A view module is one area's pages, thin: past about 200 lines it is two areas."""
    for path in _modules():
        if path.name == "views.py" or path.name.endswith("_views.py"):
            lines = len(path.read_text(encoding="utf-8").splitlines())
            assert lines <= 220, f"{path.relative_to(APP)} has {lines} lines"


def _docstrings(tree) -> set[int]:
    return {
        id(node.body[0].value)
        for node in ast.walk(tree)
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef))
        and node.body
        and isinstance(node.body[0], ast.Expr)
        and isinstance(node.body[0].value, ast.Constant)
    }


def _is_constant(statement) -> bool:
    targets = statement.targets if isinstance(statement, ast.Assign) else [getattr(statement, "target", None)]
    return isinstance(statement, (ast.Assign, ast.AnnAssign)) and all(
        isinstance(t, ast.Name) and t.id.isupper() for t in targets
    )


def test_no_chinese_sentence_in_a_service():
    """A service says what happened with a code (a refusal, or a note in app.records) and the
    words live with their area as translatable strings. What stays Chinese in a service is its
    file format: module constants such as an import's accepted column headers."""
    found = []
    for path in _modules():
        source = path.read_text(encoding="utf-8")
        if "demo" in path.parts or "session.commit()" not in source:
            continue  # the demo is content; the modules that own transactions are the services
        tree = ast.parse(source)
        docstrings = _docstrings(tree)
        for statement in tree.body:
            if _is_constant(statement):
                continue
            for node in ast.walk(statement):
                if isinstance(node, ast.Call) and getattr(node.func, "id", None) in TRANSLATED:
                    docstrings.update(id(n) for n in ast.walk(node))  # a translatable message
            found += [
                f"{path.relative_to(APP)}:{node.lineno}"
                for node in ast.walk(statement)
                if isinstance(node, ast.Constant)
                and isinstance(node.value, str)
                and id(node) not in docstrings
                and CJK.search(node.value)
            ]
    assert found == []


def test_views_ask_queries_and_services_for_their_data():
    """No business SQL in views: a page's questions are named in its area's queries module."""
    for path in _modules():
        if path.name == "views.py" or path.name.endswith("_views.py"):
            source = path.read_text(encoding="utf-8")
            assert "select(" not in source and "session.execute(" not in source, path.relative_to(APP)


def test_pdfs_are_laid_out_only_by_jobs():
    """WeasyPrint takes a quarter of a second of CPU or more and some 40 MB a process keeps: only
    job functions (run by the worker, or in-process without a queue) may call it."""
    jobs = {"print_pdf", "lay_out", "write_sheet"}
    callers = set()
    for path in APP.rglob("*.py"):
        for function in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(function, ast.FunctionDef):
                for node in ast.walk(function):
                    if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "pdf_from_html":
                        callers.add(f"{path.relative_to(APP)}:{function.name}")
    assert {caller.rsplit(":", 1)[1] for caller in callers} == jobs, callers
