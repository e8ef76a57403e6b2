#!/usr/bin/env python
"""Screenshots of every official form's print view for docs/import-export.md:
``python scripts/form_screenshots.py`` (needs Debian's chromium and Playwright).

The demo data of one unit (Bapenda Kalbar), plus a few realisations, budgets and yearly Renstra pagu entered
through the services, served on loopback; each print view is captured as docs/screenshots/form-KIND.png.
"""
from __future__ import annotations

import sys
import tempfile
import threading
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlmodel import select  # noqa: E402
from werkzeug.serving import make_server  # noqa: E402

from planner import create_app, db, migrate  # noqa: E402
from planner.models import Organization, Plan  # noqa: E402
from planner.services import exports, indicative_pagu, plans, seeds  # noqa: E402
from planner.services import monitoring as mon  # noqa: E402

ORG = "BAPENDA-KALBAR"


def enrich(s) -> tuple[int, int]:
    org = s.exec(select(Organization).where(Organization.code == ORG)).one()
    renja = s.exec(select(Plan).where(Plan.organization_id == org.id, Plan.kind == "renja")).first()
    renstra = s.get(Plan, renja.renstra_id)
    for tn in plans.load_tree(s, renstra).walk():
        if tn.node.kind == "program":
            for i, y in enumerate(renstra.years):
                indicative_pagu.set_pagu(s, tn.node, y, Decimal(5_000_000_000 + 250_000_000 * i))
    tree = plans.load_tree(s, renja)
    for n, tn in enumerate(tree.walk()):
        for ind in tn.indicators:
            if ind.frequency != "quarterly" or ind.accumulation == "ratio" or ind.target_type != "number":
                continue
            t = tree.target_map(ind.id).get((renja.first_year, "TW1")) or tree.target_map(ind.id).get((renja.first_year, "Y"))
            if t is None or t.value is None:
                continue
            for q, share in (("TW1", 0.9), ("TW2", 1.02)):
                value = round(t.value * share, 2)
                try:
                    mon.record_realization(s, ind, renja.first_year, q, value=value)
                except Exception:  # a bound of an indicator: this is demo data, skip it
                    pass
            mon.save_narrative(s, ind, renja.first_year, "TW2", faktor_pendorong="Dukungan Samsat keliling",
                               faktor_penghambat="Jaringan di kecamatan terpencil")
        if tn.node.pagu and not tn.children:
            mon.set_budget(s, tn.node, renja.first_year, tn.node.pagu,
                           {"TW1": tn.node.pagu * Decimal("0.2"), "TW2": tn.node.pagu * Decimal("0.25")})
    return renstra.id, renja.id


def main() -> None:
    from playwright.sync_api import sync_playwright

    out_dir = ROOT / "docs" / "screenshots"
    with tempfile.TemporaryDirectory() as tmp:
        app = create_app({"DATABASE_URL": f"sqlite:///{tmp}/shots.sqlite", "SECRET_KEY": "shots", "JOBS_URL": "immediate"})
        with app.app_context():
            migrate.upgrade(db.engine())
            with db.session_scope(db.engine()) as s:
                seeds.load_demo(s, ROOT / "seeds")
                renstra_id, renja_id = enrich(s)
        server = make_server("127.0.0.1", 0, app, threaded=True)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        base = f"http://127.0.0.1:{server.server_port}"
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=[
                "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run"])
            page = browser.new_page(viewport={"width": 1500, "height": 1000})
            page.goto(base + "/login")
            page.fill("input[name=username]", "admin")
            page.fill("input[name=password]", seeds.DEMO_PASSWORD)
            page.click("button.primary")
            page.wait_for_url(base + "/")
            for kind in exports.KINDS:
                plan_id = renstra_id if kind == "renstra" else renja_id
                page.goto(f"{base}/plans/{plan_id}/cetak/{kind}" + ("?period=TW2" if kind == "monitoring" else ""))
                page.screenshot(path=str(out_dir / f"form-{kind}.png"), full_page=False)
                print("wrote", out_dir / f"form-{kind}.png")
            page.goto(base + "/imports")
            page.screenshot(path=str(out_dir / "import-page.png"))
            browser.close()
        server.shutdown()


if __name__ == "__main__":
    main()
