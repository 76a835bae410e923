"""Settlement (结算) with producers, payouts to households (分红到户), village information
administrators, the public notice (公示) and reconciliation: following every fen from the
ledger to the household's hand."""

from flask import Blueprint

bp = Blueprint("settlement", __name__)

from app.settlement import notice_views, payout_views, producer_views, staff_views, village_views  # noqa: E402, F401
