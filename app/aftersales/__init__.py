"""After-sales (售后): within a set number of days after delivery a buyer asks for a refund, or
a return and refund, of an order line, with a reason and photos; county staff approve all or part
of it, or decline it."""

from flask import Blueprint

bp = Blueprint("aftersales", __name__)

from app.aftersales import views  # noqa: E402, F401
