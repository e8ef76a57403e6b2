"""Engine and one session per app context (the flask-sqlalchemy-lite pattern).

Services flush and never commit. A request that changes data commits once at the end
(``commit_or_rollback``); any error status or exception rolls the whole request back, so a
multi-row change is never half-written.
"""
from __future__ import annotations

import os
from contextlib import contextmanager
from typing import Iterator

from flask import Flask, current_app, g
from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlalchemy.pool import StaticPool
from sqlmodel import Session, create_engine

from planner import guard  # noqa: F401  (registers the before_flush column check on every session)
from planner.services import plan_stamps  # noqa: F401  (every session's writes bump their plans' stamps)
from planner.services import directory  # noqa: F401  (and writes to organisations, memberships, settings theirs)
from planner.services import session_reads


def make_engine(url: str) -> Engine:
    if url.startswith("sqlite"):
        kwargs: dict = {"connect_args": {"check_same_thread": False}}
        if ":memory:" in url or url in ("sqlite://", "sqlite:///"):
            kwargs["poolclass"] = StaticPool
        engine = create_engine(url, **kwargs)

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_conn, _record):
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA foreign_keys=ON")  # off by default in SQLite
            # WAL lets the server's threads read while one writes; wait instead of failing on a busy lock.
            cur.execute("PRAGMA busy_timeout=5000")
            # A bulk write (a 10.000-row import: ~20.000 rows with their audit entries) fits in the page cache
            # instead of spilling to the WAL while it holds the write lock (the default is 2 MB; grown only as used).
            cur.execute("PRAGMA cache_size=-32000")
            if "memory" not in url and url not in ("sqlite://", "sqlite:///"):
                cur.execute("PRAGMA journal_mode=WAL")
                # synchronous stays FULL: with NORMAL a saved cell would not wait for the disk, but a power cut
                # (a laptop's battery) could take back the last acknowledged saves
            cur.close()

        return engine
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url.removeprefix("postgresql://")
    return create_engine(url, pool_pre_ping=True)


def init_app(app: Flask) -> None:
    app.extensions["planner.engine"] = make_engine(app.config["DATABASE_URL"])
    # A read replica (PLANNER_READ_DATABASE_URL) for the heavy reads: dashboards and the cross-unit ranking.
    read_url = app.config.get("READ_DATABASE_URL")
    if read_url:
        app.extensions["planner.read_engine"] = make_engine(read_url)
    app.teardown_appcontext(_close_session)


def own_connections_after_fork(app: Flask) -> None:
    """A server that forks workers from a loaded app (``gunicorn --preload``): each child drops the pools it
    inherited without closing them (the parent's connections stay the parent's) and opens its own, as
    SQLAlchemy advises for ``os.fork``; two processes on one connection would mix their conversations."""
    def drop() -> None:
        for key in ("planner.engine", "planner.read_engine"):
            if key in app.extensions:
                app.extensions[key].dispose(close=False)

    os.register_at_fork(after_in_child=drop)


def engine() -> Engine:
    return current_app.extensions["planner.engine"]


def session() -> Session:
    """The session of the current app context, created on first use."""
    if "db_session" not in g:
        # a request reads the organisation tree, closed periods and targets once (services.session_reads)
        g.db_session = session_reads.enable(Session(engine(), expire_on_commit=False))
    return g.db_session


def read_session() -> Session:
    """A session on the read replica when one is configured, else the request's session.

    Only for pages that write nothing (dashboards, the ranking): a replica lags the primary by a moment,
    which such pages tolerate; it is never committed. It acts for the same principal as ``session()``."""
    read_engine = current_app.extensions.get("planner.read_engine")
    if read_engine is None:
        return session()
    if "db_read_session" not in g:
        g.db_read_session = Session(read_engine, expire_on_commit=False)
        # the acting principal (services.acting); not the primary session's kept rows
        g.db_read_session.info.update({k: v for k, v in session().info.items() if k != session_reads.KEY})
    return g.db_read_session


def _close_session(_exc=None) -> None:
    for name in ("db_session", "db_read_session"):
        s = g.pop(name, None)
        if s is not None:
            s.close()


def commit_or_rollback(response):
    """after_request hook: one commit per successful request, a rollback otherwise."""
    s = g.get("db_session")
    if s is None:
        return response
    if response.status_code < 400:
        s.commit()
    else:
        s.rollback()
    return response


@contextmanager
def session_scope(eng: Engine) -> Iterator[Session]:
    """For the CLI and seeds: one transaction, committed only if the block succeeds, acting as the system."""
    from planner.services import acting  # the services import this module's siblings: resolve late

    with acting.act_as(Session(eng, expire_on_commit=False), acting.SYSTEM) as s:
        try:
            yield s
            s.commit()
        except Exception:
            s.rollback()
            raise
