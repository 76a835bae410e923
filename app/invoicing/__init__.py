"""Invoices (发票): a buyer or a supporting unit asks for one for an order or a contract; the
county office issues it with its number and e-invoice PDF, which the buyer downloads."""

from flask import Blueprint

bp = Blueprint("invoicing", __name__)

from app.invoicing import views  # noqa: E402, F401
