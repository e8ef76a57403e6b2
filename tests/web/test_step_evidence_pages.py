"""A step's evidence on the activity page and in the API (issue #17): upload a file or give a link, see it
listed at the step, download it (never run in the browser), remove it; the rights follow the marks."""
from __future__ import annotations

import io

import pytest

from planner.models.action_plan import StepIn
from planner.permissions import principal_for
from planner.services import action_plans as ap
from planner.services import plans, step_evidence

PDF = b"%PDF-1.7\n1 0 obj\n<<>>\nendobj\n%%EOF\n"


@pytest.fixture
def step(s, make_user, renja):
    admin = principal_for(s, make_user("root", "admin"))
    node = plans.load_tree(s, renja).roots[0].children[0].node
    (row,) = ap.save_action_plan(s, admin, node, [StepIn(name="Rapat koordinasi", months=[1])])
    s.commit()
    return row


def test_upload_list_download_and_remove_on_the_activity_page(s, editor, step):
    resp = editor.post(f"/langkah/{step.id}/bukti", data={"file": (io.BytesIO(PDF), "notulen rapat.pdf")},
                       content_type="multipart/form-data")
    assert resp.status_code == 302 and resp.headers["Location"].endswith(f"#step-{step.id}")
    html = editor.get(resp.headers["Location"]).get_data(as_text=True)
    (row,) = step_evidence.for_step(s, step.id)
    assert "notulen rapat.pdf" in html and f"/langkah-bukti/{row.id}" in html and "· Ani," in html  # who, when
    assert f"/langkah-bukti/{row.id}/hapus" in html and 'enctype="multipart/form-data"' in html
    assert 'data-max-bytes="' in html  # the size is checked in the page before an upload, as for realisations
    got = editor.get(f"/langkah-bukti/{row.id}")
    assert got.data == PDF and got.headers["Content-Disposition"].startswith("attachment")
    assert got.headers["X-Content-Type-Options"] == "nosniff" and got.headers["Cache-Control"] == "private, no-store"
    assert got.headers["Content-Security-Policy"] == "sandbox"
    link = editor.post(f"/langkah/{step.id}/bukti", data={"url": "https://contoh.id/foto-rapat"})
    assert link.status_code == 302
    assert "https://contoh.id/foto-rapat" in editor.get(f"/nodes/{step.node_id}/rencana-aksi").get_data(as_text=True)
    gone = editor.post(f"/langkah-bukti/{row.id}/hapus")
    assert gone.status_code == 302
    assert [e.kind for e in step_evidence.for_step(s, step.id)] == ["link"]
    assert "notulen rapat.pdf" not in editor.get(f"/nodes/{step.node_id}/rencana-aksi").get_data(as_text=True)


def test_a_refused_file_is_said_at_the_step(s, editor, step):
    resp = editor.post(f"/langkah/{step.id}/bukti", data={"file": (io.BytesIO(b"MZ bukan pdf"), "palsu.pdf")},
                       content_type="multipart/form-data")
    html = resp.get_data(as_text=True)
    assert resp.status_code == 422 and "bukan PDF yang sah" in html and f'id="step-{step.id}"' in html
    empty = editor.post(f"/langkah/{step.id}/bukti", data={})
    assert empty.status_code == 422 and "Pilih berkas atau tuliskan tautan" in empty.get_data(as_text=True)
    assert step_evidence.for_step(s, step.id) == []


def test_a_reader_sees_and_downloads_but_cannot_add_or_remove(s, app, org, make_user, login, step, tmp_path):
    row = step_evidence.add_file(s, step, "sk.pdf", io.BytesIO(PDF), app.config["UPLOAD_DIR"], 1024)
    s.commit()
    make_user("pengamat", "pengamat", org)
    reader = login("pengamat")
    html = reader.get(f"/nodes/{step.node_id}/rencana-aksi").get_data(as_text=True)
    assert "sk.pdf" in html and f"/langkah-bukti/{row.id}/hapus" not in html and "/bukti\"" not in html
    assert reader.get(f"/langkah-bukti/{row.id}").data == PDF
    assert reader.post(f"/langkah/{step.id}/bukti", data={"url": "https://contoh.id/x"}).status_code == 403
    assert reader.post(f"/langkah-bukti/{row.id}/hapus").status_code == 403


def test_the_api_lists_adds_downloads_and_deletes(s, client, auth, step):
    base = f"/api/v1/action-steps/{step.id}/evidence"
    made = client.post(base, data={"file": (io.BytesIO(PDF), "laporan.pdf")}, headers=auth,
                       content_type="multipart/form-data")
    assert made.status_code == 201 and made.json["filename"] == "laporan.pdf" and made.json["size"] == len(PDF)
    link = client.post(base, json={"url": "https://contoh.id/laporan"}, headers=auth)
    assert link.status_code == 201 and link.json["kind"] == "link"
    assert client.post(base, json={"url": "ftp://x"}, headers=auth).status_code == 422
    assert client.post(base, json={"link": "https://x.id"}, headers=auth).status_code == 422  # unknown key
    listed = client.get(base, headers=auth).json["evidence"]
    assert [e["kind"] for e in listed] == ["file", "link"]
    download = client.get(listed[0]["download"], headers=auth)
    assert download.data == PDF and download.headers["Cache-Control"] == "private, no-store"
    assert client.get(f"/api/v1/action-step-evidence/{link.json['id']}", headers=auth).status_code == 302
    assert client.delete(f"/api/v1/action-step-evidence/{made.json['id']}", headers=auth).status_code == 204
    assert [e["kind"] for e in client.get(base, headers=auth).json["evidence"]] == ["link"]
