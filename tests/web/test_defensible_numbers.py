"""Numbers officials can defend (issue 10), through the pages and the API: settings per organisation,
"tidak dapat dihitung", plausible ranges with the decimal-comma slip, the sum rule by unit kind, and the
"cara menghitung" links that open the methodology at the section a number used."""
from __future__ import annotations

import re

from planner.models.plan import IndicatorCreate, TargetIn
from planner.services import plans
from planner.web.methodology import rendered

YEAR = 2026


def keg(s, plan):
    return plans.load_tree(s, plan).roots[0].children[0].node


def add(s, plan, **kw):
    targets = kw.pop("targets")
    ind = plans.create_indicator(s, keg(s, plan), IndicatorCreate(**kw, targets=[
        TargetIn(year=YEAR, period=p, value=v) for p, v in targets.items()]))
    s.commit()
    return ind


def put_cell(client, auth, ind, period="TW1", **body):
    return client.put(f"/api/v1/indicators/{ind.id}/realizations/{YEAR}/{period}", headers=auth, json=body)


# ---------------------------------------------------------------- settings per organisation


def test_settings_are_inherited_overridden_and_named_in_the_explanation(s, client, make_org, make_user, api_token,
                                                                        make_renja):
    province = make_org("PEMPROV", "Pemerintah Provinsi", "pemda")
    agency = make_org("DINAS", "Dinas Kesehatan", "perangkat_daerah", parent=province)
    make_user("boss", "pimpinan", province)
    make_user("ani", "penyusun", agency)
    boss, ani = api_token("boss"), api_token("ani")
    url = f"/api/v1/organizations/{agency.id}/settings"

    got = client.get(url, headers=ani).json
    assert got == {"organization_id": agency.id, "lower_is_better_formula": "2T-R", "tolerance": 15.0,
                   "rollup_cap": None, "coverage_threshold": 80.0,
                   "inherited_from": {"organization_id": None, "code": None,
                                                         "name": "bawaan instalasi"}, "version": None}
    put = client.put(f"/api/v1/organizations/{province.id}/settings", headers=boss,
                     json={"lower_is_better_formula": "T/R", "tolerance": 10, "rollup_cap": 110})
    assert put.status_code == 200 and put.json["inherited_from"] is None
    inherited = client.get(url, headers=ani).json
    assert inherited["lower_is_better_formula"] == "T/R" and inherited["rollup_cap"] == 110
    assert inherited["inherited_from"]["code"] == "PEMPROV"
    assert client.put(url, headers=ani, json={"tolerance": 5}).status_code == 403  # a penyusun may not
    bad = client.put(url, headers=boss, json={"rollup_cap": 130})
    assert bad.status_code == 422 and bad.json["error"]["field"] == "rollup_cap"

    # The unit's own setting overrides the install default, and the explanation names it.
    plan = make_renja(agency, activities=1)
    ind = add(s, plan, name="Angka kematian ibu", unit="kasus", polarity="lower_is_better", accumulation="last",
              targets={"Y": 20, "TW1": 20})
    body = put_cell(client, ani, ind, value=16).json["achievement"]
    assert body["achievement"] == 125.0  # T / R = 20 / 16, the province's choice
    assert "rumus minimal T / R, pengaturan Pemerintah Provinsi" in body["formula"]
    assert "toleransi 10 poin, pengaturan Pemerintah Provinsi" in body["status_rule"]
    own = client.put(url, headers=boss, json={"lower_is_better_formula": "2T-R"}).json
    assert own["inherited_from"] is None and own["tolerance"] == 10  # keys left out keep their value
    again = client.get(f"/api/v1/indicators/{ind.id}/achievement?year={YEAR}&period=TW1", headers=ani).json
    assert again["achievement"] == 120.0 and "2T \u2212 R, pengaturan Dinas Kesehatan" in again["formula"]
    back = client.put(url, headers=boss, json={"inherit": True}).json
    assert back["inherited_from"]["code"] == "PEMPROV"


def test_settings_page_for_the_unit_head(s, client, make_org, make_user, login):
    org = make_org("DINAS", "Dinas Kesehatan")
    make_user("boss", "pimpinan", org)
    web = login("boss")
    page = web.get(f"/organisasi/{org.id}/pengaturan").get_data(as_text=True)
    assert "bawaan instalasi" in page and 'name="tolerance"' in page
    resp = web.post(f"/organisasi/{org.id}/pengaturan", data={"lower_is_better_formula": "T/R", "tolerance": "12,5",
                                                              "rollup_cap": "120"})
    assert resp.status_code == 302
    page = web.get(f"/organisasi/{org.id}/pengaturan").get_data(as_text=True)
    assert "ditetapkan sendiri oleh unit ini" in page and "toleransi 12,5 poin" in page
    bad = web.post(f"/organisasi/{org.id}/pengaturan", data={"tolerance": "banyak"})
    assert bad.status_code == 422


# ---------------------------------------------------------------- not computable, ranges, sum rule


def test_zero_against_zero_is_reported_but_not_computable(s, client, auth, renja):
    ind = add(s, renja, name="Jumlah jembatan selesai dibangun", unit="unit", accumulation="sum",
              targets={"Y": 2, "TW1": 0, "TW2": 0, "TW3": 0, "TW4": 2})
    body = put_cell(client, auth, ind, value=0).json["achievement"]
    assert body["status"] == "tidak_dapat_dihitung" and body["achievement"] is None
    assert "target periode ini 0" in body["reason"]
    rollup = client.get(f"/api/v1/plans/{renja.id}/rollup?year={YEAR}&period=TW1", headers=auth).json
    assert rollup["status_counts"]["tidak_dapat_dihitung"] == 1
    node = rollup["nodes"][0]["children"][0]
    assert "1 tidak dapat dihitung" in node["formula"]
    assert rollup["completeness"]["reported"] == 1  # counted as reported, not missing


