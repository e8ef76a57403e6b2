"""The plan pages: full pages and their htmx fragments, inline edits, bad input in place."""
from __future__ import annotations


from planner.services import plans
from tests.conftest import HX



def kegiatan(s, plan, i=0):
    return plans.load_tree(s, plan).roots[0].children[i]


def test_pages_need_login(client, renja):
    for url in ("/", f"/plans/{renja.id}", "/plans/new"):
        resp = client.get(url)
        assert resp.status_code == 302 and "/login" in resp.headers["Location"]
    resp = client.get(f"/plans/{renja.id}", headers=HX)
    assert resp.status_code == 401 and "/login" in resp.headers["HX-Redirect"]


def test_wrong_password_is_refused(client, org, make_user):
    make_user("ani", "penyusun", org)
    resp = client.post("/login", data={"username": "ani", "password": "salah-sekali"})
    assert resp.status_code == 401 and "salah" in resp.get_data(as_text=True)


def test_home_lists_plans_in_scope(editor, renja, make_org, make_renja):
    other = make_renja(make_org("LAIN", "Dinas Lain"))
    html = editor.get("/").get_data(as_text=True)
    assert renja.name in html and other.name not in html


def test_plan_page_is_full_and_its_search_a_fragment(editor, renja):
    full = editor.get(f"/plans/{renja.id}")
    html = full.get_data(as_text=True)
    assert "<html" in html and 'id="tree"' in html and "Kegiatan 2" in html
    assert "HX-Request" in full.headers["Vary"]
    frag = editor.get(f"/plans/{renja.id}?q=Kegiatan 2", headers=HX).get_data(as_text=True)
    assert "<html" not in frag and frag.lstrip().startswith('<table id="tree"')
    assert "Kegiatan 2" in frag and "Kegiatan 1<" not in frag


def test_boosted_navigation_and_history_restore_get_full_pages(editor, renja):
    for extra in ({"HX-Boosted": "true"}, {"HX-History-Restore-Request": "true"}):
        html = editor.get(f"/plans/{renja.id}?q=x", headers={**HX, **extra}).get_data(as_text=True)
        assert "<html" in html


def test_edit_node_inline(editor, s, renja):
    keg = kegiatan(s, renja).node
    form = editor.get(f"/nodes/{keg.id}/edit", headers=HX).get_data(as_text=True)
    assert form.lstrip().startswith(f'<tbody id="node-{keg.id}"') and 'name="pagu"' in form
    resp = editor.post(f"/nodes/{keg.id}", headers=HX, data={
        "code": keg.code, "name": "Pelayanan dan Konsultasi Pajak Daerah", "pagu": "1.250.000.000",
        "objectives": "Meningkatnya kepatuhan wajib pajak\n"})
    html = resp.get_data(as_text=True)
    assert resp.status_code == 200 and "Pelayanan dan Konsultasi Pajak Daerah" in html
    assert "Rp 1.250.000.000" in html and "Meningkatnya kepatuhan wajib pajak" in html
    s.expire_all()
    assert kegiatan(s, renja).node.pagu == 1_250_000_000


def test_edit_without_javascript_redirects_to_the_page_in_edit_mode(editor, s, renja):
    keg = kegiatan(s, renja).node
    resp = editor.get(f"/nodes/{keg.id}/edit")
    assert resp.status_code == 302 and f"edit={keg.id}" in resp.headers["Location"]
    html = editor.get(f"/plans/{renja.id}?edit={keg.id}").get_data(as_text=True)
    assert f'action="/nodes/{keg.id}"' in html


def test_bad_code_is_shown_in_place_and_nothing_saved(editor, s, renja):
    keg = kegiatan(s, renja).node
    resp = editor.post(f"/nodes/{keg.id}", headers=HX, data={"code": "5.2.2", "name": "Nama baru sekali"})
    html = resp.get_data(as_text=True)
    assert resp.status_code == 422 and "tidak sesuai format Kegiatan" in html
    assert 'value="Nama baru sekali"' in html  # the user's input is kept
    s.expire_all()
    assert kegiatan(s, renja).node.name == "Kegiatan 1"


def test_add_child_node(editor, s, renja):
    keg = kegiatan(s, renja).node
    form = editor.get(f"/nodes/{keg.id}/children/new", headers=HX).get_data(as_text=True)
    assert 'value="sub_kegiatan"' in form
    resp = editor.post(f"/plans/{renja.id}/nodes", headers=HX, data={
        "kind": "sub_kegiatan", "parent_id": keg.id, "code": f"{keg.code}.0002", "name": "Sub kegiatan baru"})
    assert resp.status_code == 200 and "Sub kegiatan baru" in resp.get_data(as_text=True)
    s.expire_all()
    assert [c.node.name for c in kegiatan(s, renja).children] == ["Sub kegiatan 1", "Sub kegiatan baru"]


