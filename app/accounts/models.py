"""The user account. Passwords are stored as scrypt hashes; sessions carry a version to revoke them."""

from datetime import datetime

from flask import current_app
from flask_login import UserMixin
from sqlalchemy import CheckConstraint, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column
from werkzeug.security import check_password_hash, generate_password_hash

from app.domain import roles
from app.extensions import Model
from app.models_base import utcnow


class User(UserMixin, Model):
    __tablename__ = "users"
    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(255), unique=True)
    name: Mapped[str] = mapped_column(String(64))
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[str] = mapped_column(String(16), default=roles.CONSUMER)
    active: Mapped[bool] = mapped_column(default=True)
    # Bumped on password change, reset and disable: every cookie carrying an older
    # version stops working, on every server, without server-side session storage.
    session_version: Mapped[int] = mapped_column(default=1)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_login_at: Mapped[datetime | None]
    # The language mail is written in: the one last chosen with the page header's switch.
    language: Mapped[str] = mapped_column(String(8), default="zh_CN", server_default="zh_CN")
    # A mobile number proved by an SMS code: the account can sign in with it.
    mobile: Mapped[str | None] = mapped_column(String(20), unique=True)
    # A producer account's own producer: the statements and payouts it may see.
    producer_id: Mapped[int | None] = mapped_column(ForeignKey("producers.id"))

    __table_args__ = (
        CheckConstraint(f"role IN {roles.ALL}", name="role"),
        CheckConstraint(f"producer_id IS NULL OR role = '{roles.PRODUCER}'", name="producer_account"),
    )

    @property
    def is_active(self) -> bool:
        return self.active

    def get_id(self) -> str:
        return f"{self.id}:{self.session_version}"

    def set_password(self, password: str) -> None:
        self.password_hash = generate_password_hash(password, method=current_app.config["PASSWORD_HASH_METHOD"])

    def check_password(self, password: str) -> bool:
        return check_password_hash(self.password_hash, password)

    def has_role(self, *wanted: str) -> bool:
        return self.role in wanted


class SignInCode(Model):
    """A six-digit code texted to a mobile number to sign in with it. Only its hash is kept; it
    expires in minutes, is used once, and a few wrong guesses end it."""

    __tablename__ = "sign_in_codes"
    id: Mapped[int] = mapped_column(primary_key=True)
    mobile: Mapped[str] = mapped_column(String(20), index=True)
    code_hash: Mapped[str] = mapped_column(String(64))
    expires_at: Mapped[datetime]
    attempts: Mapped[int] = mapped_column(default=0)
    used_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
