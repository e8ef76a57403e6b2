#!/usr/bin/env python
"""Regenerate the message catalogues: ``python scripts/i18n.py`` (see docs/i18n.md).

1. ``pybabel extract`` collects ``_()`` / ``gettext()`` strings of the templates and of the Python code
   (``babel.cfg``) into ``build/messages.pot``;
2. the values of the label dictionaries the UI shows (``LEVEL_LABELS``, ``ROLES``, period names, ...)
   are added to that template: they are data, translated at display time by the ``t`` filter, so
   babel cannot find them in the source;
3. every ``planner/translations/<lang>/LC_MESSAGES/messages.po`` is updated from the template (new
   strings come in with an empty translation, strings no longer used are dropped);
4. each catalogue is compiled to the ``messages.mo`` next to it (committed: a fresh install needs no
   build step).

Indonesian is the source language: the msgids are the Indonesian texts, and there is no ``id`` catalogue.
``--check`` changes nothing and fails when a catalogue is out of date, lacks a translation, or its
``.mo`` does not match its ``.po`` (for CI).
"""
from __future__ import annotations

import argparse
import contextlib
import importlib
import importlib.util
import io
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path
from types import SimpleNamespace

from babel.messages.catalog import Catalog
from babel.messages.frontend import CommandLineInterface
from babel.messages.mofile import read_mo, write_mo
from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
TRANSLATIONS = ROOT / "planner" / "translations"
POT = ROOT / "build" / "messages.pot"
WIDTH = 120

# (module, dictionaries whose values the UI shows); a tuple of (key, label, ...) rows counts too.
LABEL_DICTIONARIES = [
    ("planner.models.plan", ["PLAN_STATUSES", "LEVEL_LABELS", "POLARITY_LABELS", "ACCUMULATION_LABELS",
                             "TARGET_TYPE_LABELS", "FREQUENCY_LABELS", "ACTIVITY_TYPE_LABELS"]),
    ("planner.models.workflow", ["SCHEDULE_KINDS"]),
    ("planner.models.org", ["ORG_KINDS"]),
    ("planner.models.auth", ["ROLES"]),
    ("planner.models.monitoring", ["REALIZATION_STATUSES"]),
    ("planner.models.worksheet", ["STEP_TITLES", "STAKEHOLDER_GROUPS", "NEED_METHODS", "CAPACITY_ASPECTS",
                                  "COMPONENT_GROUPS", "COMPONENT_LABELS", "STANDARD_STATES", "CONSTRAINT_ASPECTS",
                                  "SUCCESS_DIMENSIONS", "MEASURING_METHODS", "RESOURCE_CATEGORIES",
                                  "RESOURCE_SOURCES", "PARTNER_KINDS", "COMPLAINT_ASPECTS", "COMPLAINT_CHANNELS"]),
    ("planner.calc.achievement", ["STATUS_LABELS"]),
    ("planner.services.audit_view", ["ACTIONS", "OBJECTS", "FIELDS"]),
    ("planner.services.workflow", ["ACTION_LABELS"]),
    ("planner.services.monitoring", ["MONITORING_STATUS_LABELS"]),
    ("planner.services.worksheet", ["RULES"]),
    ("planner.web.monitoring", ["MISSING_REASONS"]),
    ("planner.models.action_plan", ["STEP_STATUSES"]),
    ("planner.models.evaluation_round", ["ROUND_STATUSES", "VISIT_KINDS", "UNIT_TYPES"]),  # issue 18
    ("planner.calc.evaluation_rounds", ["GROUPS", "FOLLOW_UP_STATES"]),
    ("planner.calc.schedule", ["STATE_LABELS", "FLAG_LABELS"]),
    ("planner.calc.checks", ["SEVERITY_LABELS", "GROUPS"]),  # plan checks (issue 15)
    ("planner.services.cascade", ["STATUS_LABELS"]),
    ("planner.models.training", ["ASSIGNMENT_STATUSES", "FEEDBACK_KINDS"]),  # training mode (issue 16)
    ("planner.calc.training", ["EXPECTATION_KINDS"]),
]
# The level labels the first migration seeds (admins may rename a level: a new name shows as typed).
SCHEME_MIGRATION = ROOT / "migrations" / "versions" / "0001_plan_hierarchy_organisations_accounts.py"


def _source(module: str) -> str:
    return str(Path(importlib.import_module(module).__file__).relative_to(ROOT))