def test_not_computable_on_the_dashboard_with_its_reason(s, editor, renja):
    ind = add(s, renja, name="Jumlah jembatan selesai dibangun", unit="unit", accumulation="sum",
              targets={"Y": 2, "TW1": 0, "TW4": 2})
    editor.post(f"/indicators/{ind.id}/realisasi/{YEAR}/TW1", data={"value": "0"})
    html = editor.get(f"/plans/{renja.id}/dashboard?period=TW1").get_data(as_text=True)
    assert 'class="st-badge st-tidak_dapat_dihitung"' in html and "target periode ini 0" in html
    missing = html.split('id="missing"')[1]
    assert "Jumlah jembatan selesai dibangun" not in missing


def test_the_3502_case_is_refused_with_the_range_and_the_probable_value(s, client, auth, renja):
    ipp = add(s, renja, name="Indeks Pelayanan Publik (IPP)", unit="indeks", accumulation="last",
              targets={"Y": 3.85, "TW1": 3.5})
    resp = put_cell(client, auth, ipp, value="3.502")
    assert resp.status_code == 422 and resp.json["error"]["field"] == "value"
    assert "di luar rentang 0–5; maksud Anda 3,502?" in resp.json["error"]["message"]
    assert put_cell(client, auth, ipp, value="3,502").status_code == 201
    targets = client.put(f"/api/v1/indicators/{ipp.id}/targets", headers=auth,
                         json={"targets": [{"year": YEAR, "period": "Y", "value": 3850}]})
    assert targets.status_code == 422 and "maksud Anda 3,85?" in targets.json["error"]["message"]


def test_own_plausible_range_in_metadata_and_api(s, client, auth, renja):
    node = keg(s, renja)
    resp = client.post(f"/api/v1/nodes/{node.id}/indicators", headers=auth, json={
        "name": "Skor kematangan SPIP", "unit": "skor", "accumulation": "last", "valid_min": 1, "valid_max": 5,
        "targets": [{"year": YEAR, "period": "Y", "value": 3}]})
    assert resp.status_code == 201 and (resp.json["valid_min"], resp.json["valid_max"]) == (1, 5)
    refused = put_cell(client, auth, type("I", (), {"id": resp.json["id"]}), value=6)
    assert refused.status_code == 422 and "rentang 1–5" in refused.json["error"]["message"]
    assert "metadata indikator" in refused.json["error"]["message"]
    plain = client.get(f"/api/v1/indicators/{renja.id and plans.load_tree(s, renja).roots[0].indicators[0].id}",
                       headers=auth).json
    assert plain["valid_min"] is None and plain["valid_max"] is None  # null: the unit's default holds


def test_an_index_is_never_summed_whatever_its_spelling(s, client, editor, api_token, renja):
    auth = api_token("ani")
    node = keg(s, renja)
    for unit in ("indeks", "persen (%)", "Indeks (0–5)"):
        resp = client.post(f"/api/v1/nodes/{node.id}/indicators", headers=auth,
                           json={"name": "Indeks uji", "unit": unit, "accumulation": "sum"})
        assert resp.status_code == 422 and resp.json["error"]["field"] == "accumulation", unit
    hint = editor.post("/indicators/validate", data={"unit": "indeks", "accumulation": "sum"})
    assert "indeks" in hint.get_data(as_text=True)


# ---------------------------------------------------------------- methodology


def test_methodology_page_and_every_link_opens_an_existing_section(s, editor, renja):
    page = editor.get("/cara-menghitung")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "Cara menghitung" in html
    for legal in ("Permendagri 86/2017", "PermenPANRB 6/2022", "PermenPANRB 17/2017", "29/2022", "14/2017"):
        assert legal in html
    _, anchors = rendered()
    ind = plans.load_tree(s, renja).roots[0].children[0].indicators[0]
    editor.post(f"/indicators/{ind.id}/realisasi/{YEAR}/TW1", data={"value": "20"})
    pages = [editor.get(f"/plans/{renja.id}/dashboard?period=TW1").get_data(as_text=True),
             editor.get(f"/indicators/{ind.id}/realisasi/{YEAR}/TW1").get_data(as_text=True)]
    for html in pages:
        links = re.findall(r'<a class="method" href="/cara-menghitung#([^"]+)">', html)
        assert links, "no cara menghitung link"
        assert set(links) <= anchors, set(links) - anchors
        # Every "cara menghitung" on the page is such a link, or a summary whose panel holds one.
        summaries = html.count("<summary>cara menghitung</summary>")
        assert html.count(">cara menghitung<") == summaries + html.count(">cara menghitung</a>")
        for panel in html.split('<details class="why">')[1:]:
            assert 'class="method"' in panel.split("</details>")[0]
    assert "akumulasi-jumlah" in pages[1]  # the detail of a sum indicator points at the sum rule


def test_no_code_cites_a_file_outside_the_project():
    from pathlib import Path
    root = Path(__file__).resolve().parents[2]
    offenders = [str(p.relative_to(root)) for folder in ("planner", "templates", "tests", "migrations")
                 for p in (root / folder).rglob("*") if p.suffix in (".py", ".html")
                 and re.search(r"formulas\.md|shared/domain", p.read_text("utf-8"))
                 and p.name != "test_defensible_numbers.py"]
    assert offenders == []
