"""A form: title lines, identity lines, a table with a multi-row header, footer lines and signatures."""
from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class Head:
    text: str
    colspan: int = 1
    rowspan: int = 1


@dataclass
class Column:
    width: int = 12
    kind: str = "text"  # text | number | money | percent | int


@dataclass
class Line:
    values: list
    style: str = ""  # "" | "group" (a heading row spanning the table) | "total"
    indent: int = 0  # the depth of the name in the first text column that carries it


@dataclass
class Signatory:
    place_date: str
    role: str
    name: str = "(........................................)"
    id_line: str = "NIP. ....................................."


@dataclass
class Form:
    key: str
    sheet: str  # worksheet name (≤ 31 characters)
    title: list[str]
    header: list[list[Head]]
    columns: list[Column]
    rows: list[Line]
    meta: list[tuple[str, str]] = field(default_factory=list)
    intro: list[str] = field(default_factory=list)  # paragraphs above the table (Perjanjian Kinerja)
    footer: list[tuple[str, str]] = field(default_factory=list)
    signatures: list[Signatory] = field(default_factory=list)
    numbered: bool = True  # a row "1 2 3 ..." under the header, as official forms have
    paper: str = "A4"  # A4 | F4
    name_column: int = 1  # 0-based column whose text is indented by depth

    @property
    def width(self) -> int:
        return len(self.columns)
