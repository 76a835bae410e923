"""Matching households' produce with buyers (供需对接): village administrators post what a
household has to sell; county staff list it in the shop, or a supporting unit takes it up as a
contract line — either way attributed wholly to that household, as its own producer."""

from flask import Blueprint

bp = Blueprint("supply", __name__)

from app.supply import views  # noqa: E402, F401
