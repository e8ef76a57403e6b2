"""Configuration, schema checks, security headers and cookies, the command line."""
from __future__ import annotations

import os

from click.testing import CliRunner
from sqlalchemy import text

from planner import create_app, db, migrate
from planner.cli import main
from planner.config import ROOT
from planner.db import make_engine
from planner.web import speed


def test_database_behind_is_said_clearly(tmp_path):
    url = f"sqlite:///{tmp_path / 'old.sqlite'}"
    make_engine(url).dispose()  # an empty database: schema far behind
    app = create_app({"DATABASE_URL": url, "SECRET_KEY": "x", "TESTING": True})
    client = app.test_client()
    page = client.get("/login")
    assert page.status_code == 503 and "planner db upgrade" in page.get_data(as_text=True)
    assert client.get("/healthz").json["error"]["code"] == "schema_behind"
    migrate.upgrade(app.extensions["planner.engine"])
    assert client.get("/login").status_code == 200
    app.extensions["planner.engine"].dispose()


def test_secret_key_is_generated_once_and_kept(tmp_path, monkeypatch):
    monkeypatch.delenv("PLANNER_SECRET_KEY", raising=False)
    from planner import config
    first = config.load(str(tmp_path), {"DATABASE_URL": "sqlite://"})["SECRET_KEY"]
    again = config.load(str(tmp_path), {"DATABASE_URL": "sqlite://"})["SECRET_KEY"]
    assert first == again and len(first) == 64
    assert (tmp_path / "secret_key").stat().st_mode & 0o077 == 0


def test_database_url_from_the_environment(tmp_path, monkeypatch):
    monkeypatch.setenv("PLANNER_DATABASE_URL", f"sqlite:///{tmp_path / 'env.sqlite'}")
    app = create_app({"SECRET_KEY": "x"})
    assert app.config["DATABASE_URL"].endswith("env.sqlite")
    app.extensions["planner.engine"].dispose()


def test_session_cookie_is_httponly_and_samesite(client, make_org, make_user):
    make_user("ani", "penyusun", make_org())
    resp = client.post("/login", data={"username": "ani", "password": "rahasia-123"})
    cookie = resp.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_cli_demo_is_idempotent_and_create_user(tmp_path, monkeypatch):
    url = f"sqlite:///{tmp_path / 'cli.sqlite'}"
    monkeypatch.setenv("PLANNER_DATABASE_URL", url)
    monkeypatch.setenv("PLANNER_SECRET_KEY", "x")
    runner = CliRunner()
    first = runner.invoke(main, ["demo"])
    assert first.exit_code == 0, first.output
    assert "11 plans created" in first.output and "planner-demo" in first.output  # with the Pemda's RPJMD-level plan
    again = runner.invoke(main, ["demo"])
    assert "0 plans created" in again.output
    made = runner.invoke(main, ["create-user", "siti", "--role", "reviewer", "--org", "BAPENDA-KALBAR",
                                "--password", "rahasia-123"])
    assert made.exit_code == 0 and "siti" in made.output
    dup = runner.invoke(main, ["create-user", "siti", "--role", "reviewer", "--password", "rahasia-123"])
    assert dup.exit_code != 0 and "sudah dipakai" in dup.output
    asked = runner.invoke(main, ["create-user", "rina", "--role", "admin"], input="rahasia-123\nrahasia-123\n")
    assert asked.exit_code == 0, asked.output
    upgraded = runner.invoke(main, ["db", "upgrade"])
    assert upgraded.exit_code == 0 and migrate.head() in upgraded.output


def test_servers_compile_every_template_before_the_first_request(app, client, monkeypatch):
    """A fresh worker serves its first page without compiling (the compile happens once, at start)."""
    templates = {p.relative_to(ROOT / "templates").as_posix() for p in (ROOT / "templates").rglob("*.html")}
    assert speed.compile_templates(app) == len(templates)

    def compile_again(*_args, **_kwargs):
        raise AssertionError("a template was compiled during a request")

    monkeypatch.setattr(app.jinja_env, "compile", compile_again)
    page = client.get("/login")
    assert page.status_code == 200 and 'name="password"' in page.get_data(as_text=True)


def test_a_forked_worker_opens_its_own_database_connections(app):
    """``gunicorn --preload``: a connection the master used is never shared with a forked worker."""
    eng = app.extensions["planner.engine"]
    with eng.connect() as conn:
        assert conn.execute(text("SELECT 1")).scalar() == 1
    db.own_connections_after_fork(app)
    child = os.fork()
    if child == 0:  # the worker: no pooled connection of the master's, and a fresh one that works
        ok = False
        try:
            ok = eng.pool.checkedin() == 0
            with eng.connect() as conn:
                ok = ok and conn.execute(text("SELECT 2")).scalar() == 2
        finally:
            os._exit(0 if ok else 1)
    _, status = os.waitpid(child, 0)
    assert os.waitstatus_to_exitcode(status) == 0
    with eng.connect() as conn:  # the master's own connection still answers it
        assert conn.execute(text("SELECT 3")).scalar() == 3
