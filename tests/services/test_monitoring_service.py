"""Monitoring services, the write side: realisation entry and its checks, verification, closed
periods, narrative and follow-up. The fixture and builders here are shared by the other
``test_monitoring_*`` files (the project's conftest belongs to someone else)."""
from __future__ import annotations

from datetime import date

from dataclasses import replace

import pytest
from sqlmodel import Session, select

import planner.models  # noqa: F401  (every table on the metadata)
from planner.calc import Settings
from planner.errors import Conflict, Invalid, NotFound
from planner.models import Evidence, Realization
from planner.models.monitoring import FollowUpCreate, FollowUpUpdate
from planner.models.plan import IndicatorCreate, NodeCreate, PlanCreate, TargetIn
from planner.services import acting, monitoring as mon
from planner.services import orgs, plans

YEAR = 2026
SETTINGS = Settings()


@pytest.fixture
def engine(own_sqlite):
    """A migrated in-memory SQLite database of the test's own."""
    return own_sqlite("migrated")


@pytest.fixture
def s(engine):
    with acting.act_as(Session(engine, expire_on_commit=False), acting.SYSTEM) as session:
        yield session


class Build:
    """A K/L Renja: program -> kegiatan, with indicators made through the plan services."""

    def __init__(self, s: Session, org_code: str = "K01"):
        self.s = s
        org = orgs.create(s, org_code, f"Organisasi {org_code}", "kementerian")
        self.plan = plans.create_plan(s, PlanCreate(organization_id=org.id, kind="renja", scheme="kl", year=YEAR,
                                                    name=f"Renja {org_code} {YEAR}"))
        self.program = plans.create_node(s, self.plan, NodeCreate(kind="program", code="011.01.WA",
                                                                  name="Program Dukungan"))
        self._activities = 0

    def activity(self, **kw):
        self._activities += 1
        return plans.create_node(self.s, self.plan, NodeCreate(
            kind="kegiatan", code=f"{1000 + self._activities}", name=f"Kegiatan {self._activities}",
            parent_id=self.program.id, **kw))

    def indicator(self, node=None, *, annual=100, quarters=(25, 25, 25, 25), **kw):
        """Quarterly ``sum`` by default; ``quarters=None`` gives no period targets."""
        targets = [TargetIn(year=YEAR, period="Y", value=annual)] if annual is not None else []
        codes = {"quarterly": ["TW1", "TW2", "TW3", "TW4"], "semester": ["S1", "S2"],
                 "monthly": [f"M{i:02d}" for i in range(1, 13)]}.get(kw.get("frequency", "quarterly"), [])
        targets += [TargetIn(year=YEAR, period=p, value=v) for p, v in zip(codes, quarters or ())]
        kw.setdefault("accumulation", "sum")
        data = IndicatorCreate(name=kw.pop("name", "Jumlah dokumen"), unit=kw.pop("unit", "dokumen"),
                               targets=kw.pop("targets", targets), **kw)
        return plans.create_indicator(self.s, node or self.activity(), data)


@pytest.fixture
def build(s):
    return Build(s)


def record(s, ind, period, **kw):
    return mon.record_realization(s, ind, YEAR, period, **kw)


# ---------------------------------------------------------------- entry and accumulation types

def test_sum_indicator_end_to_end(s, build):
    ind = build.indicator(responsible="Seksi Perencanaan")
    record(s, ind, "TW1", value=20)
    record(s, ind, "TW2", value="30")
    got = mon.achievement_for_indicator(s, ind, YEAR, "TW2", SETTINGS).summary()
    assert got["achievement"] == pytest.approx(100.0)  # 50 against the cumulative target 25 + 25
    assert got["annual_achievement"] == pytest.approx(50.0)
    assert got["status"] == "tercapai"
    assert got["forecast"] == pytest.approx(100.0)
    assert got["required_pace"] == pytest.approx(25.0)
    assert got["gap"] == pytest.approx(0.0)
    assert got["predikat"] == "Sangat Rendah"
    assert "100" in got["formula"]


def test_last_and_average_indicators(s, build):
    last = build.indicator(accumulation="last", unit="%", annual=90, quarters=(60, 70, 80, 90))
    avg = build.indicator(accumulation="average", unit="hari", annual=10, quarters=None)
    record(s, last, "TW1", value=55)
    record(s, last, "TW2", value="63,5")
    record(s, avg, "TW1", value=8)
    record(s, avg, "TW2", value=12)
    lp = mon.achievement_for_indicator(s, last, YEAR, "TW2", SETTINGS).progress
    assert lp.realisation == pytest.approx(63.5)
    assert lp.achievement.value == pytest.approx(63.5 / 70 * 100)
    ap = mon.achievement_for_indicator(s, avg, YEAR, "TW2", SETTINGS).progress
    assert ap.realisation == pytest.approx(10.0)
    assert ap.achievement.value == pytest.approx(100.0)


