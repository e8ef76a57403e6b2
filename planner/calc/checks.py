"""Plan checks: read a plan the way the LAN module teaches and say what is wrong, where and why.

Pure: it takes plain data (:class:`PlanData`) and returns a :class:`CheckReport`; no Flask, no
database. The service ``planner.services.checks`` builds the plain data from a stored plan; the
training mode builds it from a trainee's draft. One entry point: ``run_checks(plan_data)``.

Each rule has a code (``S01`` …), a group (struktur, metadata, target, kriteria), a severity
(``error`` | ``warning`` | ``info``) and an Indonesian message that gives the reason. The rules
themselves live in :mod:`planner.calc.check_rules`; this module holds the data shapes, the score
and the runner. The score is explained in ``docs/checks.md``.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable, Iterable, Optional

ERROR, WARNING, INFO = "error", "warning", "info"
SEVERITIES = (ERROR, WARNING, INFO)
SEVERITY_LABELS = {ERROR: "Galat", WARNING: "Peringatan", INFO: "Catatan"}
# What one finding costs its subject in the group score; a subject loses at most 1 (its whole share).
PENALTY = {ERROR: 1.0, WARNING: 0.5, INFO: 0.1}

GROUPS = {
    "struktur": "Struktur",
    "metadata": "Metadata indikator",
    "target": "Target",
    "kriteria": "Kriteria modul",
}
# The plan score is the weighted mean of the group scores.
GROUP_WEIGHTS = {"struktur": 30, "metadata": 20, "target": 25, "kriteria": 25}


# ---------------------------------------------------------------- the plain data

@dataclass(frozen=True)
class TargetData:
    year: int
    period: str = "Y"
    value: Optional[float] = None
    lower: Optional[float] = None
    upper: Optional[float] = None
    text: Optional[str] = None

    @property
    def kind(self) -> str:
        if self.lower is not None and self.upper is not None:
            return "range"
        if self.value is not None:
            return "number"
        if self.text and self.text.strip():
            return "qualitative"
        return "none"

    @property
    def number(self) -> Optional[float]:
        """The figure a trend or a sum reads: the value, or a range's midpoint."""
        if self.kind == "range":
            return (self.lower + self.upper) / 2
        return self.value

    def same_as(self, other: "TargetData") -> bool:
        if self.kind != other.kind:
            return False
        if self.kind == "range":
            return _close(self.lower, other.lower) and _close(self.upper, other.upper)
        if self.kind == "number":
            return _close(self.value, other.value)
        return (self.text or "").strip().lower() == (other.text or "").strip().lower()

    @property
    def label(self) -> str:
        if self.kind == "range":
            return f"{_fmt(self.lower)}–{_fmt(self.upper)}"
        if self.kind == "number":
            return _fmt(self.value)
        return (self.text or "—").strip()


@dataclass
class IndicatorData:
    id: int
    name: str
    node_id: int
    level: str = "output"
    unit: str = ""
    code: Optional[str] = None
    definition: str = ""
    formula: str = ""
    data_source: str = ""
    responsible: str = ""
    frequency: str = "quarterly"
    baseline_value: Optional[float] = None
    baseline_text: Optional[str] = None
    polarity: str = "higher_is_better"
    accumulation: str = "last"
    target_type: str = "number"
    targets: list[TargetData] = field(default_factory=list)
    # A Renja indicator's counterpart in the Renstra: its target for the Renja's year
    # (None when the counterpart has none), and whether a counterpart exists at all.
    renstra_counterpart: bool = False
    renstra_target: Optional[TargetData] = None
    # A Renstra indicator's end-of-period target (kondisi akhir), when the plan records one.
    end_target: Optional[TargetData] = None

    def target(self, year: int, period: str = "Y") -> Optional[TargetData]:
        return next((t for t in self.targets if t.year == year and t.period == period and t.kind != "none"), None)


@dataclass
class WorksheetState:
    done: int
    total: int


@dataclass
class NodeData:
    id: int
    code: str
    name: str
    kind: str
    parent_id: Optional[int] = None
    activity_type: Optional[str] = None
    unit_in_charge: str = ""
    description: str = ""
    pagu: Optional[float] = None
    # The Renstra sasaran this node serves (its code), for a Renja; None when it serves none.
    serves: Optional[str] = None
    indicators: list[IndicatorData] = field(default_factory=list)
    worksheet: Optional[WorksheetState] = None


@dataclass
class LevelData:
    kind: str
    label: str
    depth: int
    strategic: bool = False
    code_pattern: str = ""
    code_example: str = ""
    prefix_from_parent: bool = False


