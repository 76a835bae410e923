"""The write floor: the least a signed-in form post costs on the shop's fixed stack (Flask,
Flask-Login, Flask-WTF's CSRF check, a WTForms form, SQLAlchemy, one INSERT), served like the
floor (bench/floor_app.py) with the same gunicorn settings on the same database. Issue #24's
item 3 compares checkout, two such posts per order, with the read floor; this says how near
any order can come to it on this stack, whatever it does beyond writing one row.

    POST /write          one row, committed waiting for the disk (as an order's commit must)
    POST /write/lazy     one row in its own statement, committed without waiting for the disk
                         (as a cart line is: bench/load.py's "forms" checkout adds one, then orders)
    GET  /sign-in/<n>    signs buyer n in and answers the form token (the bench alone calls it)

Nothing here is the shop's code: it is the stack with no work of its own. The buyer is loaded
from the session without a statement, which makes it a floor (the shop checks the session in
its write's own statement). Call ``prepare()`` once before serving: it makes the table."""

import os

from flask import Flask, redirect
from flask_login import LoginManager, UserMixin, current_user, login_required, login_user
from flask_wtf import FlaskForm
from flask_wtf.csrf import CSRFProtect, generate_csrf
from sqlalchemy import Column, Integer, MetaData, Table, create_engine, event, insert
from wtforms import IntegerField
from wtforms.validators import InputRequired, NumberRange

from app import extensions as _shop_connection_settings  # noqa: F401  - the same connection settings, like for like
from app.config import database_url

app = Flask(__name__)
app.secret_key = "bench-write-floor-not-secret"  # nosec B105 - a benchmark served on 127.0.0.1 only
url = database_url(os.path.join(os.path.dirname(__file__), "..", "instance"))
durable = create_engine(url)
lazy = create_engine(
    url,
    isolation_level="AUTOCOMMIT",
    connect_args={"options": "-c synchronous_commit=off"} if url.startswith("postgresql") else {},
)
if not url.startswith("postgresql"):

    @event.listens_for(lazy, "connect")
    def _no_wait_for_the_disk(dbapi_connection, _record):
        # In WAL mode a NORMAL commit is not synced; SQLite's own "autocommit" is every statement.
        dbapi_connection.execute("PRAGMA synchronous = NORMAL")


lines = Table(
    "bench_write_floor",
    MetaData(),
    Column("user_id", Integer, nullable=False),
    Column("sku_id", Integer, nullable=False),
    Column("quantity", Integer, nullable=False),
)
login = LoginManager(app)
CSRFProtect(app)


class Buyer(UserMixin):
    def __init__(self, user_id: str) -> None:
        self.id = user_id


@login.user_loader
def _buyer(user_id: str) -> Buyer | None:
    return Buyer(user_id) if user_id.isdigit() else None


class LineForm(FlaskForm):
    sku_id = IntegerField(validators=[InputRequired(), NumberRange(min=1)])
    quantity = IntegerField(validators=[InputRequired(), NumberRange(min=1, max=99)])


def prepare() -> None:
    """Make the floor's table, empty (before the web workers start: two making it at once race)."""
    lines.drop(durable, checkfirst=True)
    lines.create(durable)


@app.get("/sign-in/<int:n>")
def sign_in(n: int):
    login_user(Buyer(str(n)))
    return generate_csrf()


def _write(engine):
    form = LineForm()
    if not form.validate():
        return "the form was refused", 400
    with engine.begin() as connection:
        connection.execute(
            insert(lines), {"user_id": int(current_user.id), "sku_id": form.sku_id.data, "quantity": form.quantity.data}
        )
    return redirect("/cart"), 303


@app.post("/write")
@login_required
def write():
    return _write(durable)


@app.post("/write/lazy")
@login_required
def write_lazy():
    return _write(lazy)
