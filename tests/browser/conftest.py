"""Real-browser fixtures: the app served on loopback, Debian's Chromium driven by Playwright."""
from __future__ import annotations

import os
import shutil
import threading

import pytest
from werkzeug.serving import make_server

from planner import create_app, db
from planner.config import ROOT
from planner.services import seeds

CHROMIUM = os.environ.get("PLANNER_CHROMIUM", "/usr/bin/chromium")


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/browser" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


@pytest.fixture
def live_server(s, database_url, tmp_path):
    """The demo data, served by a real HTTP server in a thread (the test's tables were emptied first)."""
    app = create_app({"DATABASE_URL": database_url, "SECRET_KEY": "browser-test", "UPLOAD_DIR": str(tmp_path / "up")})
    with app.app_context():
        with db.session_scope(db.engine()) as session:
            seeds.load_demo(session, ROOT / "seeds")
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    app.extensions["planner.engine"].dispose()


@pytest.fixture
def page(live_server, request):
    if not shutil.which(CHROMIUM):
        pytest.skip(f"Chromium not found at {CHROMIUM} (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=[
            "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run"])
        # axe-core is injected as a script: only the accessibility checks lift the page's CSP to do so.
        pg = browser.new_page(viewport={"width": 1366, "height": 900},
                              bypass_csp=request.node.get_closest_marker("axe") is not None)
        pg.errors = []
        pg.on("pageerror", lambda e: pg.errors.append(str(e)))
        pg.on("console", lambda m: pg.errors.append(m.text) if m.type == "error" else None)
        pg.set_default_timeout(10_000)
        pg.base = live_server
        yield pg
        browser.close()


@pytest.fixture
def login_as(page):
    def do(username: str):
        page.goto(page.base + "/login")
        page.fill("input[name=username]", username)
        page.fill("input[name=password]", seeds.DEMO_PASSWORD)
        page.click("button.primary")
        page.wait_for_url(page.base + "/")
        return page
    return do
