"""Training mode: how a trainee's draft meets a case's expectations, the feedback score, time spent and
quiz scores. Pure: plain data in, plain data out (the service reads the draft; ``docs/training.md``
explains the score).

The feedback score (0–100) weighs two things the module teaches:

* the plan checks' quality score (``planner.calc.checks``), worth ``CHECK_WEIGHT`` of the score, counted
  only once the draft has at least one indicator (an empty plan breaks no rule but is not a good plan);
* the share of the case's expectations the draft meets (stakeholder groups, standard components,
  indicators of the right level, activities that should appear), worth the rest, each expectation by
  its weight.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from typing import Iterable, Optional

CHECK_WEIGHT = 0.4
IDLE_CAP_SECONDS = 300  # a pause longer than this is not counted as time spent on the case
EXPECTATION_KINDS = {
    "stakeholder": "Kelompok pemangku kepentingan",
    "component": "Komponen standar pelayanan",
    "indicator": "Indikator",
    "activity": "Kegiatan",
}
# The module's chapter each plan-check group practises (hints point there).
CHAPTER_OF_GROUP = {
    "struktur": "BAB III.A.3 — Hierarki indikator kinerja",
    "metadata": "BAB III.A.2 — Indikator kinerja kegiatan (delapan hal penting)",
    "target": "BAB III.A.2 — Indikator kinerja kegiatan: target dan satuan",
    "kriteria": "BAB III.A.4 — Kriteria kegiatan dan rumusan output",
}


# Rules a sandbox draft cannot satisfy when the case gives no Renstra to serve (S03: serves a Renstra sasaran).
NEEDS_RENSTRA = ("S03",)


def rules_for_draft(codes: Iterable[str], has_renstra: bool) -> list[str]:
    """The plan-check rules that judge a trainee's draft: all, less those that need a Renstra it does not have."""
    return [c for c in codes if has_renstra or c not in NEEDS_RENSTRA]


@dataclass(frozen=True)
class Expectation:
    id: str
    kind: str  # one of EXPECTATION_KINDS
    label: str
    any_of: tuple[str, ...]  # keywords (all words of one keyword must appear) or component keys
    chapter: str = ""
    hint: str = ""
    level: Optional[str] = None  # indicator: input | output | outcome | impact
    node_kind: Optional[str] = None  # activity: program | kegiatan | sub_kegiatan | kro | ro
    weight: float = 1.0

    @classmethod
    def from_dict(cls, d: dict) -> "Expectation":
        return cls(id=str(d["id"]), kind=str(d["kind"]), label=str(d.get("label") or d["id"]),
                   any_of=tuple(str(k) for k in d.get("any_of") or ()), chapter=str(d.get("chapter") or ""),
                   hint=str(d.get("hint") or ""), level=d.get("level") or None, node_kind=d.get("node_kind") or None,
                   weight=float(d.get("weight", 1.0)))


@dataclass(frozen=True)
class Draft:
    """What a trainee has written so far, as plain text."""

    nodes: tuple[tuple[str, str], ...] = ()  # (kind, name)
    indicators: tuple[tuple[str, str], ...] = ()  # (level, name)
    stakeholders: tuple[str, ...] = ()  # worksheet step 1 rows: service, stakeholder and need as one text
    components: frozenset[str] = frozenset()  # worksheet step 2 component keys with content


@dataclass(frozen=True)
class ExpectationResult:
    expectation: Expectation
    met: bool
    evidence: str = ""  # the name that met it


@dataclass
class TrainingScore:
    score: float
    check_part: float
    expectation_part: float
    met: int
    total: int
    results: list[ExpectationResult] = field(default_factory=list)

    @property
    def unmet(self) -> list[ExpectationResult]:
        return [r for r in self.results if not r.met]


def _words(text: str) -> set[str]:
    return set(re.findall(r"[a-z0-9]+", text.lower()))


def matches(keyword: str, text: str) -> bool:
    """Every word of ``keyword`` appears in ``text`` (case and punctuation ignored)."""
    wanted = _words(keyword)
    return bool(wanted) and wanted <= _words(text)


def _first_match(keywords: Iterable[str], texts: Iterable[str]) -> str:
    texts = list(texts)
    for text in texts:
        if any(matches(k, text) for k in keywords):
            return text
    return ""


def evaluate(expectation: Expectation, draft: Draft) -> ExpectationResult:
    e = expectation
    if e.kind == "component":
        found = sorted(set(e.any_of) & draft.components)
        return ExpectationResult(e, bool(found), ", ".join(found))
    if e.kind == "stakeholder":
        texts = draft.stakeholders
    elif e.kind == "indicator":
        texts = [name for level, name in draft.indicators if e.level is None or level == e.level]
    elif e.kind == "activity":
        texts = [name for kind, name in draft.nodes if e.node_kind is None or kind == e.node_kind]
    else:
        raise ValueError(f"unknown expectation kind {e.kind!r}")
    found = _first_match(e.any_of, texts)
    return ExpectationResult(e, bool(found), found)


def training_score(check_score: float, draft: Draft, expectations: Iterable[Expectation]) -> TrainingScore:
    """The feedback score of a draft: the checks' score (once there is something to check) and the share of
    the expectations met, by weight."""
    results = [evaluate(e, draft) for e in expectations]
    total_weight = sum(r.expectation.weight for r in results)
    met_weight = sum(r.expectation.weight for r in results if r.met)
    expectation_part = 100.0 * met_weight / total_weight if total_weight else 100.0
    check_part = check_score if draft.indicators else 0.0
    score = CHECK_WEIGHT * check_part + (1 - CHECK_WEIGHT) * expectation_part
    return TrainingScore(round(score, 1), round(check_part, 1), round(expectation_part, 1),
                         sum(1 for r in results if r.met), len(results), results)


def add_active_time(active_seconds: int, last_seen: Optional[datetime], now: datetime,
                    idle_cap: int = IDLE_CAP_SECONDS) -> int:
    """Time spent grows by the gap since the trainee was last seen working, at most ``idle_cap``."""
    if last_seen is None:
        return active_seconds
    gap = (now - last_seen).total_seconds()
    return active_seconds + int(min(max(gap, 0), idle_cap))


def duration_label(seconds: int) -> str:
    """``1 j 05 m`` or ``12 m``: time spent as a class view shows it."""
    minutes = seconds // 60
    hours, minutes = divmod(minutes, 60)
    return f"{hours} j {minutes:02d} m" if hours else f"{minutes} m"


@dataclass(frozen=True)
class QuizResult:
    correct: int
    total: int
    score: float
    wrong: tuple[int, ...]  # numbers of the questions answered wrongly (or not at all)


def score_quiz(answer_key: dict[int, str], answers: dict[int, str]) -> QuizResult:
    """One chapter's exercises: the share answered right, 0–100."""
    wrong = tuple(n for n in sorted(answer_key) if answers.get(n) != answer_key[n])
    total = len(answer_key)
    correct = total - len(wrong)
    return QuizResult(correct, total, round(100.0 * correct / total, 1) if total else 0.0, wrong)
