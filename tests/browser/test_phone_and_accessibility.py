"""Every main page at a phone's width (390 px) and a laptop's (1366 px): no sideways scrolling, no serious or
critical WCAG 2.1 AA violation found by axe-core (vendored beside this file, no CDN), a skip link, and no
English words left in the Indonesian interface."""
from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

AXE = (Path(__file__).parent / "vendor" / "axe.min.js").read_text(encoding="utf-8")
WIDTHS = (390, 1366)
# Words an Indonesian official should never meet in the Indonesian UI (the style guides write "Standar",
# "Dasbor", "Draf", "Reviu", "Simpan", ...).
ENGLISH = re.compile(r"\b(On track|[Rr]oll-up|Service delivery|Manufacturing|Standard|Dashboard|Submit|Save|Delete|"
                     r"Cancel|Settings|Evidence|Achievement|Budget|Draft|Review|Approve|Locked|Search|Upload|"
                     r"Download|Overdue|Warning)\b")
AXE_RUN = """async () => {
  const r = await axe.run(document, {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']},
                                     resultTypes: ['violations']});
  return r.violations.filter(v => v.impact === 'serious' || v.impact === 'critical')
                     .map(v => v.id + ' (' + v.impact + '): ' + v.nodes.slice(0, 3).map(n => n.target.join(' ')).join(', '));
}"""


def _a_renja(page) -> str:
    """The first plan on the home page that has a realisation grid (a Renja, not a Renstra); left open."""
    page.goto(page.base + "/")
    for href in page.eval_on_selector_all("a[href^='/plans/']", "els => els.map(a => a.getAttribute('href'))"):
        if href.rstrip("/").split("/")[-1].isdigit():
            page.goto(page.base + href)
            if page.locator("a[href$='/realisasi']").count():
                return href
    raise AssertionError("the demo has no Renja on the home page")


def _main_pages(page) -> list[str]:
    """The pages an official opens every day, found from the demo data as a user would click to them."""
    plan = _a_renja(page)
    indicator = page.eval_on_selector("a[href^='/indicators/']", "a => a.getAttribute('href')")
    worksheet = page.eval_on_selector("a[href$='/lembar-kerja']", "a => a.getAttribute('href')")
    return ["/", plan, indicator, plan + "/realisasi", plan + "/dashboard", plan + "/anggaran", plan + "/history",
            worksheet, "/monitoring", "/review", "/plans/new", "/admin/users", "/account/password"]


def _links(page, url: str, selector: str) -> list[str]:
    page.goto(page.base + url)
    return page.eval_on_selector_all(selector, "els => els.map(a => a.getAttribute('href'))")


def _training_pages(page, who: str) -> list[str]:
    """The instructor's class view and case library; the trainee's sandbox (with its feedback panel), a quiz
    and the sandbox plan."""
    if who == "instruktur":
        klass = _links(page, "/latihan/", "a[href^='/latihan/kelas/']")[0]
        case = _links(page, "/latihan/kasus", "a[href^='/latihan/kasus/']:not([href$='/baru'])")[0]
        return [klass, "/latihan/kasus", case]
    sandbox = _links(page, "/latihan/", "a[href^='/latihan/ruang/']")[0]
    quiz = _links(page, sandbox, "a[href*='/kuis/']")[0]
    plan = _links(page, sandbox, "#training-sandbox a[href^='/plans/'], a.link-button[href^='/plans/']")[0]
    return [sandbox, quiz, plan]


def _round_pages(page) -> list[str]:
    """A round's overview, a unit's scoring (with its recommendations), the LHE print view, a recommendation
    made an activity, the follow-up and the Renja overview across units."""
    rnd = _links(page, "/evaluasi-lintas-unit", "#rounds a[href^='/evaluasi-lintas-unit/']")[0]
    unit = _links(page, rnd, "a[href*='/unit/']")[0]
    lhe = _links(page, unit, "#lhe-link")[0]
    activity = _links(page, unit, "a[href^='/rekomendasi/']")[:1]
    return ["/evaluasi-lintas-unit", rnd, unit, lhe, *activity, rnd + "/tindak-lanjut",
            "/capaian-lintas-unit?year=2026"]