def test_add_node_with_duplicate_code(editor, s, renja):
    keg = kegiatan(s, renja).node
    resp = editor.post(f"/plans/{renja.id}/nodes", headers=HX, data={
        "kind": "sub_kegiatan", "parent_id": keg.id, "code": f"{keg.code}.0001", "name": "Kembar"})
    assert resp.status_code == 422 and "sudah dipakai" in resp.get_data(as_text=True)


def test_plain_form_post_redirects_back(editor, renja):
    resp = editor.post(f"/plans/{renja.id}/nodes", data={"kind": "program", "code": "5.02.09", "name": "Program baru"})
    assert resp.status_code == 302 and resp.headers["Location"].startswith(f"/plans/{renja.id}#node-")


def test_delete_with_children_asks_first(editor, s, renja):
    keg = kegiatan(s, renja).node
    ask = editor.post(f"/nodes/{keg.id}/delete", headers=HX).get_data(as_text=True)
    assert "Ya, hapus semuanya" in ask and "1 simpul turunan, 1 indikator" in ask
    s.expire_all()
    assert plans.get_node(s, keg.id)
    done = editor.post(f"/nodes/{keg.id}/delete", headers=HX, data={"confirm": "1"})
    assert done.status_code == 200 and "Kegiatan 1" not in done.get_data(as_text=True)
    s.expire_all()
    assert [c.node.name for c in plans.load_tree(s, renja).roots[0].children] == ["Kegiatan 2"]


def test_move_node(editor, s, renja):
    keg2 = kegiatan(s, renja, 1).node
    editor.post(f"/nodes/{keg2.id}/move", headers=HX, data={"direction": "up"})
    s.expire_all()
    assert kegiatan(s, renja).node.id == keg2.id


def test_quick_add_indicator(editor, s, renja):
    keg = kegiatan(s, renja).node
    form = editor.get(f"/nodes/{keg.id}/indicators/quick", headers=HX).get_data(as_text=True)
    assert 'name="target_y"' in form
    resp = editor.post(f"/nodes/{keg.id}/indicators", headers=HX, data={
        "name": "Jumlah wajib pajak yang dilayani", "level": "output", "unit": "orang", "polarity": "higher_is_better",
        "accumulation": "sum", "target_type": "number", "target_y": "1.200"})
    assert resp.status_code == 200 and "Jumlah wajib pajak yang dilayani" in resp.get_data(as_text=True)
    s.expire_all()
    tn = kegiatan(s, renja)
    new = tn.indicators[-1]
    assert plans.load_tree(s, renja).target_map(new.id)[(2026, "Y")].value == 1200


def test_quick_add_refuses_summed_percentages(editor, s, renja):
    keg = kegiatan(s, renja).node
    resp = editor.post(f"/nodes/{keg.id}/indicators", headers=HX, data={
        "name": "Persentase layanan tepat waktu", "unit": "%", "accumulation": "sum", "target_y": "90"})
    assert resp.status_code == 422 and "persentase" in resp.get_data(as_text=True).lower()


def test_indicator_editor_saves_metadata_and_targets(editor, s, renja):
    ind = kegiatan(s, renja).indicators[0]
    page = editor.get(f"/indicators/{ind.id}").get_data(as_text=True)
    assert "Metadata indikator" in page and 'name="v-2026-TW1"' in page
    resp = editor.post(f"/indicators/{ind.id}", headers=HX, data={
        "name": ind.name, "unit": "layanan", "definition": "Layanan konsultasi yang diberikan",
        "formula": "Σ layanan", "data_source": "Buku register", "baseline_value": "1.150,5", "baseline_year": "2024",
        "version": str(ind.version)})
    assert resp.status_code == 200 and "Metadata tersimpan" in resp.get_data(as_text=True)
    grid = {"v-2026-Y": "120", "v-2026-TW1": "30", "v-2026-TW2": "30", "v-2026-TW3": "30", "v-2026-TW4": "30"}
    resp = editor.post(f"/indicators/{ind.id}/targets", headers=HX, data=grid)
    assert resp.status_code == 200 and "Target tersimpan" in resp.get_data(as_text=True)
    s.expire_all()
    got = plans.load_tree(s, renja)
    ind2 = plans.get_indicator(s, ind.id)
    assert ind2.baseline_value == 1150.5 and ind2.definition == "Layanan konsultasi yang diberikan"
    assert got.target_map(ind.id)[(2026, "Y")].value == 120


