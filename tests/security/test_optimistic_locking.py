"""Lost updates (issue 9): every editable record carries a ``version`` (SQLAlchemy's ``version_id_col``, a
conditional UPDATE), the services refuse a stale one, the API answers 409 with the record as it is now, and
the pages keep the user's value beside who changed the record and when. The races themselves, against a
live server, are in ``test_concurrency.py``."""
from __future__ import annotations

import pytest
from sqlalchemy import inspect
from sqlalchemy.orm.exc import StaleDataError
from sqlmodel import Session, select

from planner.models import (ActionStep, BudgetRealization, Comment, Evaluation, EvaluationScore, FollowUp, Indicator,
                            Narrative, NodeBudget, OrganizationSettings, Plan, PlanNode, Realization, Target, Worksheet)
from planner.models.evaluation_round import Recommendation, RoundUnit, VerifiedScore
from planner.models.plan import IndicatorUpdate, NodeUpdate
from planner.services import acting, audit, plans
from tests.conftest import HX

EDITABLE = (Plan, PlanNode, Indicator, Target, Realization, Narrative, FollowUp, NodeBudget, BudgetRealization,
            Comment, OrganizationSettings, Evaluation, EvaluationScore, Worksheet, ActionStep, RoundUnit, VerifiedScore,
            Recommendation)


@pytest.mark.parametrize("model", EDITABLE, ids=lambda m: m.__name__)
def test_every_editable_record_has_a_version_column_checked_by_the_update(model):
    mapper = inspect(model)
    assert mapper.version_id_col is not None and mapper.version_id_col.name == "version"
    assert model.__table__.c.version.nullable is False


def test_the_update_itself_is_conditional(s, engine, renja):
    """Two sessions read version 1 of a node; the first to write wins, the second's flush is refused even
    though no check ran in between (the WHERE of the UPDATE names the version it read)."""
    node = plans.load_tree(s, renja).roots[0].node
    with Session(engine) as a, Session(engine) as b:
        acting.act_as(a, acting.SYSTEM)
        acting.act_as(b, acting.SYSTEM)
        mine, theirs = a.get(PlanNode, node.id), b.get(PlanNode, node.id)
        assert mine.version == theirs.version == 1
        mine.name = "Program versi A"
        a.commit()
        theirs.name = "Program versi B"
        with pytest.raises(StaleDataError):
            b.flush()
        b.rollback()
    s.expire_all()
    assert s.get(PlanNode, node.id).name == "Program versi A" and s.get(PlanNode, node.id).version == 2


def test_node_put_with_a_stale_version_is_409_with_the_node_now(client, auth, s, renja):
    node = plans.load_tree(s, renja).roots[0].children[0].node
    url = f"/api/v1/nodes/{node.id}"
    first = client.put(url, headers=auth, json={"name": "Kegiatan diubah Ani", "version": 1})
    assert first.status_code == 200 and first.json["version"] == 2
    stale = client.put(url, headers=auth, json={"name": "Kegiatan diubah lagi", "version": 1})
    assert stale.status_code == 409 and stale.json["error"]["field"] == "version"
    assert stale.json["current"]["name"] == "Kegiatan diubah Ani" and stale.json["current"]["version"] == 2
    assert "diubah oleh ani" in stale.json["error"]["message"]


def test_realisation_put_returns_and_checks_its_version(client, auth, s, renja):
    ind = plans.load_tree(s, renja).roots[0].children[0].indicators[0]
    url = f"/api/v1/indicators/{ind.id}/realizations/2026/TW1"
    created = client.put(url, headers=auth, json={"value": 10})
    assert created.status_code == 201 and created.json["version"] == 1
    assert client.put(url, headers=auth, json={"value": 12, "version": 1}).json["version"] == 2
    stale = client.put(url, headers=auth, json={"value": 99, "version": 1})
    assert stale.status_code == 409 and stale.json["current"]["value"] == 12
    assert s.exec(select(Realization.value).where(Realization.indicator_id == ind.id)).one() == 12


