"""``planner check --org CODE --year YEAR [--json]``: the plan checks from the command line.

Exit code 1 when an open (not acknowledged) finding has severity ``error``, so a script or CI job
can stop on it; 2 when there is no such organisation or plan.
"""
from __future__ import annotations

import json
import sys

import click
from flask.cli import with_appcontext

from planner import db
from planner.calc.checks import SEVERITY_LABELS
from planner.calc.formatting import format_number


@click.command("check")
@click.option("--org", "org_code", required=True, help="Organisation code, e.g. BAPENDA-KALBAR")
@click.option("--year", required=True, type=int, help="The plan's year (a Renstra covering it for --kind renstra)")
@click.option("--kind", default="renja", show_default=True, type=click.Choice(["renja", "renstra"]))
@click.option("--json", "as_json", is_flag=True, help="A JSON list of {rule, severity, node_id, indicator_id, message}")
@with_appcontext
def check(org_code: str, year: int, kind: str, as_json: bool):
    """Check a unit's plan as a planning bureau would and list the findings."""
    from planner.services import checks, orgs, versions

    with db.session_scope(db.engine()) as s:
        org = orgs.by_code(s, org_code)
        if org is None:
            click.echo(f"Organisasi '{org_code}' tidak ditemukan.", err=True)
            sys.exit(2)
        plan = versions.plan_being_edited(s, org.id, kind, year) or versions.plan_in_force(s, org.id, kind, year)
        if plan is None:
            click.echo(f"{org.name} tidak memiliki {kind.title()} untuk tahun {year}.", err=True)
            sys.exit(2)
        report = checks.check_plan(s, plan)
        if as_json:
            click.echo(json.dumps([{k: f.as_dict()[k] for k in ("rule", "severity", "node_id", "indicator_id",
                                                                  "message", "acknowledged")}
                                   for f in report.findings], ensure_ascii=False, indent=2))
        else:
            click.echo(f"{plan.name} ({plan.status_label}, versi {plan.revision_number})")
            click.echo(f"Skor mutu: {format_number(report.score, 1)} · " + " · ".join(
                f"{g.label} {format_number(g.score, 1)}" for g in report.groups.values()))
            for f in report.findings:
                mark = " (diterima: " + f.ack_reason + ")" if f.acknowledged else ""
                click.echo(f"[{f.rule}] {SEVERITY_LABELS[f.severity]}: {f.message}{mark}")
            if not report.findings:
                click.echo("Tidak ada temuan.")
    sys.exit(1 if report.has_errors else 0)
