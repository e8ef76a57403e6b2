"""Pages and API of the plan checks: the review screen, a plan's findings, acknowledging and commenting
from a finding, the badges on the tree and the review queue, the cascading view."""
from __future__ import annotations

import re
import time

from planner.calc.checks import IndicatorData, LevelData, NodeData, PlanData, run_checks
from planner import cascade_svg
from planner.models import Comment
from planner.services import cascade, plan_copy, plans
from tests.conftest import HX


def _indicator(s, plan):
    return plans.load_tree(s, plan).roots[0].children[0].indicators[0]


def test_review_screen_lists_units_with_scores_and_filters(s, org, make_org, make_renja, make_user, login):
    make_renja(org)
    make_org("UPT-X", "UPT Samsat Kota", kind="upt", parent=org)
    make_user("rina", "reviewer", org)
    client = login("rina")
    page = client.get("/review/units").get_data(as_text=True)
    assert "Badan Pendapatan Daerah" in page and "UPT Samsat Kota" in page
    assert "Belum ada Renja untuk tahun 2026." in page
    assert re.search(r'class="score score-\w+">\d+,\d<', page)  # Indonesian decimal comma
    filtered = client.get("/review/units?q=samsat", headers=HX).get_data(as_text=True)
    assert filtered.startswith('<div id="unit-rows">')  # the htmx fragment only
    assert "UPT Samsat Kota" in filtered and "Badan Pendapatan Daerah" not in filtered
    assert "Badan Pendapatan" in client.get("/review/units?severity=warning", headers=HX).get_data(as_text=True)
    assert "Badan Pendapatan" not in client.get("/review/units?status=submitted", headers=HX).get_data(as_text=True)


def test_review_screen_is_for_reviewers(editor):
    assert editor.get("/review/units").status_code == 403


def test_findings_page_shows_findings_beside_the_tree(s, renja, make_user, login, org):
    make_user("rina", "reviewer", org)
    page = login("rina").get(f"/plans/{renja.id}/checks").get_data(as_text=True)
    assert "M01" in page and "belum memiliki definisi operasional" in page
    assert 'class="mini-tree"' in page and "Kegiatan 1" in page
    assert "Terima dengan alasan" in page and "Kirim komentar" in page
    only = login("rina").get(f"/plans/{renja.id}/checks?severity=error").get_data(as_text=True)
    assert "belum memiliki definisi operasional" not in only


def test_drafter_sees_findings_but_cannot_accept_them(editor, renja):
    page = editor.get(f"/plans/{renja.id}/checks").get_data(as_text=True)
    assert "M01" in page and "Terima dengan alasan" not in page and "Kirim komentar" in page


def test_comment_from_a_finding_lands_on_the_indicator(s, renja, make_user, login, org):
    make_user("rina", "reviewer", org)
    ind = _indicator(s, renja)
    resp = login("rina").post(f"/plans/{renja.id}/checks/comment", data={
        "rule": "M01", "indicator_id": ind.id, "message": "Metadata belum lengkap", "body": "Mohon lengkapi.",
        "anchor": f"M01-{ind.id}"})
    assert resp.status_code == 302 and resp.headers["Location"].endswith(f"/checks#finding-M01-{ind.id}")
    comment = s.exec(__import__("sqlmodel").select(Comment)).one()
    assert comment.object_type == "indicator" and comment.object_id == ind.id
    assert comment.body.startswith("Mohon lengkapi.") and "[M01 · Metadata indikator belum lengkap]" in comment.body
    empty = login("rina").post(f"/plans/{renja.id}/checks/comment", data={"rule": "M01", "body": " "},
                               follow_redirects=True)
    assert "Isi komentar wajib diisi." in empty.get_data(as_text=True)


def test_accept_a_finding_from_the_page(s, renja, make_user, login, org):
    make_user("rina", "reviewer", org)
    ind = _indicator(s, renja)
    client = login("rina")
    page = client.post(f"/findings/M01/{ind.id}/acknowledge", data={"reason": "Ada di lampiran"},
                       follow_redirects=True).get_data(as_text=True)
    assert "Diterima reviewer: Ada di lampiran" in page
    missing = client.post(f"/findings/M01/{ind.id}/acknowledge", data={"reason": ""}, follow_redirects=True)
    assert "Alasan menerima temuan wajib diisi." in missing.get_data(as_text=True)
    page = client.post(f"/findings/M01/{ind.id}/withdraw", follow_redirects=True).get_data(as_text=True)
    assert "Diterima reviewer" not in page and "dibatalkan" in page


