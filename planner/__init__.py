"""Planner: a planning and monitoring workbench for Indonesian government work plans."""
from __future__ import annotations

from flask import Flask

from planner import config as _config
from planner import db


def create_app(test_config: dict | None = None) -> Flask:
    """Application factory (flaskr style): nothing is configured at import time."""
    app = Flask(
        __name__,
        instance_relative_config=True,
        template_folder=str(_config.ROOT / "templates"),
        static_folder=str(_config.ROOT / "static"),
    )
    app.config.from_mapping(_config.load(app.instance_path, test_config))
    db.init_app(app)
    from planner.services import login_guard

    login_guard.set_hash_slots(app.config["PASSWORD_HASH_SLOTS"])

    from planner.web import init_app as init_web

    init_web(app)

    from planner.cli import register

    register(app)
    from planner.web.speed import tune_gc

    tune_gc()  # after everything app start allocates (issue 12: the cyclic collector on large pages)
    return app