def label_messages() -> Iterator[tuple[str, str, str]]:
    """(Indonesian label, source file, what it is) for every label the UI translates with ``t``."""
    for module, names in LABEL_DICTIONARIES:
        mod = importlib.import_module(module)
        for name in names:
            for value in getattr(mod, name).values():
                yield value, _source(module), f"{module}.{name}"
    from planner import periods
    from planner.calc import bands
    from planner.models.plan import Plan

    for code in periods.ALL:
        yield periods.label(code), _source("planner.periods"), f"planner.periods.label({code!r})"
        yield periods.short_label(code), _source("planner.periods"), f"planner.periods.short_label({code!r})"
    for kind in ("renstra", "renja"):
        yield Plan.kind_label.fget(SimpleNamespace(kind=kind)), _source("planner.models.plan"), "Plan.kind_label"
    for p in bands.PREDIKATS:
        yield p.name, _source("planner.calc.bands"), "planner.calc.bands.PREDIKATS"
    spec = importlib.util.spec_from_file_location("planner_migration_0001", SCHEME_MIGRATION)
    migration = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(migration)
    for key, _name, levels in migration.SCHEMES:
        for level in levels:
            where = str(SCHEME_MIGRATION.relative_to(ROOT))
            yield level[1], where, f"scheme level {key}/{level[0]}"
            # the tree's "+ Sasaran" button shows the label's first word
            yield level[1].split(" ")[0], where, f"first word of scheme level {key}/{level[0]}"


def build_template(pot: Path) -> Catalog:
    """Steps 1 and 2: the template of every message, written to ``pot``."""
    pot.parent.mkdir(parents=True, exist_ok=True)
    with contextlib.chdir(ROOT):  # babel.cfg's paths, and the locations in the catalogue, are relative to ROOT
        CommandLineInterface().run([
            "pybabel", "-q", "extract", "-F", "babel.cfg", "-o", str(pot.resolve()), "--project", "Planner",
            "--add-location", "file", "--width", str(WIDTH), ".",
        ])
    with pot.open("rb") as f:
        template = read_po(f)
    for msgid, source, what in label_messages():
        if msgid in template:
            message = template[msgid]
            message.locations = list(dict.fromkeys([*message.locations, (source, None)]))
            message.auto_comments = list(dict.fromkeys([*message.auto_comments, what]))
        else:
            template.add(msgid, locations=[(source, None)], auto_comments=[what])
    with pot.open("wb") as f:
        write_po(f, template, width=WIDTH, include_lineno=False)
    return template


def catalogues() -> list[Path]:
    return sorted(TRANSLATIONS.glob("*/LC_MESSAGES/messages.po"))


def updated(po: Path, template: Catalog) -> bytes:
    """Step 3: the .po as it should read after an update from ``template``."""
    with po.open("rb") as f:
        catalog = read_po(f, locale=po.parent.parent.name)
    catalog.update(template, no_fuzzy_matching=True, update_creation_date=False)
    out = io.BytesIO()
    write_po(out, catalog, width=WIDTH, include_lineno=False, ignore_obsolete=True)
    return out.getvalue()


def compiled(po_bytes: bytes, locale: str) -> tuple[Catalog, bytes]:
    """Step 4: the .mo of a .po; placeholder mistakes (``%(year)s`` lost in translation) fail."""
    catalog = read_po(io.BytesIO(po_bytes), locale=locale)
    problems = [f"{msg.id!r}: {err}" for msg, errors in catalog.check() for err in errors]
    if problems:
        raise SystemExit("Translation errors:\n  " + "\n  ".join(problems))
    out = io.BytesIO()
    write_mo(out, catalog)
    return catalog, out.getvalue()


def same_messages(mo_bytes: bytes, other: bytes) -> bool:
    def pairs(data: bytes) -> dict:
        return {(m.context, m.id): m.string for m in read_mo(io.BytesIO(data)) if m.id}
    return pairs(mo_bytes) == pairs(other)


def untranslated(catalog: Catalog) -> list[str]:
    return [m.id for m in catalog if m.id and (not m.string or m.fuzzy)]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--check", action="store_true", help="change nothing; fail when anything is out of date")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        template = build_template(Path(tmp) / "messages.pot" if args.check else POT)
    print(f"{len(template)} messages in the template" + ("" if args.check else f" ({POT.relative_to(ROOT)})"))
    failed = False
    for po in catalogues():
        locale, mo = po.parent.parent.name, po.with_suffix(".mo")
        new_po = updated(po, template)
        catalog, new_mo = compiled(new_po, locale)
        missing = untranslated(catalog)
        po_stale = new_po != po.read_bytes()
        mo_stale = not mo.exists() or not same_messages(mo.read_bytes(), new_mo)
        if args.check:
            for stale, path in ((po_stale, po), (mo_stale, mo)):
                if stale:
                    print(f"{path.relative_to(ROOT)} is out of date: run python scripts/i18n.py")
            failed |= po_stale or mo_stale
        else:
            if po_stale:
                po.write_bytes(new_po)
            if mo_stale:
                mo.write_bytes(new_mo)
            print(f"{locale}: {po.relative_to(ROOT)} {'updated' if po_stale else 'unchanged'}, "
                  f"{mo.name} {'compiled' if mo_stale else 'unchanged'}")
        if missing:
            failed = True
            print(f"{locale}: {len(missing)} message(s) without a translation (fill them in {po.relative_to(ROOT)}):")
            for msgid in missing[:40]:
                print(f"  {msgid!r}")
            if len(missing) > 40:
                print(f"  … and {len(missing) - 40} more")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
