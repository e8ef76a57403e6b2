"""The WSGI entry point for servers such as gunicorn: ``gunicorn -w 4 --preload planner.wsgi:app``.

Configuration comes from the ``PLANNER_*`` environment variables (``planner.config``). Every template is
compiled here, before any worker serves (``web.speed.compile_templates``); with ``--preload`` that happens once,
in the master, and each forked worker opens its own database connections (``db.own_connections_after_fork``).
"""
from planner import create_app, db
from planner.web.speed import compile_templates

app = create_app()
compile_templates(app)
db.own_connections_after_fork(app)
