""""Tugas saya": plans returned to me, plans waiting for my review or penetapan, reports due and overdue for my
indicators, with the count in the top bar."""
from __future__ import annotations

from datetime import date

from planner.permissions import principal_for
from planner.services import tasks
from tests.conftest import PASSWORD


def _client(app, username):
    c = app.test_client()
    c.post("/login", data={"username": username, "password": PASSWORD})
    return c


def test_returned_and_waiting_plans(app, s, org, make_user, renja):
    ani, rudi, kepala = (make_user("ani", "penyusun", org), make_user("rudi", "reviewer", org),
                         make_user("kepala", "pimpinan", org))
    renja.status = "submitted"
    s.commit()
    assert [pl.id for pl in tasks.for_user(s, principal_for(s, rudi), 2026).to_review] == [renja.id]
    assert tasks.for_user(s, principal_for(s, ani), 2026).count == 0
    renja.status = "returned"
    s.commit()
    assert [pl.id for pl in tasks.for_user(s, principal_for(s, ani), 2026).returned] == [renja.id]
    renja.status = "approved"
    s.commit()
    assert [pl.id for pl in tasks.for_user(s, principal_for(s, kepala), 2026).to_fix] == [renja.id]
    home = _client(app, "kepala").get("/").get_data(as_text=True)
    assert "Disetujui, menunggu penetapan" in home and renja.name in home
    assert 'class="tasks-link">Tugas <span class="count"' in home


def test_reports_due_and_overdue(s, org, make_user, renja):
    ani = make_user("ani", "penyusun", org)
    renja.status = "locked"
    s.commit()
    # 5 May: TW1 ended 31 March, its window closed 15 April -> overdue; nothing else has ended.
    t = tasks.for_user(s, principal_for(s, ani), 2026, today=date(2026, 5, 5))
    assert {(r.indicator.name, r.period) for r in t.overdue} >= {("Jumlah layanan kegiatan 1", "TW1")}
    assert t.due == []
    # 10 July: TW2 ended 30 June -> due until 15 July; TW1 still overdue.
    t = tasks.for_user(s, principal_for(s, ani), 2026, today=date(2026, 7, 10))
    assert {r.period for r in t.due} == {"TW2"} and {r.period for r in t.overdue} == {"TW1"}
    assert all(r.due_on == date(2026, 7, 15) for r in t.due)


def test_home_lists_the_reports(app, s, org, make_user, renja):
    make_user("ani", "penyusun", org)
    renja.status = "locked"
    s.commit()
    html = _client(app, "ani").get("/").get_data(as_text=True)
    assert "Tugas saya" in html and "Laporan realisasi terlambat" in html  # today is past TW1 2026