def test_ratio_indicator_takes_numerator_and_denominator(s, build):
    ind = build.indicator(accumulation="ratio", unit="%", annual=80, quarters=None)
    record(s, ind, "TW1", numerator=30, denominator=40)
    record(s, ind, "TW2", numerator="50", denominator="60")
    row = mon.achievement_for_indicator(s, ind, YEAR, "TW2", SETTINGS)
    assert row.progress.realisation == pytest.approx(80 / 100 * 100)  # (30 + 50) / (40 + 60) × 100
    assert row.summary()["achievement"] == pytest.approx(100.0)
    stored = mon.get_realization(s, ind, YEAR, "TW1")
    assert (stored.value, stored.numerator, stored.denominator) == (None, 30, 40)


def test_ratio_factor_of_the_indicator_is_used(s, build):
    ind = build.indicator(accumulation="ratio", unit="per 1.000 penduduk", ratio_factor=1000, annual=5, quarters=None)
    record(s, ind, "TW1", numerator=10, denominator=2000)
    assert mon.achievement_for_indicator(s, ind, YEAR, "TW1", SETTINGS).progress.realisation == pytest.approx(5.0)


def test_qualitative_indicator_is_achieved_or_not(s, build):
    ind = build.indicator(target_type="qualitative", accumulation="last", frequency="annual", unit="dokumen",
                          targets=[TargetIn(year=YEAR, period="Y", text="Dokumen ditetapkan")])
    with pytest.raises(Invalid) as err:
        record(s, ind, "Y", value=1)
    assert err.value.field == "achieved"
    record(s, ind, "Y", achieved=True)
    assert mon.achievement_for_indicator(s, ind, YEAR, "TW4", SETTINGS).summary()["achievement"] == 100.0
    record(s, ind, "Y", achieved=False)
    got = mon.achievement_for_indicator(s, ind, YEAR, "Y", SETTINGS).summary()
    assert got["achievement"] == 0.0
    assert got["status"] == "kritis"


@pytest.mark.parametrize("formula, expected", [("2T-R", 80.0), ("T/R", 10 / 12 * 100)])
def test_lower_is_better_follows_the_setting(s, build, formula, expected):
    ind = build.indicator(polarity="lower_is_better", accumulation="last", unit="hari", annual=10, quarters=None)
    record(s, ind, "TW1", value=12)
    got = mon.achievement_for_indicator(s, ind, YEAR, "TW1", Settings(lower_is_better_formula=formula))
    assert got.summary()["achievement"] == pytest.approx(expected)


def test_unreported_is_none_never_zero(s, build):
    ind = build.indicator()
    got = mon.achievement_for_indicator(s, ind, YEAR, "TW1", SETTINGS).summary()
    assert got["achievement"] is None
    assert got["status"] == "belum_dilaporkan"


def test_a_re_entry_replaces_the_value(s, build):
    ind = build.indicator()
    record(s, ind, "TW1", value=20, note="awal")
    row = record(s, ind, "TW1", value=22)
    assert row.value == 22 and row.note == "awal"
    assert len(s.exec(select(Realization)).all()) == 1
    assert mon.clear_realization(s, ind, YEAR, "TW1") is True
    assert mon.clear_realization(s, ind, YEAR, "TW1") is False


# ---------------------------------------------------------------- refused input

@pytest.mark.parametrize("kw, fld", [
    ({"value": "banyak"}, "value"),
    ({"value": True}, "value"),
    ({"value": [1]}, "value"),
    ({}, "value"),
    ({"value": -3}, "value"),
    ({"value": float("nan")}, "value"),
    ({"value": "1e400"}, "value"),
])
def test_bad_numbers_are_refused_with_the_field(s, build, kw, fld):
    ind = build.indicator()
    with pytest.raises(Invalid) as err:
        record(s, ind, "TW1", **kw)
    assert err.value.field == fld
    assert err.value.message


def test_negative_allowed_when_the_plan_itself_is_negative(s, build):
    ind = build.indicator(name="Pertumbuhan ekonomi", unit="%", accumulation="last", annual=-1.5, quarters=None)
    assert record(s, ind, "TW1", value="-2,1").value == pytest.approx(-2.1)


def test_percentage_above_the_bound_is_refused(s, build):
    ind = build.indicator(unit="%", accumulation="last", annual=90, quarters=None)
    record(s, ind, "TW1", value=1000)
    with pytest.raises(Invalid, match="tidak wajar") as err:
        record(s, ind, "TW2", value=1000.5)
    assert err.value.field == "value"


