"""Response headers every page and API answer carries: CSP without inline script, no framing, no sniffing.

Scripts come only from ``static/`` (htmx runs with ``allowEval`` off and without its injected indicator
style, see ``base.html``). Style attributes stay allowed (``style-src-attr``): the tree's indentation and
the progress bars are data-driven widths, and a style attribute cannot run script.
"""
from __future__ import annotations

from flask import Flask, current_app

CSP = "; ".join((
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "style-src-attr 'unsafe-inline'",
    "img-src 'self' data:",
    "font-src 'self'",
    "connect-src 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
    "base-uri 'self'",
    "object-src 'none'",
))


def add_headers(response):
    h = response.headers
    h.setdefault("Content-Security-Policy", CSP)
    h.setdefault("X-Content-Type-Options", "nosniff")
    h.setdefault("X-Frame-Options", "DENY")
    h.setdefault("Referrer-Policy", "same-origin")
    h.setdefault("Cross-Origin-Opener-Policy", "same-origin")
    h.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
    if current_app.config.get("SECURE_COOKIES"):
        h.setdefault("Strict-Transport-Security", "max-age=31536000")
    return response


def init_app(app: Flask) -> None:
    app.after_request(add_headers)