def test_tree_and_queue_carry_the_findings(s, renja, editor, make_user, login, org):
    page = editor.get(f"/plans/{renja.id}").get_data(as_text=True)
    assert "Temuan pemeriksaan" in page and "check-badge" in page
    ind = _indicator(s, renja)
    assert re.search(rf'href="/plans/{renja.id}/checks#finding-M01-{ind.id}"', page)
    renja.status = "submitted"
    s.commit()
    make_user("rina", "reviewer", org)
    queue = login("rina").get("/review").get_data(as_text=True)
    assert "Skor mutu" in queue and f"/plans/{renja.id}/checks" in queue and "sev-warning" in queue


def test_tree_page_statements_stay_bounded_with_badges(app, s, org, make_org, make_renja, make_user, login,
                                                       count_queries):
    small = make_renja(org, activities=2)
    big = make_renja(make_org("BIG", "Dinas Besar"), activities=80)
    make_user("root", "admin")
    client = login("root")
    client.get(f"/plans/{small.id}")
    counts = []
    for plan in (small, big):
        with count_queries(app.extensions["planner.engine"]) as c:
            assert client.get(f"/plans/{plan.id}").status_code == 200
        counts.append(c.count)
    assert counts[1] <= counts[0] + 2, counts


def test_cascade_page_svg_and_collapse(s, org, make_renstra, editor):
    renstra = make_renstra(org)
    renja = plan_copy.renja_from_renstra(s, renstra, 2026)
    s.commit()
    page = editor.get(f"/plans/{renja.id}/pohon").get_data(as_text=True)
    assert '<svg xmlns="http://www.w3.org/2000/svg" class="cascade-svg"' in page
    assert "Meningkatnya kemandirian fiskal" in page and "Program Pengelolaan Pendapatan Daerah" in page
    assert "js/cascade.js" in page and "css/print/cascade-a3.css" in page  # the paper, as a stylesheet (CSP)
    sasaran = plans.load_tree(s, renstra).roots[0].children[0].node
    assert f"collapse=n{sasaran.id}" in page
    folded = editor.get(f"/plans/{renja.id}/pohon?collapse=n{sasaran.id}&paper=a4").get_data(as_text=True)
    assert "Program Pengelolaan Pendapatan Daerah" not in folded and "A4 landscape" in folded
    svg = editor.get(f"/plans/{renja.id}/pohon.svg")
    assert svg.mimetype == "image/svg+xml" and "attachment" in svg.headers["Content-Disposition"]
    body = svg.get_data(as_text=True)
    assert body.startswith("<?xml") and "<style>" in body and 'class="toggle"' not in body
    achievement = editor.get(f"/plans/{renja.id}/pohon?mode=achievement&period=TW2").get_data(as_text=True)
    assert "Belum dilaporkan" in achievement  # the legend of the achievement colours
    assert editor.get(f"/plans/{renstra.id}/pohon?mode=achievement").status_code == 422


def test_org_cascade_page(s, make_org, make_renstra, make_user, login):
    pemda = make_org("PEMPROV", "Pemerintah Provinsi", kind="pemda")
    dinas = make_org("DINKES", "Dinas Kesehatan", parent=pemda)
    make_renstra(dinas)
    make_user("rina", "reviewer", pemda)
    page = login("rina").get(f"/orgs/{pemda.id}/pohon?year=2026").get_data(as_text=True)
    assert "Pohon kinerja lintas unit" in page and "Dinas Kesehatan" in page and "Meningkatnya kemandirian fiskal" in page


