"""Headers and pages: a CSP without inline script, no framing, no sniffing; no inline script or handler in
any template; the organisation/year switcher changes the session only by POST and validates the year."""
from __future__ import annotations

import re
from pathlib import Path

from planner.config import ROOT

TEMPLATES = Path(ROOT) / "templates"


def test_every_response_has_the_security_headers(client, editor, renja):
    for url in ("/login", "/", f"/plans/{renja.id}", "/api/v1/openapi.json", "/no-such-page"):
        h = editor.get(url).headers
        csp = h["Content-Security-Policy"]
        assert "script-src 'self'" in csp and "'unsafe-inline'" not in csp.split("script-src")[1].split(";")[0]
        assert "frame-ancestors 'none'" in csp
        assert h["X-Content-Type-Options"] == "nosniff"
        assert h["Referrer-Policy"] == "same-origin"
        assert h["X-Frame-Options"] == "DENY"


def test_templates_carry_no_inline_script_or_style_element_or_handler():
    offenders = []
    for path in TEMPLATES.rglob("*.html"):
        text = path.read_text()
        for m in re.finditer(r"<script(?![^>]*\bsrc=)[^>]*>|<style\b|\son[a-z]+\s*=|hx-on|javascript:", text):
            offenders.append(f"{path.relative_to(TEMPLATES)}: {m.group(0)}")
    assert not offenders, offenders


def test_htmx_runs_without_eval_and_without_injected_styles(client):
    page = client.get("/login").get_data(as_text=True)
    config = re.search(r'name="htmx-config" content=\'([^\']+)\'', page).group(1)
    assert '"allowEval":false' in config and '"includeIndicatorStyles":false' in config


def test_switch_is_a_post_and_refuses_absurd_years(editor, org):
    assert editor.get("/switch?year=999999999999").status_code == 405
    resp = editor.post("/switch", data={"year": "999999999999"})
    assert resp.status_code == 422
    assert editor.get("/").status_code == 200  # the home page still works for this user
    assert editor.post("/switch", data={"year": "2027"}).status_code == 302
    assert "2027" in editor.get("/").get_data(as_text=True)


def test_switch_refuses_an_organisation_outside_the_scope(editor, make_org):
    other = make_org("LAIN", "Dinas Lain")
    assert editor.post("/switch", data={"org": str(other.id)}).status_code == 422


def test_an_old_session_with_a_broken_year_does_not_break_the_home_page(editor):
    with editor.session_transaction() as sess:
        sess["year"] = 999999999999
    assert editor.get("/").status_code == 200