def _problems(page, urls: list[str], shots: str | None = None) -> list[str]:
    """Sideways scrolling and axe violations at each width, English words at the phone's; with ``shots``, each
    page at 390 px saved as ``<shots>/<n>-<page>.png`` to be looked at."""
    problems: list[str] = []
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        for n, url in enumerate(urls):
            page.goto(page.base + url)
            page.wait_for_load_state("networkidle")  # panels loaded by htmx (the training feedback) are in
            scroll, client = page.evaluate(
                "() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]")
            if scroll > client:
                problems.append(f"{url} at {width} px scrolls sideways ({scroll} > {client} px)")
            page.add_script_tag(content=AXE)
            problems += [f"{url} at {width} px: {v}" for v in page.evaluate(AXE_RUN)]
            if width == WIDTHS[0]:
                english = sorted(set(ENGLISH.findall(page.inner_text("body"))))
                if english:
                    problems.append(f"{url}: English in the Indonesian UI: {english}")
                if shots:
                    name = re.sub(r"[^a-z0-9]+", "-", url.lower()).strip("-") or "home"
                    page.screenshot(path=f"{shots}/{n:02d}-{name}.png", full_page=True)
    return problems


@pytest.mark.axe
def test_main_pages_fit_a_phone_pass_axe_and_speak_indonesian(login_as):
    page = login_as("admin")
    assert _problems(page, _main_pages(page)) == []
    assert page.errors == []


@pytest.mark.axe
def test_training_and_round_pages_fit_a_phone_pass_axe_and_speak_indonesian(login_as):
    """The pages added after the bar was set: training (class view, case library and case, the trainee's
    sandbox with its feedback panel, a quiz, the sandbox plan) and evaluation rounds (overview, unit scoring and
    recommendations, LHE print view, a recommendation made an activity, follow-up, Renja across units).
    ``PLANNER_PHONE_SHOTS=<dir>`` keeps their 390-px screenshots there to be looked at."""
    shots = os.environ.get("PLANNER_PHONE_SHOTS")  # full-page screenshots cost seconds: only when asked for
    problems: list[str] = []
    for who in ("instruktur", "peserta", "admin"):
        page = login_as(who)
        urls = _round_pages(page) if who == "admin" else _training_pages(page, who)
        if shots:
            Path(shots, who).mkdir(parents=True, exist_ok=True)
        problems += _problems(page, urls, shots=str(Path(shots, who)) if shots else None)
        page.context.clear_cookies()
    assert problems == [], "\n".join(problems)
    assert page.errors == []


def test_skip_link_moves_focus_to_the_content(login_as):
    page = login_as("penyusun")
    page.keyboard.press("Tab")
    skip = page.locator("a.skip-link")
    assert skip.evaluate("a => a === document.activeElement")
    assert skip.is_visible()  # shown while focused, hidden otherwise
    page.keyboard.press("Enter")
    assert page.evaluate("() => location.hash") == "#main"
    outline = page.locator("a.skip-link").evaluate("a => getComputedStyle(a).top")
    assert outline != ""


def test_the_realisation_grid_keeps_names_readable_on_a_phone(login_as):
    """The grid scrolls inside its own box; indicator names are not squeezed to a letter a line."""
    page = login_as("penyusun")
    page.set_viewport_size({"width": 390, "height": 900})
    plan = _a_renja(page)
    page.goto(page.base + plan + "/realisasi")
    width = page.eval_on_selector("#rgrid td.c-ind", "td => td.getBoundingClientRect().width")
    assert width >= 150
    assert page.evaluate("() => document.documentElement.scrollWidth <= document.documentElement.clientWidth")
