"""A penyusun uploads a workbook; a real huey consumer (threads, SQLite queue) runs the job while the page
polls the progress with htmx; the dry run passes, then the real import."""
from __future__ import annotations

import threading

import pytest
from sqlmodel import Session, select
from werkzeug.serving import make_server

from planner import create_app, db, jobs
from planner.models import Organization, Plan
from planner.services import exports, seeds


@pytest.fixture
def served(demo, database_url, tmp_path):
    app = create_app({"DATABASE_URL": database_url, "SECRET_KEY": "browser-test", "UPLOAD_DIR": str(tmp_path / "up"),
                      "JOBS_URL": f"sqlite:///{tmp_path / 'jobs.sqlite'}"})
    consumer = jobs.start_consumer(app)
    server = make_server("127.0.0.1", 0, app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield app, f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    consumer.stop(graceful=True)
    app.extensions["planner.engine"].dispose()


def test_upload_follow_progress_and_import(served, browser, tmp_path):
    app, base = served
    with app.app_context(), Session(db.engine()) as s:
        org = s.exec(select(Organization).where(Organization.code == "BAPENDA-KALBAR")).one()
        renja = s.exec(select(Plan).where(Plan.organization_id == org.id, Plan.kind == "renja")).first()
        path = tmp_path / "renja.xlsx"
        path.write_bytes(exports.workbook(s, renja, "renja"))
    context = browser.new_context()
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(base + "/login")
    page.fill("input[name=username]", "penyusun")
    page.fill("input[name=password]", seeds.DEMO_PASSWORD)
    page.click("button.primary")
    page.wait_for_url(base + "/")
    page.click("text=Impor Excel")
    page.set_input_files("input[name=file]", str(path))
    page.select_option("select[name=organization_id]", label="Badan Pendapatan Daerah Provinsi Kalimantan Barat")
    page.click("text=Unggah dan periksa")
    page.wait_for_selector("text=Uji coba berhasil", timeout=60_000)  # htmx polling replaced the progress bar
    assert page.locator("#job-progress table").count() == 1
    page.click("text=Impor sekarang")
    page.wait_for_selector("text=Impor selesai dan tersimpan", timeout=60_000)
    assert not errors, errors
    context.close()
