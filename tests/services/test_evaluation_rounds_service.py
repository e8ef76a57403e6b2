"""Evaluation rounds across units (issue 18), through the services: the scope, evaluators who see only their
units, verified scores beside the self-assessment, lock and publication, recommendations and follow-up."""
from __future__ import annotations

from datetime import date

import pytest

from planner.errors import Conflict, Forbidden, NotFound
from planner.models.evaluation_round import RecommendationIn, RecommendationUpdate, RoundCreate
from planner.permissions import principal_for
from planner.services import acting, evaluation_rounds as rounds, evaluations, instruments, orgs, recommendations
from planner.services import unit_types

ASPECTS = [
    {"code": "1", "name": "Kebijakan", "weight": 60,
     "indicators": [{"code": "1.1", "name": "Standar pelayanan", "weight": 50},
                    {"code": "1.2", "name": "Maklumat", "weight": 50}]},
    {"code": "2", "name": "SDM", "weight": 40, "indicators": [{"code": "2.1", "name": "Kode etik", "weight": 100}]},
]


@pytest.fixture
def world(s, make_org, make_user):
    prov = make_org("PEMPROV", "Pemerintah Provinsi Contoh", "pemda")
    units = [make_org(f"OPD{n}", f"Dinas {n}", "perangkat_daerah", prov) for n in (1, 2, 3)]
    inst = instruments.create(s, {"code": "UJI", "name": "Instrumen uji", "aspects": ASPECTS})
    s.commit()
    users = {"koordinator": make_user("koordinator", "reviewer", prov),
             "penilai": make_user("penilai", "pengamat", units[2]),  # no say over units 1 and 2 by role
             "opd1": make_user("opd1", "penyusun", units[0])}
    rnd = rounds.create(s, RoundCreate(name="Evaluasi PEKPPP 2026", year=2026, instrument_id=inst.id,
                                       organization_ids=[u.id for u in units]))
    s.commit()
    return {"prov": prov, "units": units, "inst": inst, "round": rnd, "users": users}


def as_user(s, user):
    return acting.act_as(s, principal_for(s, user))


def self_assess(s, rnd, org, scores):
    ru = rounds.round_unit(s, rnd, org.id)
    evaluations.save_scores(s, evaluations.get(s, ru.evaluation_id), scores)


def test_round_owner_is_the_common_parent_and_units_get_their_self_assessment(s, world):
    rnd = world["round"]
    assert rnd.organization_id == world["prov"].id
    units = rounds.round_units(s, rnd)
    assert len(units) == 3
    ev = evaluations.get(s, units[0].evaluation_id)
    assert (ev.year, ev.instrument_id, ev.label) == (2026, world["inst"].id, "Evaluasi PEKPPP 2026")


def test_an_evaluator_sees_only_assigned_units_and_verifies_only_them(s, world):
    rnd, (u1, u2, u3) = world["round"], world["units"]
    rounds.assign_evaluator(s, rnd, u1.id, world["users"]["penilai"].id)
    s.commit()
    as_user(s, world["users"]["penilai"])
    seen = [r.organization.id for r in rounds.results(s, rnd)]
    # assigned unit 1 only: unit 3, which they read as an observer, is out of their view of the round too
    assert seen == [u1.id]
    rounds.verify(s, rnd, u1.id, {"1.1": 4})
    for other in (u2, u3):
        with pytest.raises(NotFound):
            rounds.verify(s, rnd, other.id, {"1.1": 4})
    acting.act_as(s, acting.SYSTEM)
    rounds.remove_evaluator(s, rnd, u1.id, world["users"]["penilai"].id)
    as_user(s, world["users"]["penilai"])
    with pytest.raises(Forbidden):
        rounds.verify(s, rnd, u3.id, {"1.1": 4})  # now a plain member of unit 3: sees it, may not verify


def test_both_scores_kept_difference_visible_and_ranking(s, world):
    rnd, (u1, u2, u3) = world["round"], world["units"]
    for org, sc in ((u1, {"1.1": 4, "1.2": 4, "2.1": 4}), (u2, {"1.1": 3, "1.2": 3, "2.1": 3}),
                    (u3, {"1.1": 5, "1.2": 5, "2.1": 5})):
        self_assess(s, rnd, org, sc)
        rounds.accept_self_scores(s, rnd, org.id)
    rounds.verify(s, rnd, u3.id, {"2.1": 2}, {"2.1": "Kode etik belum ditetapkan dengan SK"})
    by_org = {r.organization.id: r for r in rounds.results(s, rnd)}
    r3 = by_org[u3.id]
    assert r3.own.ipp == 5.0 and r3.index == pytest.approx(3.8)
    assert r3.difference == pytest.approx(-1.2)
    line = next(i for i in r3.indicators if i.code == "2.1")
    assert (line.self_score, line.verified, line.difference, line.note) == (
        5, 2, -3, "Kode etik belum ditetapkan dengan SK")
    assert [by_org[o.id].rank for o in (u1, u2, u3)] == [1, 3, 2]
    assert by_org[u3.id].category.code == "B"
    assert by_org[u1.id].group == "pendampingan" and by_org[u2.id].group == "pendampingan"