@dataclass
class PlanData:
    """A plan as the rules read it. ``nodes`` in tree order (a parent before its children)."""

    kind: str  # renstra | renja
    first_year: int
    last_year: int
    levels: list[LevelData]
    nodes: list[NodeData]
    id: Optional[int] = None
    has_renstra: bool = False  # a Renja that follows a Renstra
    # Stable keys of acknowledged findings (``finding_key``) with their reasons.
    acknowledged: dict[str, str] = field(default_factory=dict)
    _children: dict = field(default_factory=dict, init=False, repr=False)
    _by_id: dict = field(default_factory=dict, init=False, repr=False)

    def __post_init__(self) -> None:
        self.index()

    def index(self) -> None:
        self._by_id = {n.id: n for n in self.nodes}
        self._children = {}
        for n in self.nodes:
            self._children.setdefault(n.parent_id, []).append(n)

    def node(self, node_id: Optional[int]) -> Optional[NodeData]:
        return self._by_id.get(node_id)

    def children(self, node_id: Optional[int]) -> list[NodeData]:
        return self._children.get(node_id, [])

    def subtree(self, node_id: int) -> Iterable[NodeData]:
        stack = list(reversed(self.children(node_id)))
        while stack:
            n = stack.pop()
            yield n
            stack.extend(reversed(self.children(n.id)))

    def ancestors(self, node: NodeData) -> list[NodeData]:
        out, cur = [], self.node(node.parent_id)
        while cur is not None:
            out.append(cur)
            cur = self.node(cur.parent_id)
        return out

    def level(self, kind: str) -> Optional[LevelData]:
        return next((lv for lv in self.levels if lv.kind == kind), None)

    def indicators(self) -> Iterable[tuple[NodeData, IndicatorData]]:
        for n in self.nodes:
            for ind in n.indicators:
                yield n, ind

    @property
    def year(self) -> int:
        return self.first_year


# ---------------------------------------------------------------- findings and the report

@dataclass
class Finding:
    rule: str
    severity: str
    message: str
    node_id: Optional[int] = None
    indicator_id: Optional[int] = None
    # What the finding is about, stable across versions of the plan (codes, not ids).
    subject: str = ""
    acknowledged: bool = False
    ack_reason: str = ""

    @property
    def group(self) -> str:
        return RULES[self.rule].group

    @property
    def key(self) -> str:
        return finding_key(self.rule, self.subject)

    @property
    def title(self) -> str:
        return RULES[self.rule].title

    def as_dict(self) -> dict:
        return {"rule": self.rule, "severity": self.severity, "node_id": self.node_id,
                "indicator_id": self.indicator_id, "message": self.message, "acknowledged": self.acknowledged,
                "group": self.group, "title": self.title, "subject": self.subject,
                "ack_reason": self.ack_reason or None}


def finding_key(rule: str, subject: str) -> str:
    return f"{rule}:{subject}"


def node_subject(node: NodeData) -> str:
    return f"node:{node.kind}:{node.code}"


def indicator_subject(node: NodeData, ind: IndicatorData) -> str:
    """An indicator's code is unique in a plan; without one, its node's code and its name."""
    return f"indicator:{ind.code}" if ind.code else f"indicator:{node.code}/{ind.name.strip().lower()}"


@dataclass
class GroupScore:
    key: str
    label: str
    score: float
    subjects: int
    findings: int


@dataclass
class CheckReport:
    findings: list[Finding]
    score: float
    groups: dict[str, GroupScore]
    _cache: dict = field(default_factory=dict, repr=False)

    def counts(self, include_acknowledged: bool = False) -> dict[str, int]:
        out = {sev: 0 for sev in SEVERITIES}
        for f in self.findings:
            if include_acknowledged or not f.acknowledged:
                out[f.severity] += 1
        return out

    @property
    def open_findings(self) -> list[Finding]:
        return [f for f in self.findings if not f.acknowledged]

    @property
    def has_errors(self) -> bool:
        return any(f.severity == ERROR and not f.acknowledged for f in self.findings)

    def by_node(self) -> dict[int, list[Finding]]:
        """Open findings by the node they sit on (an indicator's findings sit on its node too)."""
        return self._grouped("node_id")

    def by_indicator(self) -> dict[int, list[Finding]]:
        return self._grouped("indicator_id")

    def _grouped(self, attr: str) -> dict[int, list[Finding]]:
        if attr not in self._cache:  # templates ask once per row
            out: dict[int, list[Finding]] = {}
            for f in self.open_findings:
                if getattr(f, attr) is not None:
                    out.setdefault(getattr(f, attr), []).append(f)
            self._cache[attr] = out
        return self._cache[attr]

    def as_dict(self) -> dict:
        return {"score": self.score,
                "groups": {k: {"label": g.label, "score": g.score, "subjects": g.subjects, "findings": g.findings,
                               "weight": GROUP_WEIGHTS[k]} for k, g in self.groups.items()},
                "counts": self.counts(),
                "findings": [f.as_dict() for f in self.findings]}


