"""The English UI: Indonesian stays the default, ``POST /lang/en`` switches pages and htmx fragments,
and the committed catalogue is complete, compiled and in step with the sources (docs/i18n.md)."""
from __future__ import annotations

import importlib.util
import io
from pathlib import Path

import pytest
from babel.messages.mofile import read_mo, write_mo
from babel.messages.pofile import read_po

import planner
from planner.models.plan import LEVEL_LABELS
from planner.models.worksheet import STEP_TITLES
from planner.services import plans
from tests.conftest import HX

ROOT = Path(__file__).resolve().parents[2]
PO = ROOT / "planner" / "translations" / "en" / "LC_MESSAGES" / "messages.po"
MO = PO.with_suffix(".mo")


@pytest.fixture
def english(editor):
    """The penyusun's client after choosing English with the toggle."""
    resp = editor.post("/lang/en", data={"next": "/"})
    assert resp.status_code == 302 and resp.headers["Location"].endswith("/")
    return editor


def page(client, url, **kw) -> str:
    resp = client.get(url, **kw)
    assert resp.status_code == 200, url
    return resp.get_data(as_text=True)


def keg(s, plan):
    """Kegiatan 1 of the ``renja`` fixture (one output indicator, one sub kegiatan)."""
    return plans.load_tree(s, plan).roots[0].children[0]


# ---------------------------------------------------------------- Indonesian by default

def test_pages_are_indonesian_by_default(editor, renja):
    home = page(editor, "/")
    assert '<html lang="id">' in home and "<title>Beranda · Planner</title>" in home
    assert "Rencana baru" in home and ">Keluar<" in home and ">Draf<" in home
    assert '<button class="link" lang="en">English</button>' in home  # the toggle names the other language
    tree = page(editor, f"/plans/{renja.id}")
    assert "Uraian / indikator kinerja" in tree and '<span class="level">Kegiatan</span>' in tree


def test_a_browser_asking_for_english_still_gets_indonesian(editor):
    html = page(editor, "/", headers={"Accept-Language": "en-US,en;q=0.9"})
    assert '<html lang="id">' in html and "Rencana baru" in html


def test_the_toggle_switches_back_to_indonesian(english):
    assert '<html lang="en">' in page(english, "/")
    assert english.post("/lang/id", data={"next": "/plans/new"}).headers["Location"].endswith("/plans/new")
    html = page(english, "/")
    assert '<html lang="id">' in html and "Rencana baru" in html and "New plan" not in html


# ---------------------------------------------------------------- English pages

def test_home_in_english(english, renja):
    html = page(english, "/")
    assert '<html lang="en">' in html and "<title>Home · Planner</title>" in html
    assert "New plan" in html and ">Sign out<" in html and ">Password<" in html
    assert "Work Plan (Renja)" in html and ">Draft<" in html and "Plans in force in 2026" in html
    assert '<button class="link" lang="id">Bahasa Indonesia</button>' in html
    for word in ("Rencana baru", ">Keluar<", ">Draf<", "Dokumen", "Rencana yang berlaku"):
        assert word not in html


def test_plan_tree_in_english(english, renja):
    html = page(english, f"/plans/{renja.id}")
    assert "Description / performance indicator" in html and "Budget ceiling (Rp)" in html
    assert '<span class="level">Activity</span>' in html and '<span class="level">Sub-activity</span>' in html
    assert "Program › Activity › Sub-activity" in html  # the scheme's levels
    assert ">Q1<" in html and "Review comments" in html and "+ Add Program" in html
    assert 'value="submit" class="primary">Submit</button>' in html  # ACTION_LABELS
    for word in ("Uraian / indikator kinerja", "Pagu (Rp)", '<span class="level">Kegiatan</span>', "Komentar reviu",
                 "Riwayat perubahan", ">TW I<", "+ Indikator"):
        assert word not in html


def test_indicator_page_in_english(english, s, renja):
    ind = keg(s, renja).indicators[0]
    html = page(english, f"/indicators/{ind.id}")
    assert "Indicator metadata" in html and "Operational definition" in html and "Save metadata" in html
    assert '<option value="output" selected>Output</option>' in html  # LEVEL_LABELS through the t filter
    assert ">Quarterly<" in html and ">Cumulative (sum)<" in html and ">Quarter I<" in html
    for word in ("Metadata indikator", "Definisi operasional", "Keluaran (output)", "Triwulanan", "Simpan target"):
        assert word not in html
    assert LEVEL_LABELS["output"] == "Keluaran (output)"  # the dictionaries themselves stay Indonesian


def test_dashboard_in_english(english, renja):
    html = page(english, f"/plans/{renja.id}/dashboard?period=TW1")
    assert "Performance dashboard 2026" in html and "up to Quarter I" in html
    assert "Reporting completeness" in html and "Indicators by status" in html and "Early warnings" in html
    assert "Not reported yet" in html and "Needs attention" in html  # STATUS_LABELS
    for word in ("Dasbor kinerja", "Kelengkapan laporan", "Peringatan dini", "Belum dilaporkan", "s.d. Triwulan"):
        assert word not in html


