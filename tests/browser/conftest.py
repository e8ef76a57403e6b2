"""Real-browser fixtures: the app served on loopback, Debian's Chromium driven by Playwright."""
from __future__ import annotations

import os
import shutil
import threading
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from planner import create_app
from planner.config import ROOT
from planner.services import seeds

CHROMIUM = os.environ.get("PLANNER_CHROMIUM", "/usr/bin/chromium")
SCREENSHOTS = ROOT / "docs" / "screenshots"


def save_screenshot(page, path, **kw) -> None:
    """``page.screenshot(path=...)`` written whole or not at all: CI runs the suite on SQLite and PostgreSQL at
    the same time, both refreshing the same files in docs/screenshots."""
    path = Path(path)
    partial = path.with_name(f".{path.name}.{os.getpid()}")
    partial.write_bytes(page.screenshot(**kw))
    os.replace(partial, path)


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/browser" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


@pytest.fixture
def served_app(demo, database_url, tmp_path):
    """The app the live server serves (a test may slow a view down to make requests overlap)."""
    app = create_app({"DATABASE_URL": database_url, "SECRET_KEY": "browser-test", "UPLOAD_DIR": str(tmp_path / "up")})
    yield app
    app.extensions["planner.engine"].dispose()


@pytest.fixture
def live_server(served_app):
    """The demo data, served by a real HTTP server in a thread (the test's tables were emptied first)."""
    server = make_server("127.0.0.1", 0, served_app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()


@pytest.fixture(scope="session")
def browser():
    """One Chromium for the run (starting it costs 1-5 s); each test gets its own context (cookies, storage)."""
    if not shutil.which(CHROMIUM):
        pytest.skip(f"Chromium not found at {CHROMIUM} (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=[
            "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run"])
        yield browser
        browser.close()


@pytest.fixture
def page(browser, live_server, request):
    # axe-core is injected as a script: only the accessibility checks lift the page's CSP to do so.
    context = browser.new_context(viewport={"width": 1366, "height": 900},
                                  bypass_csp=request.node.get_closest_marker("axe") is not None)
    pg = context.new_page()
    pg.errors = []
    pg.on("pageerror", lambda e: pg.errors.append(str(e)))
    pg.on("console", lambda m: pg.errors.append(m.text) if m.type == "error" else None)
    pg.set_default_timeout(10_000)
    pg.base = live_server
    yield pg
    context.close()


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