# ---------------------------------------------------------------- rules registry

@dataclass(frozen=True)
class Rule:
    code: str
    group: str
    title: str
    subject: str  # "node" | "indicator": what ``node_or_indicator_id`` names when acknowledging
    check: Callable[[PlanData], Iterable[Finding]]


RULES: dict[str, Rule] = {}

# The basic checks a plan passes before it goes to review (issue #11): without an annual target, or with a
# quantitative indicator that has no number or unit, achievement cannot be computed at all. The other
# rules are findings the reviewer weighs; these stop the submission while an error of theirs is open.
SUBMISSION_RULES = ("T01", "K03")


def rule(code: str, group: str, title: str, subject: str):
    """Register a rule function ``(plan) -> findings``."""
    def register(fn):
        RULES[code] = Rule(code, group, title, subject, fn)
        return fn
    return register


def _subjects(plan: PlanData, group: str) -> int:
    """How many things a group reads: nodes for structure, indicators for metadata and targets,
    both for the module's criteria."""
    n_nodes = len(plan.nodes)
    n_inds = sum(len(n.indicators) for n in plan.nodes)
    return {"struktur": n_nodes, "metadata": n_inds, "target": n_inds}.get(group, n_nodes + n_inds)


def score(plan: PlanData, findings: list[Finding]) -> tuple[float, dict[str, GroupScore]]:
    """Group score = 100 × (1 − Σ over subjects of min(1, Σ penalties) / subjects read); acknowledged
    findings cost nothing. Plan score = the weighted mean of the group scores (docs/checks.md)."""
    groups: dict[str, GroupScore] = {}
    for key, label in GROUPS.items():
        lost: dict[str, float] = {}
        mine = [f for f in findings if f.group == key]
        for f in mine:
            if not f.acknowledged:
                lost[f.subject] = min(1.0, lost.get(f.subject, 0.0) + PENALTY[f.severity])
        subjects = _subjects(plan, key)
        value = 100.0 if subjects == 0 else max(0.0, 100.0 * (1 - sum(lost.values()) / subjects))
        groups[key] = GroupScore(key, label, round(value, 1), subjects, len(mine))
    total = sum(GROUP_WEIGHTS[k] * g.score for k, g in groups.items()) / sum(GROUP_WEIGHTS.values())
    return round(total, 1), groups


def run_checks(plan: PlanData, only: Iterable[str] | None = None) -> CheckReport:
    """Every rule (or the ``only`` ones) over the plan, acknowledgements applied, with the score."""
    plan.index()
    findings: list[Finding] = []
    for code, r in RULES.items():
        if only is not None and code not in only:
            continue
        for f in r.check(plan):
            reason = plan.acknowledged.get(f.key)
            if reason is not None:
                f.acknowledged, f.ack_reason = True, reason
            findings.append(f)
    order = {s: i for i, s in enumerate(SEVERITIES)}
    findings.sort(key=lambda f: (order[f.severity], f.rule))
    total, groups = score(plan, findings)
    return CheckReport(findings=findings, score=total, groups=groups)


# ---------------------------------------------------------------- small helpers shared by the rules

def _close(a: Optional[float], b: Optional[float]) -> bool:
    if a is None or b is None:
        return a is b
    return abs(a - b) <= 1e-6 * max(1.0, abs(a), abs(b))


def _fmt(x: Optional[float]) -> str:
    """Indonesian number text for messages (1.234,5), without importing the formatting module's
    rounding rules: messages quote what was typed."""
    if x is None:
        return "—"
    if float(x).is_integer():
        return f"{int(x):,}".replace(",", ".")
    whole, _, frac = f"{x:,.4f}".rstrip("0").partition(".")
    return whole.replace(",", ".") + ("," + frac if frac else "")


# The rules register themselves in RULES when their module is imported. Importing it here, once this module's
# names exist, means whoever sees RULES sees every rule: the trainee's feedback picks its rules from RULES before
# running them, and a lazy import inside ``run_checks`` left that list empty for a process's first feedback.
from planner.calc import check_rules  # noqa: E402,F401

