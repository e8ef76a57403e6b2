"""The WSGI entry point for servers such as gunicorn: ``gunicorn -w 4 planner.wsgi:app``.

Configuration comes from the ``PLANNER_*`` environment variables (``planner.config``)."""
from planner import create_app

app = create_app()