@pytest.mark.parametrize("kw, fld", [
    ({"numerator": 5, "denominator": 0}, "denominator"),
    ({"numerator": 5, "denominator": -2}, "denominator"),
    ({"numerator": 5}, "denominator"),
    ({"value": 80}, "numerator"),
    ({"numerator": -1, "denominator": 10}, "numerator"),
    ({"numerator": 200, "denominator": 10}, "numerator"),  # a ratio of 2.000 %
    ({"numerator": "lima", "denominator": 10}, "numerator"),
])
def test_bad_ratio_input_is_refused(s, build, kw, fld):
    ind = build.indicator(accumulation="ratio", unit="%", annual=80, quarters=None)
    with pytest.raises(Invalid) as err:
        record(s, ind, "TW1", **kw)
    assert err.value.field == fld


@pytest.mark.parametrize("year, period, fld", [(YEAR, "M01", "period"), (YEAR, "Y", "period"),
                                               (YEAR, "TW5", "period"), (YEAR + 1, "TW1", "year")])
def test_cell_outside_the_indicator_grid_is_refused(s, build, year, period, fld):
    ind = build.indicator()
    with pytest.raises(Invalid) as err:
        mon.record_realization(s, ind, year, period, value=1)
    assert err.value.field == fld


def test_annual_indicator_reports_on_y_only(s, build):
    ind = build.indicator(frequency="annual", quarters=None)
    with pytest.raises(Invalid):
        record(s, ind, "TW4", value=1)
    assert record(s, ind, "Y", value=90).period == "Y"


def test_evidence_url_is_checked_and_kept_once(s, build):
    ind = build.indicator()
    with pytest.raises(Invalid) as err:
        record(s, ind, "TW1", value=1, evidence_url="javascript:alert(1)")
    assert err.value.field == "evidence_url"
    record(s, ind, "TW1", value=1, evidence_url="https://drive.example.id/bukti.pdf")
    record(s, ind, "TW1", value=2, evidence_url="https://drive.example.id/bukti.pdf")
    links = s.exec(select(Evidence)).all()
    assert [(e.kind, e.url) for e in links] == [("link", "https://drive.example.id/bukti.pdf")]


# ---------------------------------------------------------------- verification

def test_verify_and_return(s, build):
    ind = build.indicator()
    record(s, ind, "TW1", value=20)
    row = mon.verify(s, ind, YEAR, "TW1", verified=True, user_id=None)
    assert row.status == "verified" and row.verified_at is not None
    with pytest.raises(Invalid) as err:
        mon.verify(s, ind, YEAR, "TW1", verified=False, note=" ")
    assert err.value.field == "note"
    row = mon.verify(s, ind, YEAR, "TW1", verified=False, note="Bukti dukung tidak terbaca")
    assert row.status == "returned" and row.review_note == "Bukti dukung tidak terbaca"
    row = record(s, ind, "TW1", value=21)  # a corrected value goes back to the reviewer
    assert row.status == "submitted" and row.verified_at is None


def test_verify_needs_a_submitted_value(s, build):
    ind = build.indicator()
    with pytest.raises(NotFound):
        mon.verify(s, ind, YEAR, "TW1", verified=True)
    record(s, ind, "TW1", value=20, draft=True)
    with pytest.raises(Conflict):
        mon.verify(s, ind, YEAR, "TW1", verified=True)


def test_drafts_and_returned_values_do_not_count(s, build):
    ind = build.indicator()
    record(s, ind, "TW1", value=20, draft=True)
    assert mon.achievement_for_indicator(s, ind, YEAR, "TW1", SETTINGS).summary()["achievement"] is None
    record(s, ind, "TW1", value=20)
    mon.verify(s, ind, YEAR, "TW1", verified=False, note="Angka tidak sesuai laporan")
    row = mon.achievement_for_indicator(s, ind, YEAR, "TW1", SETTINGS)
    assert row.summary()["achievement"] is None
    assert [(c.period, c.realization.status) for c in row.missing] == [("TW1", "returned")]


# ---------------------------------------------------------------- closed periods

