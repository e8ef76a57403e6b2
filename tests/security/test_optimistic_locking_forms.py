"""Lost updates (issue 9) on the last forms that sent no version: the indicator page's target grid, a follow-up's
"done" toggle, the service-evaluation score sheet and the evaluator's verification sheet of a round. For each:
the form carries the version of what it edits; a stale one is refused with who changed it and when, the user's
values stay on the page and nothing is overwritten; the fresh one saves."""
from __future__ import annotations

import re

import pytest
from sqlmodel import select

from planner.models import EvaluationScore, FollowUp, Indicator, Target
from planner.models.evaluation import EvaluationCreate
from planner.models.evaluation_round import RoundCreate, VerifiedScore
from planner.models.monitoring import FollowUpCreate, FollowUpUpdate
from planner.models.plan import TargetIn
from planner.services import audit, evaluation_rounds as rounds, evaluations, instruments, plans
from planner.services import monitoring as mon
from tests.conftest import HX
from tests.services.test_evaluation_rounds_service import ASPECTS


def _version_in(page: str, field_id: str) -> int:
    found = re.search(rf'<input type="hidden" name="version" id="{field_id}" value="(\d+)"', page)
    assert found, f"no version field {field_id}"
    return int(found.group(1))


def _as(s, username: str) -> None:
    """A colleague's write in between, named in the trail."""
    audit.set_actor(s, None, username)


# ---------------------------------------------------------------- target grid

def _activity_indicator(s, renja) -> Indicator:
    return s.get(Indicator, plans.load_tree(s, renja).roots[0].children[0].indicators[0].id)


def test_a_stale_target_grid_keeps_the_users_targets_beside_who_changed_them(editor, s, renja):
    ind = _activity_indicator(s, renja)
    page = editor.get(f"/indicators/{ind.id}").get_data(as_text=True)
    read = _version_in(page, "ind-version-targets")
    assert read == ind.version == _version_in(page, "ind-version-meta")  # both forms of the page, one version
    _as(s, "budi")  # meanwhile a colleague changes the grid
    plans.set_targets(s, ind, renja, [TargetIn(year=2026, period="Y", value=120)]
                      + [TargetIn(year=2026, period=f"TW{q}", value=30) for q in range(1, 5)], version=read)
    s.commit()
    grid = {"v-2026-Y": "100", "v-2026-TW1": "11", "v-2026-TW2": "22", "v-2026-TW3": "33", "v-2026-TW4": "34"}
    resp = editor.post(f"/indicators/{ind.id}/targets", headers=HX, data={**grid, "version": str(read)})
    page = resp.get_data(as_text=True)
    assert resp.status_code == 409 and "diubah oleh budi" in page and "Nilai Anda belum disimpan" in page
    assert 'value="11"' in page and 'value="34"' in page  # the user's grid stays on the page
    s.expire_all()
    assert {t.period: t.value for t in s.exec(select(Target).where(Target.indicator_id == ind.id))}["TW1"] == 30
    current = _version_in(page, "ind-version-targets")
    assert current == s.get(Indicator, ind.id).version  # saving again is a deliberate overwrite
    resp = editor.post(f"/indicators/{ind.id}/targets", headers=HX, data={**grid, "version": str(current)})
    assert resp.status_code == 200 and "Target tersimpan" in resp.get_data(as_text=True)
    s.expire_all()
    assert {t.period: t.value for t in s.exec(select(Target).where(Target.indicator_id == ind.id))}["TW1"] == 11


def test_saving_the_metadata_moves_the_grids_version_on_too(editor, s, renja):
    """Metadata and grid share the indicator's version: an htmx save of one refreshes the other's copy out of
    band, so the user's own next save of the grid is not taken for someone else's change."""
    ind = _activity_indicator(s, renja)
    read = _version_in(editor.get(f"/indicators/{ind.id}").get_data(as_text=True), "ind-version-meta")
    resp = editor.post(f"/indicators/{ind.id}", headers=HX, data={
        "name": ind.name, "unit": ind.unit, "definition": "Definisi baru", "version": str(read)})
    fragment = resp.get_data(as_text=True)
    assert resp.status_code == 200
    oob = re.search(r'<input type="hidden" name="version" id="ind-version-targets" value="(\d+)" hx-swap-oob="true">',
                    fragment)
    assert oob and int(oob.group(1)) == read + 1
    resp = editor.post(f"/indicators/{ind.id}/targets", headers=HX, data={
        "v-2026-Y": "100", "v-2026-TW1": "25", "v-2026-TW2": "25", "v-2026-TW3": "25", "v-2026-TW4": "25",
        "version": oob.group(1)})
    assert resp.status_code == 200
    assert 'id="ind-version-meta" value="%d" hx-swap-oob="true"' % (read + 2) in resp.get_data(as_text=True)


def test_the_target_put_answers_409_with_the_indicator_now(client, auth, s, renja):
    ind = _activity_indicator(s, renja)
    url = f"/api/v1/indicators/{ind.id}/targets"
    cells = [{"year": 2026, "period": "Y", "value": 100}] + [
        {"year": 2026, "period": f"TW{q}", "value": 25} for q in range(1, 5)]
    assert client.put(url, headers=auth, json={"targets": cells, "version": ind.version}).status_code == 200
    stale = client.put(url, headers=auth, json={"targets": cells, "version": ind.version})
    assert stale.status_code == 409 and stale.json["current"]["version"] == ind.version + 1


# ---------------------------------------------------------------- follow-ups

