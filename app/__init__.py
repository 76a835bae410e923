"""The Dongkou consumption-assistance marketplace (洞口消费扶贫商城): the application factory."""

import os
from pathlib import Path

from babel import Locale
from flask import Flask, has_request_context, request, session
from flask_babel import get_locale, get_translations
from werkzeug.middleware.proxy_fix import ProxyFix
from werkzeug.routing import IntegerConverter

from app import config
from app.clock import county_time
from app.domain.identity import mask_name
from app.domain.money import format_fen
from app.extensions import babel, bootstrap, cache, csrf, db, login_manager
from app.migrations_cli import init_migrations
from app.records import in_reader_language, spoken, spoken_lines
from app.replica import init_replica
from app.security import check_production_settings, configure_logging, init_security
from app.shared_pages import SharedPages, csrf_field, locale_named

ROOT = Path(__file__).resolve().parent.parent


def select_locale() -> Locale:
    return locale_named(_chosen_language())


def _chosen_language() -> str:
    from flask import current_app

    # Chinese for everyone unless they chose English with the switch in the page header; jobs
    # and commands (no request) write in the default language. API clients carry no session:
    # they ask with Accept-Language.
    if not has_request_context():
        return "zh_CN"
    languages = current_app.config["LANGUAGES"]
    chosen = session.get("lang")
    if chosen is None and request.path.startswith("/api/"):
        asked = request.accept_languages.best_match([lang.replace("_", "-") for lang in languages], "zh-CN")
        chosen = asked.replace("-", "_")
    return chosen if isinstance(chosen, str) and chosen in languages else "zh_CN"


def request_translations():
    """The request's message catalogue, looked up once per request.

    Flask-Babel's template gettext looks the context, the locale and the catalogue up again for
    every message, and a page shows dozens (a fifth of a product page's time in a profile).
    The language is chosen once per request, so one lookup serves them all."""
    if not has_request_context():
        return get_translations()
    translations = getattr(request, "message_catalogue", None)
    if translations is None:
        translations = request.message_catalogue = get_translations()  # type: ignore[attr-defined]
    return translations


class DatabaseIdConverter(IntegerConverter):
    def __init__(self, url_map, fixed_digits=0, min=None, max=2**31 - 1, signed=False):
        super().__init__(url_map, fixed_digits, min, max, signed)