def test_closed_period_is_read_only_until_reopened(s, build):
    ind = build.indicator()
    record(s, ind, "TW1", value=20)
    mon.close_period(s, build.plan, YEAR, "TW1")
    for attempt in (lambda: record(s, ind, "TW1", value=25),
                    lambda: mon.clear_realization(s, ind, YEAR, "TW1"),
                    lambda: mon.verify(s, ind, YEAR, "TW1", verified=True),
                    lambda: mon.save_narrative(s, ind, YEAR, "TW1", faktor_pendorong="x"),
                    lambda: mon.add_evidence_link(s, ind, YEAR, "TW1", "https://contoh.id/a")):
        with pytest.raises(Conflict) as err:
            attempt()
        assert err.value.field == "period"
    record(s, ind, "TW2", value=25)  # the next period stays open
    with pytest.raises(Conflict):
        mon.close_period(s, build.plan, YEAR, "TW1")
    lock = mon.reopen_period(s, build.plan, YEAR, "TW1", note="Koreksi data")
    assert (lock.closed, lock.reopen_note) == (False, "Koreksi data")
    assert record(s, ind, "TW1", value=25).value == 25
    mon.close_period(s, build.plan, YEAR, "TW1")  # and can be closed again
    assert mon.period_detail(s, ind, YEAR, "TW1").closed is True


def test_closing_a_quarter_closes_its_months_and_the_year_closes_all(s, build):
    monthly = build.indicator(frequency="monthly", quarters=None)
    mon.close_period(s, build.plan, YEAR, "TW1")
    with pytest.raises(Conflict):
        record(s, monthly, "M02", value=1)
    record(s, monthly, "M04", value=1)
    mon.close_period(s, build.plan, YEAR, "Y")
    with pytest.raises(Conflict):
        record(s, monthly, "M12", value=1)
    with pytest.raises(Conflict, match="Tahunan"):
        mon.reopen_period(s, build.plan, YEAR, "TW3")
    with pytest.raises(Conflict):
        mon.reopen_period(s, build.plan, YEAR, "S2")


def test_periods_are_closed_on_the_renja_year_only(s, build):
    with pytest.raises(Invalid) as err:
        mon.close_period(s, build.plan, YEAR - 1, "TW1")
    assert err.value.field == "year"
    with pytest.raises(Invalid):
        mon.close_period(s, build.plan, YEAR, "Q1")


# ---------------------------------------------------------------- narrative and follow-up

def test_narrative_and_follow_ups(s, build):
    ind = build.indicator()
    mon.save_narrative(s, ind, YEAR, "TW1", faktor_pendorong=" Dukungan pimpinan ", faktor_penghambat="Cuaca")
    mon.save_narrative(s, ind, YEAR, "TW1", faktor_pendorong="Dukungan pimpinan", faktor_penghambat="Banjir")
    fu = mon.add_follow_up(s, ind, YEAR, "TW1", FollowUpCreate(action="Percepat pengadaan", owner="PPK",
                                                               due_date="2026-07-15"))
    detail = mon.period_detail(s, ind, YEAR, "TW1")
    assert (detail.narrative.faktor_pendorong, detail.narrative.faktor_penghambat) == ("Dukungan pimpinan", "Banjir")
    assert [(f.action, f.owner, f.due_date, f.done) for f in detail.follow_ups] == [
        ("Percepat pengadaan", "PPK", date(2026, 7, 15), False)]
    mon.close_period(s, build.plan, YEAR, "TW1")
    # follow-ups are carried out after their period: marking them done stays possible
    fu = mon.update_follow_up(s, fu, FollowUpUpdate(done=True))
    assert fu.done and fu.done_at is not None
    fu = mon.update_follow_up(s, fu, FollowUpUpdate(due_date=None))
    assert fu.due_date is None and fu.action == "Percepat pengadaan"
    with pytest.raises(Conflict):
        mon.add_follow_up(s, ind, YEAR, "TW1", FollowUpCreate(action="Tambahan"))
    with pytest.raises(Conflict):
        mon.delete_follow_up(s, fu)


# ---------------------------------------------------------------- settings

@pytest.mark.parametrize("config, expected", [
    ({}, Settings()),
    ({"LOWER_IS_BETTER_FORMULA": "T/R", "TOLERANCE": "10", "ROLLUP_CAP": "110"},
     Settings(lower_is_better_formula="T/R", tolerance=10.0, rollup_cap=110.0)),
    ({"ROLLUP_CAP": "None"}, Settings()),
    ({"ROLLUP_CAP": 120}, Settings(rollup_cap=120.0)),
])
def test_settings_from_config(config, expected):
    # The install default names itself in explanations (methodology §9).
    assert mon.settings_from_config(config) == replace(expected, source="bawaan instalasi")


@pytest.mark.parametrize("config", [{"ROLLUP_CAP": "150"}, {"ROLLUP_CAP": "banyak"},
                                    {"LOWER_IS_BETTER_FORMULA": "R/T"}, {"TOLERANCE": "-1"}])
def test_bad_settings_fail_at_start_up(config):
    with pytest.raises(ValueError):
        mon.settings_from_config(config)
