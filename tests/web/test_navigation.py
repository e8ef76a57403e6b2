"""Every role's menus show only what it can use; a penyusun reaches the dashboard of their own units."""
from __future__ import annotations

import pytest

from tests.conftest import PASSWORD

MENUS = {  # role -> (Rencana baru, Antrean reviu, Dasbor pemantauan)
    "penyusun": (True, False, True),
    "reviewer": (False, True, True),
    "pimpinan": (False, True, True),
    "instruktur": (False, False, True),
    "pengamat": (False, False, True),
}


@pytest.fixture
def role_clients(app, org, make_user):
    clients = {}
    for role in MENUS:
        make_user(role, role, org)
        c = app.test_client()
        c.post("/login", data={"username": role, "password": PASSWORD})
        clients[role] = c
    return clients


def test_menus_follow_the_role(role_clients):
    for role, (new_plan, queue, dashboard) in MENUS.items():
        nav = role_clients[role].get("/").get_data(as_text=True).split('class="usermenu"')[1].split("</nav>")[0]
        assert ('href="/plans/new"' in nav) is new_plan, role
        assert ('href="/review"' in nav) is queue, role
        assert ('href="/monitoring"' in nav) is dashboard, role


def test_a_penyusun_sees_the_ranking_of_their_own_units_only(role_clients, make_org, make_renja, renja):
    other = make_org("DINKES", "Dinas Kesehatan")
    make_renja(other)
    html = role_clients["penyusun"].get("/monitoring").get_data(as_text=True)
    assert renja.name in html or "Badan Pendapatan Daerah" in html
    assert "Dinas Kesehatan" not in html