def create_app(test_config: dict | None = None) -> Flask:
    app = Flask(
        __name__,
        instance_path=str(ROOT / "instance"),
        template_folder=str(ROOT / "templates"),
        static_folder=str(ROOT / "static"),
    )
    app.config.from_mapping(config.load(app.instance_path))
    if test_config:
        app.config.from_mapping(test_config)
    check_production_settings(app.config)
    if app.config["SHARED_PAGE_SECONDS"] > 0:
        app.wsgi_app = SharedPages(app.wsgi_app, app)  # type: ignore[method-assign]
    hops = app.config["TRUSTED_PROXY_HOPS"]
    if hops:
        # Behind nginx the client's address is in X-Forwarded-For: rate limits, logs and audit
        # rows must see it, not the proxy's.
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)  # type: ignore[method-assign]
    configure_logging(app.config["LOG_FORMAT"])

    _import_models()
    db.init_app(app)
    init_replica(app)
    app.config.setdefault("MIGRATIONS_DIRECTORY", str(ROOT / "migrations"))
    # The flask command sets FLASK_RUN_FROM_CLI (gunicorn never does); tests migrate their databases.
    if os.environ.get("FLASK_RUN_FROM_CLI") == "true" or app.config.get("TESTING"):
        init_migrations(app)
    csrf.init_app(app)
    cache.init_app(app)
    bootstrap.init_app(app)
    babel.init_app(
        app, locale_selector=select_locale, default_translation_directories=str(ROOT / "app" / "translations")
    )
    app.jinja_env.install_gettext_callables(  # type: ignore[attr-defined]  # added by the i18n extension
        gettext=lambda s: request_translations().ugettext(s),
        ngettext=lambda s, p, n: request_translations().ungettext(s, p, n),
        pgettext=lambda c, s: request_translations().upgettext(c, s),
        npgettext=lambda c, s, p, n: request_translations().unpgettext(c, s, p, n),
        newstyle=True,
    )
    _init_login(app)
    init_security(app)

    # Path ids fit the database's integer (PostgreSQL's is 32 bits): a bigger number names no
    # page (404) instead of failing inside the query.
    app.url_map.converters["int"] = DatabaseIdConverter
    from app.accounts import bp as accounts_bp
    from app.admin import bp as admin_bp
    from app.aftersales import bp as aftersales_bp
    from app.api import bp as api_bp
    from app.bulk import bp as bulk_bp
    from app.catalog import bp as catalog_bp
    from app.delivery import bp as delivery_bp
    from app.impact import bp as impact_bp
    from app.invoicing import bp as invoicing_bp
    from app.jobs.views import bp as jobs_bp
    from app.payments import bp as payments_bp
    from app.pos import bp as pos_bp
    from app.settlement import bp as settlement_bp
    from app.shop import bp as shop_bp
    from app.site import bp as site_bp
    from app.site.operations import time_requests
    from app.site.views import refuse_nul_bytes, refuse_numbers_out_of_range, register_error_pages
    from app.supply import bp as supply_bp
    from app.trace import bp as trace_bp

    for blueprint in (
        site_bp,
        catalog_bp,
        accounts_bp,
        shop_bp,
        payments_bp,
        admin_bp,
        impact_bp,
        pos_bp,
        api_bp,
        trace_bp,
        bulk_bp,
        jobs_bp,
        settlement_bp,
        supply_bp,
        delivery_bp,
        invoicing_bp,
        aftersales_bp,
    ):
        app.register_blueprint(blueprint)
    register_error_pages(app)
    time_requests(app)
    app.before_request(refuse_nul_bytes)
    app.before_request(refuse_numbers_out_of_range)

    app.jinja_env.filters["fen"] = format_fen
    app.jinja_env.filters["county_time"] = county_time
    app.jinja_env.filters["mask"] = mask_name
    app.jinja_env.globals["get_locale"] = get_locale
    app.jinja_env.globals["csrf_field"] = csrf_field
    app.jinja_env.globals["local"] = in_reader_language
    app.jinja_env.filters["spoken"] = spoken
    app.jinja_env.filters["spoken_lines"] = spoken_lines
    _template_helpers(app)

    from app import cli

    cli.register(app)
    return app


def _template_helpers(app: Flask) -> None:
    from app.bulk.labels import INTENT_STATUS
    from app.orders import labels

    app.jinja_env.globals.update(
        order_status=labels.ORDER_STATUS,
        order_status_label=labels.order_status_label,
        order_actors=labels.ACTORS,
        payment_status=labels.PAYMENT_STATUS,
        payment_method=labels.PAYMENT_METHOD,
        intent_status=INTENT_STATUS,
    )


def _import_models() -> None:
    # Every model must be imported before migrations compare metadata with the database.
    from app.accounts import models as _accounts  # noqa: F401
    from app.aftersales import models as _aftersales  # noqa: F401
    from app.audit import models as _audit  # noqa: F401
    from app.bulk import models as _bulk  # noqa: F401
    from app.catalog import cache as _catalogue_cache  # noqa: F401
    from app.catalog import models as _catalog  # noqa: F401
    from app.delivery import models as _delivery  # noqa: F401
    from app.events import models as _events  # noqa: F401
    from app.impact import models as _impact  # noqa: F401
    from app.invoicing import models as _invoicing  # noqa: F401
    from app.jobs import models as _jobs  # noqa: F401
    from app.orders import models as _orders  # noqa: F401
    from app.outbox import models as _outbox  # noqa: F401
    from app.payments import models as _payments  # noqa: F401
    from app.pos import models as _pos  # noqa: F401
    from app.registry import models as _registry  # noqa: F401
    from app.settlement import models as _settlement  # noqa: F401
    from app.shop import models as _shop  # noqa: F401
    from app.supply import models as _supply  # noqa: F401
    from app.trace import models as _trace  # noqa: F401


def _init_login(app: Flask) -> None:
    from flask_babel import lazy_gettext as _l

    from app.shop.views import load_signed_in

    login_manager.init_app(app)
    login_manager.login_view = "accounts.login"
    login_manager.login_message = _l("请先登录。")
    login_manager.login_message_category = "info"
    login_manager.user_loader(load_signed_in)
