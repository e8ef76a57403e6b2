#!/usr/bin/env python
"""Screenshots of the main pages for docs/: ``python scripts/screenshots.py`` (needs Debian's chromium and
Playwright). The demo data on a throwaway SQLite database, served on loopback; a reviewer returns the
waiting Renja Perubahan with a note and comments on an indicator, so the penyusun's day is on screen.
Writes docs/screenshots/<name>.png at 1366 px and, for the phone, at 390 px.
"""
from __future__ import annotations

import sys
import tempfile
import threading
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlmodel import select  # noqa: E402
from werkzeug.serving import make_server  # noqa: E402

from planner import create_app, db, migrate  # noqa: E402
from planner.models import Indicator, Organization, Plan  # noqa: E402
from planner.permissions import principal_for  # noqa: E402
from planner.services import accounts, acting, audit, demo, seeds, workflow  # noqa: E402
from planner.services import settings as org_settings  # noqa: E402

OUT = ROOT / "docs" / "screenshots"


def prepare(s) -> dict[str, int]:
    """The plans the pages show: Bapenda's fixed Renja, Setkab's Perubahan returned to its penyusun."""
    def renja_of(code):
        org = s.exec(select(Organization).where(Organization.code == code)).one()
        return s.exec(select(Plan).where(Plan.organization_id == org.id, Plan.kind == "renja")
                      .order_by(Plan.revision_number.desc())).first()

    bapenda, setkab = renja_of("BAPENDA-KALBAR"), renja_of("SETKAB-DKK")
    reviewer = principal_for(s, accounts.by_username(s, "reviewer"))
    acting.act_as(s, reviewer)
    audit.set_actor(s, reviewer.user.id, reviewer.user.username)
    ind = s.exec(select(Indicator).where(Indicator.plan_id == setkab.id)).first()
    if setkab.status == "submitted":
        workflow.add_comment(s, reviewer, setkab, "Target TW IV belum menjumlah ke target tahunan.", "indicator",
                             ind.id)
        workflow.transition(s, reviewer, setkab, "return", "Lengkapi alasan perubahan target dan jawab komentar "
                                                           "pada indikator.")
    first = s.exec(select(Indicator).where(Indicator.plan_id == bapenda.id, Indicator.frequency == "quarterly",
                                           Indicator.accumulation == "sum")).first()
    return {"bapenda": bapenda.id, "setkab": setkab.id, "indicator": (first or ind).id, "setkab_ind": ind.id}


def shoot(page, base: str, path: str, name: str, width: int = 1366, full: bool = False) -> None:
    page.set_viewport_size({"width": width, "height": 900 if width > 500 else 844})
    page.goto(base + path)
    page.wait_for_load_state("networkidle")
    page.screenshot(path=str(OUT / f"{name}.png"), full_page=full)
    print("wrote", OUT / f"{name}.png")


def login(page, base: str, username: str) -> None:
    page.context.clear_cookies()
    page.goto(base + "/login")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", seeds.DEMO_PASSWORD)
    page.click("button.primary")
    page.wait_for_url(base + "/")


def main() -> None:
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as tmp:
        app = create_app({"DATABASE_URL": f"sqlite:///{tmp}/shots.sqlite", "SECRET_KEY": "shots",
                          "JOBS_URL": "immediate"})
        with app.app_context():
            migrate.upgrade(db.engine())
            with db.session_scope(db.engine()) as s:
                seeds.load_demo(s, ROOT / "seeds")
                demo.load_year(s, ROOT / "seeds", org_settings.install_default(app.config))
                ids = prepare(s)
        server = make_server("127.0.0.1", 0, app, threaded=True)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        base = f"http://127.0.0.1:{server.server_port}"
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=[
                "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run"])
            page = browser.new_page()
            login(page, base, "penyusun")
            shoot(page, base, "/", "home-tasks")
            shoot(page, base, "/", "home-tasks-phone", width=390)
            shoot(page, base, f"/plans/{ids['setkab']}", "plan-returned")
            shoot(page, base, f"/indicators/{ids['setkab_ind']}#komentar", "indicator-comments")
            shoot(page, base, f"/plans/{ids['bapenda']}", "renja-tree")
            shoot(page, base, f"/indicators/{ids['indicator']}", "indicator-editor")
            shoot(page, base, f"/plans/{ids['bapenda']}/realisasi?period=TW3", "realisation-grid")
            shoot(page, base, f"/plans/{ids['bapenda']}/dashboard?period=TW3", "dashboard")
            shoot(page, base, f"/plans/{ids['bapenda']}/dashboard?period=TW3", "dashboard-phone", width=390)
            login(page, base, "reviewer")
            shoot(page, base, "/review", "review-queue")
            browser.close()
        server.shutdown()


if __name__ == "__main__":
    main()