def test_api_checks_acknowledge_and_cascade(s, org, renja, make_user, api_token, auth, client):
    data = client.get(f"/api/v1/plans/{renja.id}/checks", headers=auth).json
    assert set(data) >= {"score", "groups", "findings"} and 0 <= data["score"] <= 100
    assert set(data["groups"]) == {"struktur", "metadata", "target", "kriteria"}
    f = next(f for f in data["findings"] if f["rule"] == "M01")
    assert set(f) >= {"rule", "severity", "node_id", "indicator_id", "message", "acknowledged"}
    assert f["acknowledged"] is False
    url = f"/api/v1/findings/M01/{f['indicator_id']}/acknowledge"
    assert client.post(url, json={"reason": "x"}, headers=auth).status_code == 403  # a drafter may not
    make_user("rina", "reviewer", org)
    rev = api_token("rina")
    bad = client.post(url, json={}, headers=rev)
    assert bad.status_code == 422 and bad.json["error"]["field"] == "reason"
    ok = client.post(url, json={"reason": "Ada di lampiran"}, headers=rev)
    assert ok.status_code == 200 and ok.json["acknowledged"] is True
    again = client.get(f"/api/v1/plans/{renja.id}/checks", headers=auth).json
    assert next(x for x in again["findings"] if x["rule"] == "M01" and x["indicator_id"] == f["indicator_id"])[
        "acknowledged"] is True
    assert client.post(f"/api/v1/findings/Z99/{f['indicator_id']}/acknowledge", json={"reason": "x"},
                       headers=rev).status_code == 404
    tree = client.get(f"/api/v1/plans/{renja.id}/cascade", headers=auth).json
    program = tree["nodes"][0]
    assert program["kind"] == "program" and program["status"] in ("error", "warning", "info", "ok")
    assert program["children"][0]["status"] == "warning"  # the kegiatan's indicator lacks metadata
    assert client.get(f"/api/v1/plans/{renja.id}/cascade?mode=nope", headers=auth).status_code == 422


def _big_plan(n_kegiatan: int, subs: int) -> PlanData:
    levels = [LevelData("program", "Program", 1), LevelData("kegiatan", "Kegiatan", 2),
              LevelData("sub_kegiatan", "Sub Kegiatan", 3)]
    nodes, nid = [], 0
    for p in range(3):
        nid += 1
        pid = nid
        nodes.append(NodeData(pid, f"1.01.0{p}", f"Program contoh nomor {p} dengan nama yang cukup panjang", "program"))
        for k in range(n_kegiatan):
            nid += 1
            kid = nid
            nodes.append(NodeData(kid, f"1.01.0{p}.2.{k:02d}", f"Kegiatan {k} peningkatan layanan publik daerah",
                                  "kegiatan", parent_id=pid, indicators=[IndicatorData(
                                      nid * 10, f"Jumlah layanan kegiatan {k} yang diselesaikan tepat waktu", kid,
                                      unit="layanan")]))
            for j in range(subs):
                nid += 1
                nodes.append(NodeData(nid, f"1.01.0{p}.2.{k:02d}.{j:04d}", f"Sub kegiatan {j}", "sub_kegiatan",
                                      parent_id=kid))
    return PlanData(kind="renja", first_year=2026, last_year=2026, levels=levels, nodes=nodes)


def test_cascade_svg_is_readable_at_300_nodes():
    data = _big_plan(n_kegiatan=33, subs=2)  # 3 programs + 99 kegiatan + 198 sub kegiatan = 300
    report = run_checks(data)
    by_node = report.by_node()

    def build(n):
        return cascade.CascadeNode(key=f"n{n.id}", kind=n.kind, code=n.code, name=n.name, level=n.kind,
                                   status="warning" if n.id in by_node else "ok", node_id=n.id,
                                   indicators=[i.name for i in n.indicators],
                                   children=[build(c) for c in data.children(n.id)])

    picture = cascade.Cascade("Uji 300", "findings", None, [build(n) for n in data.children(None)])
    assert picture.size == 300
    start = time.perf_counter()
    svg = cascade_svg.render(picture, {"ok": "Tanpa temuan"})
    assert time.perf_counter() - start < 1.0
    placed, edges, width, height = cascade_svg.layout(picture.roots)
    assert len(placed) == 300 and len(edges) == 297
    boxes = sorted((p.x, p.y, p.y + p.h) for p in placed)
    for (x1, top1, bottom1), (x2, top2, _) in zip(boxes, boxes[1:]):  # no two boxes of a column overlap
        assert x1 != x2 or bottom1 <= top2
    assert 'data-nodes="300"' in svg
    font_sizes = {float(m) for m in re.findall(r"font-size:([\d.]+)px", svg)}
    assert min(font_sizes) >= 9.5  # fixed type: the page zooms, the text does not shrink with the tree
