"""Device-token authentication for the booth tablets' API calls.

The tablets send ``Authorization: Bearer <token>``; no cookie is involved, which is why the
POS API needs no CSRF token (a browser never attaches the header on its own).
"""

from functools import wraps

from flask import g, jsonify, request

from app.api.refusals import ApiRefusal
from app.pos.devices import device_for_token
from app.refusals import Refusal


def problem(status: int, refusal: Refusal):
    """A JSON error answer: a stable code for programs and a sentence for people, in the
    language the client asked for (Accept-Language; Chinese by default)."""
    answer = refusal.as_json()
    return jsonify(error=answer["code"], message=answer["message"]), status


def device_required(view):
    @wraps(view)
    def wrapped(*args, **kwargs):
        scheme, _, token = request.headers.get("Authorization", "").partition(" ")
        device = device_for_token(token.strip()) if scheme.lower() == "bearer" else None
        if device is None:
            response = problem(401, ApiRefusal("device_token_required"))
            response[0].headers["WWW-Authenticate"] = 'Bearer realm="pos"'
            return response
        g.device = device
        return view(*args, **kwargs)

    return wrapped
