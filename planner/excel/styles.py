"""Cell styles through a memo per workbook (issue 12).

openpyxl finds every assigned Font, Border, Fill or Alignment in the workbook's style lists by hashing it, and
the hash is recursive (a border hashes its four sides): that took ~40 % of a small plan's Excel export. A cell
that gets the same assignments from the same starting style (``cell._style``, the indices into those lists)
ends with the same indices, so the first such cell is styled the slow way and the others copy its indices.

Style objects are known by identity (module constants in practice). The memo keeps every object it saw alive,
so an identity is never reused for another object while the memo lives: a new object can only miss the memo,
never receive another object's style. One ``Styler`` serves one workbook (the indices are the workbook's)."""
from __future__ import annotations

from copy import copy

from openpyxl.cell.cell import Cell

_BY_VALUE = (str, int, float, bool, type(None))  # number formats and flags: compared by value


class Styler:
    def __init__(self):
        self._done: dict[tuple, tuple] = {}

    def __call__(self, cell: Cell, **style) -> Cell:
        """``setattr(cell, name, value)`` for each of ``style``, in that order, as openpyxl would."""
        key = (tuple(cell._style or ()),  # a cell not styled yet has None
               tuple((k, v if isinstance(v, _BY_VALUE) else id(v)) for k, v in style.items()))
        done = self._done.get(key)
        if done is None:
            for k, v in style.items():
                setattr(cell, k, v)
            self._done[key] = (copy(cell._style), tuple(style.values()))  # the objects stay alive with their ids
        else:
            cell._style = copy(done[0])
        return cell
