"""Accounts the load run signs in with: one county-staff account and 16 buyers, with a password
given on the command line (hashed cheaply: 17 scrypt sign-ins would only measure scrypt), and
stock enough for the thousands of boxes the checkout run buys; and, on PostgreSQL, the tables
the checkout run churns vacuumed and analysed, as autovacuum keeps them in production (this
machine's PostgreSQL runs without it, CI's setting): the cart's table, emptied by every order,
would otherwise carry each earlier round's dead rows and statistics from before the first."""

import sys

from werkzeug.security import generate_password_hash

from app import create_app
from app.accounts.models import User
from app.catalog.models import Sku
from app.domain import roles
from app.extensions import db

STOCK = 1_000_000


def main() -> None:
    password = sys.argv[1]
    cheap = generate_password_hash(password, method="pbkdf2:sha256:1000")
    app = create_app()
    with app.app_context():
        wanted = [("bench-staff@example.com", roles.STAFF)] + [
            (f"bench{n}@example.com", roles.CONSUMER) for n in range(16)
        ]
        for email, role in wanted:
            user = db.session.execute(db.select(User).where(User.email == email)).scalar_one_or_none()
            if user is None:
                user = User(email=email, name="基准测试", role=role)
                db.session.add(user)
            user.password_hash, user.active = cheap, True
        db.session.execute(db.update(Sku).where(Sku.stock < STOCK).values(stock=STOCK))
        db.session.commit()
        if db.engine.dialect.name == "postgresql":
            with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
                connection.exec_driver_sql("VACUUM (ANALYZE) cart_items, skus, users")


if __name__ == "__main__":
    main()
