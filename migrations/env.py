"""Alembic environment: the URL comes from the app's configuration (PLANNER_DATABASE_URL)."""
from alembic import context
from sqlmodel import SQLModel

import planner.models  # noqa: F401  (registers every table on the metadata)
from planner.db import make_engine

config = context.config


def _url() -> str:
    url = config.attributes.get("database_url") or config.get_main_option("sqlalchemy.url")
    if not url:
        import os
        from pathlib import Path
        url = os.environ.get("PLANNER_DATABASE_URL") or f"sqlite:///{Path('instance/planner.sqlite').resolve()}"
    return url


def run() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        _configure_and_run(connection)
        return
    engine = make_engine(_url())
    with engine.connect() as conn:
        _configure_and_run(conn)
    engine.dispose()


def _configure_and_run(conn) -> None:
    context.configure(connection=conn, target_metadata=SQLModel.metadata,
                      render_as_batch=conn.dialect.name == "sqlite", compare_type=True)
    with context.begin_transaction():
        context.run_migrations()


run()