def test_comment_edit_with_a_stale_version_is_409(client, auth, s, renja):
    made = client.post(f"/api/v1/plans/{renja.id}/comments", headers=auth, json={"body": "Periksa target TW1"})
    assert made.status_code == 201 and made.json["version"] == 1
    url = f"/api/v1/comments/{made.json['id']}"
    assert client.put(url, headers=auth, json={"body": "Periksa target TW1 dan TW2", "version": 1}).status_code == 200
    stale = client.put(url, headers=auth, json={"body": "Teks lama", "version": 1})
    assert stale.status_code == 409 and stale.json["current"]["body"] == "Periksa target TW1 dan TW2"


def test_a_stale_indicator_form_keeps_the_users_value_beside_who_changed_it(editor, s, renja):
    ind = plans.load_tree(s, renja).roots[0].children[0].indicators[0]
    read = ind.version  # the page the user opened
    audit.set_actor(s, None, "budi")  # meanwhile a colleague saves the indicator
    plans.update_indicator(s, s.get(Indicator, ind.id), IndicatorUpdate(definition="Definisi dari Budi"))
    s.commit()
    resp = editor.post(f"/indicators/{ind.id}", headers=HX, data={
        "name": "Nama yang saya ketik", "unit": ind.unit, "definition": "Definisi saya", "version": str(read)})
    page = resp.get_data(as_text=True)
    assert resp.status_code == 409
    assert "diubah oleh budi" in page and "Nilai Anda belum disimpan" in page
    assert 'value="Nama yang saya ketik"' in page  # the user's value stays in the form, nothing overwritten
    s.expire_all()
    assert s.get(Indicator, ind.id).definition == "Definisi dari Budi"
    # the form now carries the current version: saving again is a deliberate overwrite
    assert f'name="version" id="ind-version-meta" value="{read + 1}"' in page


def test_a_stale_node_form_is_refused_on_the_page(editor, s, renja):
    node = plans.load_tree(s, renja).roots[0].children[0].node
    plans.update_node(s, s.get(PlanNode, node.id), NodeUpdate(name="Nama dari orang lain"))
    s.commit()
    resp = editor.post(f"/nodes/{node.id}", headers=HX, data={"code": node.code, "name": "Nama saya", "version": "1"})
    assert resp.status_code == 409 and "Nama saya" in resp.get_data(as_text=True)
    s.expire_all()
    assert s.get(PlanNode, node.id).name == "Nama dari orang lain"


def test_a_stale_realisation_cell_is_refused_on_the_page(editor, s, renja):
    from planner.services import monitoring as mon

    ind = plans.load_tree(s, renja).roots[0].children[0].indicators[0]
    mon.record_realization(s, s.get(Indicator, ind.id), 2026, "TW1", value=10)
    s.commit()
    mon.record_realization(s, s.get(Indicator, ind.id), 2026, "TW1", value=11, version=1)
    s.commit()
    resp = editor.post(f"/indicators/{ind.id}/realisasi/2026/TW1", headers=HX, data={"value": "15", "version": "1"})
    assert resp.status_code == 409 and "telah diubah" in resp.get_data(as_text=True)
    s.expire_all()
    assert s.exec(select(Realization.value).where(Realization.indicator_id == ind.id)).one() == 11


def test_a_stale_budget_row_is_refused_on_the_page(editor, s, renja):
    from planner.models import NodeBudget
    from planner.services import monitoring as mon

    node = plans.load_tree(s, renja).roots[0].children[0].node
    page = editor.get(f"/plans/{renja.id}/anggaran").get_data(as_text=True)
    assert f'id="budget-{node.id}"' in page
    mon.set_budget(s, s.get(PlanNode, node.id), 2026, 5_000_000, {"TW1": 1_000_000})
    s.commit()
    page = editor.get(f"/plans/{renja.id}/anggaran").get_data(as_text=True)
    assert 'name="version" value="1"' in page  # the row's form carries its budget's version
    mon.set_budget(s, s.get(PlanNode, node.id), 2026, 5_000_000, {"TW1": 2_000_000}, version=1)
    s.commit()
    resp = editor.post(f"/nodes/{node.id}/anggaran/2026", headers=HX, data={
        "pagu": "5.000.000", "TW1": "3.000.000", "version": "1"})
    assert resp.status_code == 409 and "telah diubah" in resp.get_data(as_text=True)
    s.expire_all()
    budget = s.exec(select(NodeBudget).where(NodeBudget.node_key == node.key)).one()
    assert budget.version == 2