def test_unit_sees_its_results_only_after_publication(s, world):
    rnd, (u1, u2, _) = world["round"], world["units"]
    self_assess(s, rnd, u1, {"1.1": 4, "1.2": 4, "2.1": 4})
    rounds.accept_self_scores(s, rnd, u1.id)
    recommendations.create(s, RecommendationIn(round_id=rnd.id, organization_id=u1.id, aspect="1",
                                               text="Tetapkan SP dengan SK kepala dinas", due_on=date(2026, 6, 30)))
    s.commit()
    as_user(s, world["users"]["opd1"])
    (mine,) = rounds.results(s, rnd)
    assert mine.organization.id == u1.id and not mine.results_visible
    assert rounds.api_unit(mine)["verified_index"] is None and rounds.api_unit(mine)["self_index"] == 4.0
    assert recommendations.list_for(s, round_id=rnd.id) == []
    with pytest.raises(Forbidden):
        rounds.lhe(s, rnd, u1.id)
    with pytest.raises(Forbidden):
        rounds.set_status(s, rnd, "locked")
    acting.act_as(s, acting.SYSTEM)
    rounds.set_status(s, rnd, "locked")
    with pytest.raises(Conflict):
        rounds.verify(s, rnd, u1.id, {"1.1": 5})
    rounds.set_status(s, rnd, "published")
    s.commit()
    as_user(s, world["users"]["opd1"])
    (mine,) = rounds.results(s, rnd)
    assert mine.results_visible and rounds.api_unit(mine)["verified_index"] == 4.0 and mine.rank == 1
    (line,) = recommendations.list_for(s, round_id=rnd.id)
    recommendations.update(s, line.rec, RecommendationUpdate(status="proses", owner="Sekretaris"))
    assert line.rec.status == "proses"
    with pytest.raises(NotFound):
        rounds.lhe(s, rnd, u2.id)
    assert rounds.lhe(s, rnd, u1.id).recommendations[0][0] == "Kebijakan"


def test_follow_up_shares_overdue_and_groups(s, world):
    rnd, (u1, u2, u3) = world["round"], world["units"]
    add = lambda org, aspect, due, status="belum": recommendations.create(s, RecommendationIn(  # noqa: E731
        round_id=rnd.id, organization_id=org.id, aspect=aspect, text="Perbaiki", due_on=due, status=status))
    add(u1, "1", date(2026, 3, 1), "selesai")
    add(u1, "2", date(2026, 3, 1))
    add(u2, "1", date(2026, 3, 1), "proses")
    late = add(u2, "2", date(2026, 2, 1))
    add(u3, "1", date(2026, 12, 1))
    summary, overdue = recommendations.follow_up(s, rnd, today=date(2026, 4, 1))
    assert summary.total.units_acting_pct == pytest.approx(200 / 3)
    assert summary.total.done_pct == 20.0
    assert [line.rec.id for line in overdue][0] == late.id and len(overdue) == 3
    assert summary.by_aspect["2"].done_pct == 0.0
    assert summary.by_unit_type["provinsi"].items == 5


def test_admin_sets_the_group_rule(s, world, make_user):
    rounds.save_group_rule(s, {"B": "mandiri"})
    assert rounds.group_rule(s)["B"] == "mandiri"
    as_user(s, world["users"]["koordinator"])
    with pytest.raises(Forbidden):
        rounds.save_group_rule(s, {"B": "prioritas"})


def test_unit_types_inherit_and_read_the_kind(s, world, make_org):
    kl = make_org("KEMEN", "Kementerian Contoh", "kementerian")
    upt = make_org("UPT1", "UPT Contoh", "upt", world["units"][0])
    kota = make_org("PEMKOT", "Pemerintah Kota Contoh", "pemda")
    types = unit_types.resolve(orgs.all_orgs(s))
    assert types[world["units"][0].id] == "provinsi" and types[kl.id] == "kl"
    assert types[upt.id] == "upt" and types[kota.id] == "kota"
    unit_types.set_unit_type(s, world["units"][1], "kabupaten")
    assert unit_types.resolve(orgs.all_orgs(s))[world["units"][1].id] == "kabupaten"
