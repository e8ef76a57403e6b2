"""Import pages and API (the contract of issue 13), export downloads and print views."""
from __future__ import annotations

import io

from openpyxl import Workbook, load_workbook
from sqlmodel import select

from planner.models import PlanNode
from planner.models.imports import ImportMapping
from planner.services import exports
from tests.conftest import HX


def test_upload_dry_run_then_real_import_with_progress_page(s, org, renja, editor):
    data = exports.workbook(s, renja, "renja")
    s.exec(select(PlanNode)).all()
    resp = editor.post("/imports", data={"file": (io.BytesIO(data), "renja.xlsx"), "organization_id": org.id,
                                         "dry_run": "1"}, content_type="multipart/form-data")
    assert resp.status_code == 302
    page = editor.get(resp.headers["Location"])
    html = page.get_data(as_text=True)
    assert "Uji coba berhasil" in html and "Impor sekarang" in html and "Simpul" in html
    fragment = editor.get(resp.headers["Location"], headers=HX).get_data(as_text=True)
    assert fragment.lstrip().startswith('<div id="job-progress"') and "<html" not in fragment
    run = editor.post(resp.headers["Location"] + "/run")
    assert run.status_code == 302
    assert "Impor selesai dan tersimpan" in editor.get(run.headers["Location"]).get_data(as_text=True)


def test_errors_are_listed_with_sheet_row_column(s, org, renja, editor):
    wb = load_workbook(io.BytesIO(exports.workbook(s, renja, "renja")))
    wb["Target"]["H4"] = "banyak"
    buf = io.BytesIO()
    wb.save(buf)
    resp = editor.post("/imports", data={"file": (io.BytesIO(buf.getvalue()), "r.xlsx"), "organization_id": org.id},
                       content_type="multipart/form-data", follow_redirects=True)
    html = resp.get_data(as_text=True)
    assert "tidak ada yang disimpan" in html and "banyak" in html and "<td>Target</td><td>4</td>" in html


def test_api_import_contract(s, org, renja, auth, client):
    data = exports.workbook(s, renja, "renja")
    resp = client.post("/api/v1/imports", headers=auth, content_type="multipart/form-data",
                       data={"file": (io.BytesIO(data), "renja.xlsx"), "organization_id": str(org.id), "dry_run": "true"})
    assert resp.status_code == 202
    body = resp.json
    assert {"id", "status", "created", "updated", "unchanged", "errors"} <= set(body)
    assert body["status"] == "done" and body["errors"] == [] and body["unchanged"] > 0 and body["created"] == 0
    again = client.get(f"/api/v1/imports/{body['id']}", headers=auth).json
    assert again["id"] == body["id"] and again["unchanged"] == body["unchanged"]
    bad = client.post("/api/v1/imports", headers=auth, content_type="multipart/form-data",
                      data={"file": (io.BytesIO(b"not a workbook"), "x.txt"), "organization_id": str(org.id)}).json
    assert bad["status"] == "failed" and bad["errors"][0]["message"]
    assert set(bad["errors"][0]) == {"sheet", "row", "column", "value", "message"}


def test_api_export_every_kind(s, org, renja, auth, client):
    for kind in ("renja", "pk", "iku", "metadata", "evaluasi-renja", "monitoring"):
        resp = client.get(f"/api/v1/plans/{renja.id}/export?kind={kind}&period=TW1", headers=auth)
        if kind == "iku":  # a Renja without a Renstra has no IKU
            assert resp.status_code == 422 and "Renstra" in resp.json["error"]["message"]
            continue
        assert resp.status_code == 200, (kind, resp.json)
        assert load_workbook(io.BytesIO(resp.data)).sheetnames
    assert client.get(f"/api/v1/plans/{renja.id}/export?kind=foo", headers=auth).status_code == 422


def test_print_views_and_downloads(s, org, renja, editor):
    html = editor.get(f"/plans/{renja.id}/cetak/evaluasi-renja").get_data(as_text=True)
    assert "EVALUASI TERHADAP HASIL RENJA" in html and "Predikat kinerja" in html and "Rata-rata capaian" in html
    pk = editor.get(f"/plans/{renja.id}/cetak/pk").get_data(as_text=True)
    assert "PERJANJIAN KINERJA" in pk and "Pihak Pertama" in pk and "LAMPIRAN" in pk
    resp = editor.get(f"/plans/{renja.id}/ekspor/renja.xlsx")
    assert resp.status_code == 200 and load_workbook(io.BytesIO(resp.data)).sheetnames[0] == "Matriks Renja"
    tpl = load_workbook(io.BytesIO(editor.get("/imports/template.xlsx").data))
    assert {"Petunjuk", "Simpul", "Indikator", "Target", "Realisasi"} <= set(tpl.sheetnames)
    assert tpl["Indikator"].data_validations.dataValidation  # lists for polarity, accumulation, ...


def _own_workbook() -> bytes:
    """A Bappeda-style sheet: a title, a merged two-row header, a numbered column row."""
    wb = Workbook()
    ws = wb.active
    ws.title = "Renja PD"
    ws["A1"] = "RENCANA KERJA DINAS 2026"
    ws.append([])
    ws.append(["Kode", "Program / Kegiatan", "Indikator Kinerja", "Target Kinerja", None, "Pagu Indikatif (Rp)"])
    ws.append([None, None, None, "Volume", "Satuan", None])
    for col in ("A", "B", "C", "F"):
        ws.merge_cells(f"{col}3:{col}4")
    ws.merge_cells("D3:E3")
    ws.append([1, 2, 3, 4, 5, 6])
    ws.append(["5.02.02", "Program Pengelolaan Pendapatan Daerah", "Persentase PAD", "95", "%", None])
    ws.append(["5.02.02.2.01", "Perencanaan Pendapatan", "Jumlah dokumen", 4, "dokumen", "Rp 1.250.000"])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def test_mapping_wizard_detects_headers_maps_previews_saves(s, org, renja, editor):
    step2 = editor.post("/imports/wizard", headers=HX, content_type="multipart/form-data",
                        data={"step": "upload", "file": (io.BytesIO(_own_workbook()), "dinas.xlsx"),
                              "organization_id": org.id, "year": "2026"}).get_data(as_text=True)
    assert "Renja PD" in step2
    job_id = step2.split('name="job_id" value="')[1].split('"')[0]
    step3 = editor.post("/imports/wizard", headers=HX, data={"step": "sheet", "job_id": job_id, "sheet": "Renja PD",
                                                             "year": "2026"}).get_data(as_text=True)
    assert 'name="header_start" value="3"' in step3 and 'name="data_start" value="6"' in step3
    assert "Perencanaan Pendapatan" in step3 and "Rp 1.250.000" in step3  # the preview, as parsed
    form = {"step": "save", "job_id": job_id, "sheet": "Renja PD", "year": "2026", "header_start": "3",
            "header_rows": "2", "data_start": "6", "col_code": "0", "col_name": "1", "col_indicator": "2",
            "col_target": "3", "col_unit": "4", "col_pagu": "5", "name": "Format Bappeda"}
    saved = editor.post("/imports/wizard", headers=HX, data=form)
    assert saved.headers.get("HX-Redirect", "").startswith("/imports/")
    mapping = s.exec(select(ImportMapping)).one()
    assert mapping.columns["pagu"] == 5 and mapping.header_rows == 2
    job = editor.get(saved.headers["HX-Redirect"]).get_data(as_text=True)
    assert "Uji coba berhasil" in job, job[job.find("job-progress"):][:2000]