def test_text_in_a_numeric_target_names_the_cell(editor, s, renja):
    ind = kegiatan(s, renja).indicators[0]
    resp = editor.post(f"/indicators/{ind.id}/targets", headers=HX, data={"v-2026-Y": "seratus", "v-2026-TW1": "5"})
    html = resp.get_data(as_text=True)
    assert resp.status_code == 422 and "Target Triwulan" not in html and "Tahunan 2026" in html
    assert 'value="seratus"' in html
    s.expire_all()
    assert plans.load_tree(s, renja).target_map(ind.id)[(2026, "TW1")].value == 25


def test_inline_validation_endpoint(editor):
    assert "tidak boleh dijumlahkan" in editor.post("/indicators/validate", data={"unit": "%", "accumulation": "sum"}).get_data(as_text=True)
    assert editor.post("/indicators/validate", data={"unit": "orang", "accumulation": "sum"}).get_data(as_text=True) == ""


def test_new_plan_from_renstra(editor, s, org, make_renstra):
    renstra = make_renstra(org)
    resp = editor.post("/plans/new", data={"source": "renstra", "source_id": renstra.id, "year": "2028"})
    assert resp.status_code == 302
    plan_id = int(resp.headers["Location"].rsplit("/", 1)[1])
    html = editor.get(f"/plans/{plan_id}").get_data(as_text=True)
    assert "Program Pengelolaan Pendapatan Daerah" in html and "Melayani SS1" in html


def test_new_empty_plan_with_bad_years(editor, org):
    resp = editor.post("/plans/new", data={"source": "empty", "organization_id": org.id, "kind": "renstra",
                                            "scheme": "daerah", "name": "Renstra baru", "first_year": "2025",
                                            "last_year": "2020"})
    assert resp.status_code == 422 and "tahun akhir" in resp.get_data(as_text=True)


def test_another_units_plan_is_not_found(editor, make_org, make_renja):
    other = make_renja(make_org("LAIN", "Dinas Lain"))
    assert editor.get(f"/plans/{other.id}").status_code == 404


def test_read_only_role_cannot_edit(client, login, make_user, org, s, renja):
    make_user("pak", "pimpinan", org)
    login("pak")
    html = client.get(f"/plans/{renja.id}").get_data(as_text=True)
    assert "+ Indikator" not in html
    keg = kegiatan(s, renja).node
    assert client.post(f"/nodes/{keg.id}", data={"name": "Tidak boleh"}).status_code == 403


def test_csrf_is_enforced(app, s, org, make_user, renja):
    app.config["WTF_CSRF_ENABLED"] = True
    make_user("ani", "penyusun", org)
    client = app.test_client()
    page = client.get("/login").get_data(as_text=True)
    token = page.split('name="csrf_token" value="')[1].split('"')[0]
    assert client.post("/login", data={"username": "ani", "password": "rahasia-123"}).status_code == 400
    assert client.post("/login", data={"username": "ani", "password": "rahasia-123", "csrf_token": token}).status_code == 302
    html = client.get(f"/plans/{renja.id}").get_data(as_text=True)
    assert 'hx-headers=\'{"X-CSRFToken": "' in html
    header_token = html.split('"X-CSRFToken": "')[1].split('"')[0]
    keg = kegiatan(s, renja).node
    assert client.post(f"/nodes/{keg.id}/move", data={"direction": "up"}, headers=HX).status_code == 400
    ok = client.post(f"/nodes/{keg.id}/move", data={"direction": "up"}, headers={**HX, "X-CSRFToken": header_token})
    assert ok.status_code == 200


def test_change_password_logs_out_other_sessions(app, org, make_user):
    make_user("ani", "penyusun", org)
    a, b = app.test_client(), app.test_client()
    for c in (a, b):
        c.post("/login", data={"username": "ani", "password": "rahasia-123"})
    resp = a.post("/account/password", data={"current": "rahasia-123", "new": "baru-sekali-1", "confirm": "baru-sekali-1"})
    assert resp.status_code == 302
    assert a.get("/").status_code == 200
    assert b.get("/").status_code == 302


def test_healthz(client):
    resp = client.get("/healthz")
    assert resp.status_code == 200 and resp.json == {"status": "ok"}
