"""Background jobs through huey: imports (and large exports) never block a request.

On a laptop the default is huey's SQLite storage in the instance folder and ``planner serve`` runs the
consumer in-process (worker threads). On a server set ``PLANNER_JOBS_URL=redis://host:6379/0`` (needs the
``redis`` package) or keep ``sqlite:////shared/path/jobs.sqlite`` and run ``huey_consumer planner.jobs.huey
-w 4`` next to ``gunicorn`` (see the README). ``PLANNER_JOBS_URL=immediate`` runs jobs inline (tests).

Progress lives in huey's own key-value storage, not in the application database, so a running import's
open transaction never blocks its own progress bar.
"""
from __future__ import annotations

import os
import threading
from pathlib import Path

from huey import MemoryHuey, RedisHuey, SqliteHuey
from huey.api import Huey
from huey.consumer import Consumer

from planner.models.base import utcnow

_app = None  # the Flask app the consumer's tasks run in (set by ``start_consumer`` or ``configure``)
_lock = threading.Lock()


def _make(url: str) -> Huey:
    if url == "immediate":
        return MemoryHuey("planner", immediate=True)
    if url.startswith("redis://"):
        return RedisHuey("planner", url=url)
    path = url.removeprefix("sqlite:///") if url.startswith("sqlite:///") else url
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    return SqliteHuey("planner", filename=path)


def _default_url() -> str:
    if os.environ.get("PLANNER_JOBS_URL"):
        return os.environ["PLANNER_JOBS_URL"]
    from planner.config import ROOT
    return f"sqlite:///{ROOT / 'instance' / 'jobs.sqlite'}"


huey: Huey = _make(_default_url())


def configure(app) -> None:
    """Point the job queue at the app's setting (``JOBS_URL``) and remember the app for the tasks."""
    global huey, _app
    url = app.config.get("JOBS_URL") or ("immediate" if app.config.get("TESTING")
                                         else f"sqlite:///{Path(app.instance_path) / 'jobs.sqlite'}")
    with _lock:
        if getattr(huey, "_planner_url", None) != url:
            new = _make(url)
            new._planner_url = url
            huey = new
            _register(new)
        _app = app


def set_progress(job_id: int, done: int, total: int) -> None:
    huey.put(f"progress:{job_id}", {"done": done, "total": total})


def progress(job_id: int) -> dict:
    return huey.get(f"progress:{job_id}", peek=True) or {"done": 0, "total": 0}


def _run_import(job_id: int) -> None:
    from planner import db
    from planner.models.imports import ImportJob
    from planner.services import imports
    from sqlmodel import Session

    app = _app
    if app is None:
        from planner import create_app
        app = create_app()
    with app.app_context():
        eng = db.engine()
        with Session(eng, expire_on_commit=False) as s:
            job = s.get(ImportJob, job_id)
            job.status = "running"
            s.add(job)
            s.commit()
            data, name, org_id, user_id, dry, mapping_id = (job.content, job.filename, job.organization_id,
                                                            job.user_id, job.dry_run, job.mapping_id)
        try:
            outcome = imports.execute(eng, user_id, data, name, org_id, dry_run=dry, mapping_id=mapping_id,
                                      progress=lambda done, total: set_progress(job_id, done, total))
            status, message = ("done" if outcome.ok else "failed"), ""
        except Exception as exc:  # a bug must still end the job, with a message the user can pass on
            outcome, status = None, "failed"
            message = f"Kesalahan tak terduga ({type(exc).__name__}); hubungi administrator."
            app.logger.exception("import job %s failed", job_id)
        with Session(eng, expire_on_commit=False) as s:
            job = s.get(ImportJob, job_id)
            job.status, job.message, job.finished_at = status, message, utcnow()
            if outcome is not None:
                job.counts = outcome.counts
                job.errors = [e.as_dict() for e in outcome.errors]
                job.organization_id = job.organization_id or outcome.organization_id
            job.content = None if status == "done" and not dry else job.content  # keep it for a real run after a dry run
            s.add(job)
            s.commit()


def _register(h: Huey) -> None:
    h._planner_import = h.task(name="planner.import")(_run_import)


_register(huey)


def enqueue_import(job_id: int) -> None:
    huey._planner_import(job_id)


def start_consumer(app, workers: int = 2) -> Consumer:
    """The in-process consumer of ``planner serve``: worker threads, no signal handlers."""
    configure(app)
    consumer = huey.create_consumer(workers=workers, worker_type="thread", periodic=False, initial_delay=0.1,
                                    max_delay=1.0, check_worker_health=False)
    consumer.start()
    return consumer
