"""Fair booths: the tablet checkout that works offline, its exactly-once sync, and each day's close-out."""

from flask import Blueprint

bp = Blueprint("pos", __name__)

from app.pos import views  # noqa: E402,F401
