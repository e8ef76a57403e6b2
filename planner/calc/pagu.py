"""Pagu of the plan tree's upper rows (issue #11): a program or sasaran shows the sum of its activities,
and where it carries a pagu of its own, whether the two agree.

A node's amount for its parent is its own pagu when set, else the sum of its children's: an activity
budgeted at kegiatan level is not counted again through its sub kegiatan.
"""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Iterable

from .bands import to_decimal


@dataclass(frozen=True)
class PaguSum:
    own: Decimal | None  # the pagu written on the node
    below: Decimal | None  # the sum of its children's amounts; None when no child has one

    @property
    def amount(self) -> Decimal | None:
        """What the node counts for in its parent's sum."""
        return self.own if self.own is not None else self.below

    @property
    def difference(self) -> Decimal | None:
        """Own pagu minus the sum below, when both exist and differ (flagged on the tree)."""
        if self.own is None or self.below is None or self.own == self.below:
            return None
        return self.own - self.below


def pagu_sums(nodes: Iterable[tuple[int, int | None, object]]) -> dict[int, PaguSum]:
    """``nodes`` are (id, parent id, pagu or None), any order; every node gets its own pagu and the sum below."""
    rows = list(nodes)
    children: dict[int | None, list[int]] = {}
    own = {}
    for node_id, parent_id, pagu in rows:
        children.setdefault(parent_id, []).append(node_id)
        own[node_id] = None if pagu is None else to_decimal(pagu)
    out: dict[int, PaguSum] = {}

    def visit(node_id: int) -> PaguSum:
        amounts = [visit(c).amount for c in children.get(node_id, [])]
        amounts = [a for a in amounts if a is not None]
        out[node_id] = PaguSum(own[node_id], sum(amounts, Decimal(0)) if amounts else None)
        return out[node_id]

    ids = set(own)
    for node_id, parent_id, _ in rows:
        if parent_id is None or parent_id not in ids:
            visit(node_id)
    return out
