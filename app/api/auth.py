"""Device-token authentication for the booth tablets' API calls.

The tablets send ``Authorization: Bearer <token>``; no cookie is involved, which is why the
POS API needs no CSRF token (a browser never attaches the header on its own).
"""
from functools import wraps

from flask import g, jsonify, request

from app.pos.devices import device_for_token


def problem(status: int, error: str, message: str, **extra):
    """A JSON error answer: a stable code for programs and a sentence for people."""
    return jsonify(error=error, message=message, **extra), status


def device_required(view):
    @wraps(view)
    def wrapped(*args, **kwargs):
        scheme, _, token = request.headers.get("Authorization", "").partition(" ")
        device = device_for_token(token.strip()) if scheme.lower() == "bearer" else None
        if device is None:
            response = problem(401, "device_token_required",
                               "需要有效的设备令牌：请在县扶贫办后台为本展位签发令牌，或请店员登录后重新配对平板。")
            response[0].headers["WWW-Authenticate"] = 'Bearer realm="pos"'
            return response
        g.device = device
        return view(*args, **kwargs)

    return wrapped
