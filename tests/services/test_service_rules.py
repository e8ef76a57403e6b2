"""The complaint register, the public page's settings and a unit's calculation settings enforce their rights in
the service itself (architecture: pages, API, CLI and imports cannot bypass a rule by calling the service)."""
from __future__ import annotations

from datetime import date

import pytest

from planner.errors import Forbidden, NotFound
from planner.permissions import principal_for
from planner.services import acting, complaints, publication, settings as org_settings

COMPLAINT = {"channel": "loket", "received_on": "2026-03-02", "category": "Waktu", "summary": "Antrean lama"}
CSV = b"kanal,tanggal_diterima,kategori,uraian\nlangsung,2026-03-02,Waktu,Antrean lama\n"


@pytest.fixture
def units(s, make_org, make_user):
    own, other = make_org("OWN", "Dinas Sendiri"), make_org("OTHER", "Dinas Lain")
    users = {role: make_user(f"u-{role}", role, own) for role in ("penyusun", "pimpinan", "pengamat")}
    return own, other, users


def act(s, user):
    return acting.act_as(s, principal_for(s, user))


def test_complaints_need_the_edit_right_in_scope(s, units):
    own, other, users = units
    row = complaints.create(act(s, users["penyusun"]), {"organization_id": own.id, **COMPLAINT}, date(2026, 3, 3))
    assert row.id and row.organization_id == own.id
    with pytest.raises(NotFound):  # outside the scope: as if it did not exist
        complaints.create(s, {"organization_id": other.id, **COMPLAINT}, date(2026, 3, 3))
    with pytest.raises(NotFound):
        complaints.import_file(s, other.id, "p.csv", CSV, date(2026, 3, 3))
    act(s, users["pengamat"])  # a reader in scope may not write
    with pytest.raises(Forbidden):
        complaints.update(s, row, {"status": "diproses"})
    with pytest.raises(Forbidden):
        complaints.import_file(s, own.id, "p.csv", CSV, date(2026, 3, 3))
    assert complaints.update(act(s, users["penyusun"]), row, {"status": "diproses"}).status == "diproses"


def test_public_page_settings_need_the_publication_right(s, units):
    own, other, users = units
    act(s, users["pengamat"])
    with pytest.raises(Forbidden):
        publication.save_profile(s, own.id, {"published": True})
    act(s, users["pimpinan"])
    with pytest.raises(NotFound):
        publication.save_profile(s, other.id, {"published": True})
    assert publication.save_profile(s, own.id, {"published": True}).published is True


def test_calculation_settings_belong_to_the_head(s, units):
    own, _, users = units
    current = org_settings.install_default({})
    data = org_settings.parse({"tolerance": "5"}, current)
    act(s, users["penyusun"])
    with pytest.raises(Forbidden):
        org_settings.save(s, own, data)
    with pytest.raises(Forbidden):
        org_settings.inherit(s, own)
    act(s, users["pimpinan"])
    assert org_settings.save(s, own, data).tolerance == data.tolerance
    assert org_settings.inherit(s, own) is True
