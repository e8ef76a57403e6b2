"""Configuration: defaults first, then ``PLANNER_*`` environment variables, then ``test_config``.

Nothing is read at import time: ``load`` is called by ``create_app`` so tests and the CLI
can build apps with different settings in one process.
"""
from __future__ import annotations

import os
import secrets
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _secret_key(instance_path: Path) -> str:
    """Keep a generated key in the instance folder so sessions survive restarts."""
    key_file = instance_path / "secret_key"
    if not key_file.exists():
        instance_path.mkdir(parents=True, exist_ok=True)
        key_file.write_text(secrets.token_hex(32))
        key_file.chmod(0o600)
    return key_file.read_text().strip()


def load(instance_path: str, test_config: dict | None = None) -> dict:
    inst = Path(instance_path)
    env = os.environ
    config = {
        "DATABASE_URL": env.get("PLANNER_DATABASE_URL") or f"sqlite:///{inst / 'planner.sqlite'}",
        # issue 12: a read replica for dashboards and rankings (unset: everything reads the primary).
        "READ_DATABASE_URL": env.get("PLANNER_READ_DATABASE_URL"),
        "SECRET_KEY": env.get("PLANNER_SECRET_KEY"),
        "DEFAULT_LOCALE": env.get("PLANNER_LOCALE", "id"),
        "API_TOKEN_HOURS": int(env.get("PLANNER_API_TOKEN_HOURS", "12")),
        # methodology §9: the install default of the settings institutions choose differently (each
        # organisation can set its own: services.settings).
        "LOWER_IS_BETTER_FORMULA": env.get("PLANNER_LOWER_IS_BETTER_FORMULA", "2T-R"),
        "TOLERANCE": float(env.get("PLANNER_TOLERANCE", "15")),
        "ROLLUP_CAP": env.get("PLANNER_ROLLUP_CAP", "none"),
        "COVERAGE_THRESHOLD": float(env.get("PLANNER_COVERAGE_THRESHOLD", "80")),
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "WTF_CSRF_TIME_LIMIT": None,
        "MAX_CONTENT_LENGTH": 20 * 1024 * 1024,
        # Bukti dukung: kept outside static/ and served only to readers of the plan; one file's limit.
        "UPLOAD_DIR": env.get("PLANNER_UPLOAD_DIR") or str(inst / "uploads"),
        "EVIDENCE_MAX_BYTES": int(float(env.get("PLANNER_EVIDENCE_MAX_MB", "10")) * 1024 * 1024),
        # issue 12: a plan with more nodes than this shows its realisation grid one top node at a time.
        "GRID_WHOLE_MAX_NODES": int(env.get("PLANNER_GRID_WHOLE_MAX_NODES", "150")),
        # Complaints: the legal response limit in working days (a unit may set its own); public
        # questionnaire submissions allowed per address per hour.
        "COMPLAINT_LIMIT_DAYS": int(env.get("PLANNER_COMPLAINT_LIMIT_DAYS", "15")),
        "PUBLIC_SURVEY_PER_HOUR": int(env.get("PLANNER_PUBLIC_SURVEY_PER_HOUR", "30")),
        # Background jobs (imports): huey on SQLite in the instance folder unless set (planner/jobs.py).
        "JOBS_URL": env.get("PLANNER_JOBS_URL"),
        "BABEL_DEFAULT_LOCALE": "id",
        "BABEL_DEFAULT_TIMEZONE": "Asia/Jakarta",
        # Login throttling (per account, per address, in a sliding window) and concurrent password hashes.
        "LOGIN_MAX_PER_ACCOUNT": int(env.get("PLANNER_LOGIN_MAX_PER_ACCOUNT", "5")),
        "LOGIN_MAX_PER_ADDRESS": int(env.get("PLANNER_LOGIN_MAX_PER_ADDRESS", "30")),
        "LOGIN_WINDOW_SECONDS": int(env.get("PLANNER_LOGIN_WINDOW_SECONDS", "900")),
        "PASSWORD_HASH_SLOTS": int(env.get("PLANNER_PASSWORD_HASH_SLOTS", str(min(4, os.cpu_count() or 1)))),
        # Behind HTTPS: cookies only over TLS, and HSTS.
        "SECURE_COOKIES": env.get("PLANNER_SECURE_COOKIES", "0").lower() in ("1", "true", "yes", "on"),
    }
    if test_config:
        config.update(test_config)
    if config["SECURE_COOKIES"]:
        config["SESSION_COOKIE_SECURE"] = True
        config["REMEMBER_COOKIE_SECURE"] = True
    if not config["SECRET_KEY"]:
        config["SECRET_KEY"] = _secret_key(inst)
    return config