def test_worksheet_in_english(english, s, renja):
    node = keg(s, renja).node
    html = page(english, f"/nodes/{node.id}/lembar-kerja")
    assert "Public Service Activity Worksheet" in html and "0 of 5 steps complete" in html
    assert "User/Stakeholder Needs Analysis" in html and "Save this step" in html
    assert ">Requirements<" in html and ">Service provider<" in html  # component and stakeholder labels
    assert "Completeness rule:" in html and "At least one stakeholder need" in html  # RULES
    for word in ("Lembar Kerja Kegiatan Pelayanan Publik", "langkah lengkap", "Simpan langkah ini",
                 STEP_TITLES["needs"], ">Persyaratan<", "Aturan kelengkapan"):
        assert word not in html


def test_flash_messages_follow_the_language(english, renja):
    resp = english.post(f"/plans/{renja.id}/transition", data={"action": "submit"}, follow_redirects=True)
    html = resp.get_data(as_text=True)
    assert "The plan is now &#39;Submitted&#39;." in html and "Rencana kini berstatus" not in html


# ---------------------------------------------------------------- htmx fragments

def test_htmx_fragments_are_translated(english, s, renja):
    k = keg(s, renja)
    search = page(english, f"/plans/{renja.id}?q=Kegiatan", headers=HX)
    assert "<html" not in search and "Description / performance indicator" in search and "Uraian" not in search
    form = page(english, f"/nodes/{k.node.id}/edit", headers=HX)
    assert "Activity type" in form and ">Cancel<" in form and "Jenis kegiatan" not in form
    cell = english.post(f"/indicators/{k.indicators[0].id}/realisasi/2026/TW1", headers=HX,
                        data={"value": "25", "upto": "TW1"}).get_data(as_text=True)
    assert "<html" not in cell and "Achievement up to Quarter I" in cell and "Capaian s.d." not in cell
    step = english.post(f"/nodes/{k.node.id}/lembar-kerja/needs", headers=HX, data={"version": "1"})
    html = step.get_data(as_text=True)  # the step, and the progress out of band
    assert step.status_code == 200 and "<html" not in html and "Step 1 saved." in html
    assert "Save this step" in html and "0 of 5 steps complete" in html and "tersimpan" not in html


def test_the_layouts_labels_follow_each_switch_of_language(editor, s, renja):
    """The context processors' label dictionaries are translated once per catalogue and kept (issue 12):
    switching back and forth still gives each page its own language's labels."""
    grid = f"/plans/{renja.id}/realisasi?year=2026&period=TW1"
    for lang, word, other in (("id", "triwulanan", "quarterly"), ("en", "quarterly", "triwulanan"),
                              ("id", "triwulanan", "quarterly")):
        assert editor.post(f"/lang/{lang}", data={"next": "/"}).status_code == 302
        html = page(editor, grid)
        assert f"· {word} ·" in html and f"· {other} ·" not in html, lang


# ---------------------------------------------------------------- the catalogue

def _catalog():
    with PO.open("rb") as f:
        return read_po(f, locale="en")


def _pairs(mo_bytes: bytes) -> dict:
    return {(m.context, m.id): m.string for m in read_mo(io.BytesIO(mo_bytes)) if m.id}


def test_every_message_has_an_english_translation():
    catalog = _catalog()
    assert len(catalog) > 500
    missing = [m.id for m in catalog if m.id and (not m.string or m.fuzzy)]
    assert missing == []
    problems = [(m.id, errors) for m, errors in catalog.check()]  # e.g. a %(year)s lost in translation
    assert problems == []


def test_committed_mo_matches_the_po():
    out = io.BytesIO()
    write_mo(out, _catalog())
    assert _pairs(MO.read_bytes()) == _pairs(out.getvalue())


def test_catalogue_is_up_to_date_with_templates_code_and_labels(tmp_path):
    spec = importlib.util.spec_from_file_location("i18n_script", ROOT / "scripts" / "i18n.py")
    script = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(script)
    template = script.build_template(tmp_path / "messages.pot")
    wanted = {(m.context, m.id) for m in template if m.id}
    have = {(m.context, m.id) for m in _catalog() if m.id}
    assert wanted - have == set(), "run python scripts/i18n.py"
    assert have - wanted == set(), "run python scripts/i18n.py"
    labels = {msgid for msgid, _, _ in script.label_messages()}
    assert {"Keluaran (output)", "Penyusun", "Triwulan I", "TW I", "Tercapai", "Sub Kegiatan"} <= labels


def test_translations_are_found_from_the_app_root(app):
    assert Path(app.root_path) == Path(planner.__file__).parent
    assert app.extensions["babel"].translation_directories == [str(Path(app.root_path) / "translations")]
