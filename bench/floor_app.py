"""The floor every page is measured against: a bare Flask app that renders 24 products from one
SQLAlchemy query, served with the same gunicorn settings on the same database. A page that reaches
0.6 of this is about as fast as a server-rendered page with real work can be here."""

import os

from flask import Flask, render_template
from jinja2 import DictLoader
from sqlalchemy import create_engine, text

from app import extensions as _shop_connection_settings  # noqa: F401  - the same liveness check, like for like
from app.config import database_url

SOURCE = """<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><title>floor</title></head><body><ul>
{% for p in products %}<li><a href="/products/{{ p.slug }}">{{ p.name }}</a> {{ p.subtitle }} ¥{{ '%.2f'|format(p.price_from_fen / 100) }}</li>{% endfor %}
</ul></body></html>"""

app = Flask(__name__)
engine = create_engine(database_url(os.path.join(os.path.dirname(__file__), "..", "instance")))
# A template Flask loads, compiles once and keeps, as it does every template file. Until stop 44
# the floor called render_template_string, which compiles its source anew on every request: half
# of the floor's CPU, so it answered at 0.4 of what this page costs and flattered every ratio to it.
app.jinja_loader = DictLoader({"floor.html": SOURCE})


@app.get("/")
def products():
    with engine.connect() as conn:
        rows = (
            conn.execute(
                text("SELECT slug, name, subtitle, price_from_fen FROM products WHERE is_active ORDER BY id LIMIT 24")
            )
            .mappings()
            .all()
        )
    return render_template("floor.html", products=rows)


@app.get("/hello")
def hello():
    # The ceiling: what gunicorn and Flask answer when a page costs nothing at all.
    return "Hello, World!"