def test_a_stale_follow_up_toggle_keeps_the_users_choice_beside_who_changed_it(editor, s, renja):
    ind = _activity_indicator(s, renja)
    fu = mon.add_follow_up(s, ind, 2026, "TW1", FollowUpCreate(action="Rapat koordinasi Samsat"))
    s.commit()
    url = f"/indicators/{ind.id}/realisasi/2026/TW1"
    page = editor.get(url).get_data(as_text=True)
    assert f'name="version" value="{fu.version}"' in page  # the row's form carries its version
    read = fu.version
    _as(s, "budi")  # meanwhile a colleague marks it done
    mon.update_follow_up(s, fu, FollowUpUpdate(done=True))
    s.commit()
    # the user, on the page read before, sends "not done" (say, a mistaken tick): refused, their choice kept
    resp = editor.post(f"/follow-ups/{fu.id}", headers=HX, data={"done": "0", "version": str(read)})
    page = resp.get_data(as_text=True)
    assert resp.status_code == 409 and "diubah oleh budi" in page
    assert "Pilihan Anda: tandai belum selesai" in page  # the user's choice stays beside the row
    assert f'name="version" value="{read + 1}"' in page and 'name="done" value="0"' in page
    s.expire_all()
    assert s.get(FollowUp, fu.id).done is True  # nothing overwritten
    resp = editor.post(f"/follow-ups/{fu.id}", headers=HX, data={"done": "0", "version": str(read + 1)})
    assert resp.status_code == 200
    s.expire_all()
    assert s.get(FollowUp, fu.id).done is False


# ---------------------------------------------------------------- service evaluation scores

@pytest.fixture
def evaluation(s, org):
    inst = instruments.create(s, {"code": "UJI", "name": "Instrumen uji", "aspects": ASPECTS})
    ev = evaluations.create(s, EvaluationCreate(organization_id=org.id, year=2026, instrument_id=inst.id))
    s.commit()
    return ev


def test_a_stale_score_sheet_keeps_the_users_scores_beside_who_saved(editor, s, evaluation):
    url = f"/evaluasi/{evaluation.id}"
    page = editor.get(url).get_data(as_text=True)
    read = _version_in(page, "ev-version")
    _as(s, "budi")
    evaluations.save_scores(s, evaluation, {"1.1": 3}, {"1.1": "SP sudah ada"}, version=read)
    s.commit()
    resp = editor.post(url + "/nilai", data={"score:1.1": "5", "score:1.2": "4", "note:1.1": "Catatan saya",
                                             "version": str(read)})
    page = resp.get_data(as_text=True)
    assert resp.status_code == 409 and "diubah oleh budi" in page
    assert 'value="Catatan saya"' in page and re.search(r'<option value="5" selected', page)  # the user's sheet
    s.expire_all()
    assert s.exec(select(EvaluationScore.score)).all() == [3]  # nothing overwritten
    current = _version_in(page, "ev-version")
    resp = editor.post(url + "/nilai", data={"score:1.1": "5", "note:1.1": "Catatan saya", "version": str(current)})
    assert resp.status_code == 302
    s.expire_all()
    assert s.exec(select(EvaluationScore.score)).all() == [5]


def test_the_scores_put_answers_409_with_the_evaluation_now(client, auth, s, evaluation):
    url = f"/api/v1/evaluations/{evaluation.id}/scores"
    first = client.put(url, headers=auth, json={"scores": {"1.1": 4}, "version": evaluation.version})
    assert first.status_code == 200 and first.json["version"] == evaluation.version + 1
    stale = client.put(url, headers=auth, json={"scores": {"1.1": 1}, "version": evaluation.version})
    assert stale.status_code == 409 and stale.json["error"]["field"] == "version"
    assert stale.json["current"]["scores"]["1.1"] == 4 and stale.json["current"]["version"] == first.json["version"]


# ---------------------------------------------------------------- evaluation rounds: the verification sheet

def test_a_stale_verification_keeps_the_evaluators_scores_beside_who_saved(s, client, login, make_org, make_user):
    prov = make_org("PEMPROV", "Pemerintah Provinsi Contoh", "pemda")
    unit = make_org("OPD1", "Dinas 1", "perangkat_daerah", prov)
    inst = instruments.create(s, {"code": "UJI", "name": "Instrumen uji", "aspects": ASPECTS})
    s.commit()
    make_user("koordinator", "reviewer", prov)
    rnd = rounds.create(s, RoundCreate(name="Evaluasi PEKPPP 2026", year=2026, instrument_id=inst.id,
                                       organization_ids=[unit.id]))
    s.commit()
    web = login("koordinator")
    url = f"/evaluasi-lintas-unit/{rnd.id}/unit/{unit.id}"
    read = _version_in(web.get(url).get_data(as_text=True), "ru-version")
    _as(s, "budi")  # another evaluator verifies first
    rounds.verify(s, rounds.get(s, rnd.id), unit.id, {"1.1": 2}, {"1.1": "SP belum ditetapkan"}, version=read)
    s.commit()
    resp = web.post(url + "/verifikasi", data={"score:1.1": "4", "note:1.1": "Sudah ada SP", "summary": "Simpulan saya",
                                               "version": str(read)})
    page = resp.get_data(as_text=True)
    assert resp.status_code == 409 and "diubah oleh budi" in page
    assert 'value="Sudah ada SP"' in page and "Simpulan saya" in page and re.search(r'<option value="4" selected', page)
    s.expire_all()
    assert s.exec(select(VerifiedScore.score)).all() == [2]  # nothing overwritten
    current = _version_in(page, "ru-version")
    resp = web.post(url + "/verifikasi", data={"score:1.1": "4", "note:1.1": "Sudah ada SP", "version": str(current)})
    assert resp.status_code == 302
    s.expire_all()
    assert s.exec(select(VerifiedScore.score)).all() == [4]
