"""The ``planner`` command: serve, demo, db upgrade, create-user (also ``flask --app planner ...``)."""
from __future__ import annotations

import click
from flask import Flask, current_app
from flask.cli import FlaskGroup, with_appcontext

from planner import db, migrate
from planner.config import ROOT


def register(app: Flask) -> None:
    app.cli.add_command(serve)
    app.cli.add_command(demo)
    app.cli.add_command(db_group)
    app.cli.add_command(create_user)
    from planner.cli_checks import check  # plan checks (issue 15)
    app.cli.add_command(check)
    register_maintenance(app)
    app.cli.add_command(import_cmd)
    app.cli.add_command(export_cmd)


def _create_app():
    from planner import create_app
    return create_app()


@click.group(cls=FlaskGroup, create_app=_create_app, add_default_commands=False)
def main():
    """Planner: planning and monitoring workbench for Indonesian government work plans."""


@click.group("db")
def db_group():
    """Database migrations."""


@db_group.command("upgrade")
@with_appcontext
def db_upgrade():
    """Bring the database to the newest schema (Alembic)."""
    migrate.upgrade(db.engine())
    click.echo(f"Database at revision {migrate.current(db.engine())}.")


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=int)
@click.option("--threads", default=8, show_default=True, type=int)
@with_appcontext
def serve(host: str, port: int, threads: int):
    """Serve with waitress (works on Windows too; on Linux servers gunicorn is an alternative)."""
    from waitress import serve as waitress_serve

    eng = db.engine()
    if migrate.is_behind(eng):
        if eng.dialect.name == "sqlite":
            migrate.upgrade(eng)
            click.echo("SQLite database upgraded to the newest schema.")
        else:
            raise click.ClickException("The database schema is behind: run `planner db upgrade` first.")
    from planner import jobs

    from planner.web.speed import compile_templates

    compile_templates(current_app)
    consumer = jobs.start_consumer(current_app._get_current_object())  # imports run beside the server
    click.echo(f"Planner on http://{host}:{port}")
    try:
        waitress_serve(current_app._get_current_object(), host=host, port=port, threads=threads)
    finally:
        consumer.stop(graceful=True)


@click.command()
@click.option("--reset", is_flag=True, help="Drop every table first and rebuild the demo (demo databases only)")
@with_appcontext
def demo(reset: bool):
    """Load the demo organisations, plans, accounts and a year of monitoring from seeds/ (idempotent)."""
    from planner.services import demo as demo_year
    from planner.services import seeds
    from planner.services import settings as org_settings

    eng = db.engine()
    if reset:
        demo_year.reset(eng)
        click.echo("All tables dropped; rebuilding the demo.")
    migrate.upgrade(eng)
    with db.session_scope(eng) as s:
        counts = seeds.load_demo(s, ROOT / "seeds")
        counts |= demo_year.load_year(s, ROOT / "seeds", org_settings.install_default(current_app.config))
    click.echo("Demo data: " + ", ".join(f"{v} {k} created" for k, v in counts.items()))
    click.echo(f"Demo accounts (password '{seeds.DEMO_PASSWORD}', for demos only): "
               + ", ".join(seeds.DEMO_ACCOUNTS))


@click.command("create-user")
@click.argument("username")
@click.option("--role", required=True, help="admin, penyusun, reviewer, pimpinan, pengamat, instruktur, peserta")
@click.option("--org", "org_code", default=None, help="Organisation code (every role but admin needs one)")
@click.option("--password", default=None, help="Asked for when not given")
@click.option("--name", "full_name", default="")
@with_appcontext
def create_user(username: str, role: str, org_code: str | None, password: str | None, full_name: str):
    """Create an account with a role in an organisation."""
    from planner.errors import DomainError
    from planner.services import accounts, orgs

    if password is None:
        password = click.prompt("Kata sandi", hide_input=True, confirmation_prompt="Ulangi kata sandi")
    try:
        with db.session_scope(db.engine()) as s:
            org = orgs.by_code(s, org_code) if org_code else None
            if org_code and org is None:
                raise click.ClickException(f"Organisasi '{org_code}' tidak ditemukan.")
            user = accounts.create_user(s, username, password, full_name)
            accounts.add_membership(s, user, role, org.id if org else None)
    except DomainError as exc:
        raise click.ClickException(exc.message) from exc
    click.echo(f"User '{username}' created with role {role}" + (f" in {org_code}." if org_code else "."))


# ---------------------------------------------------------------- backup, restore, evidence files

def register_maintenance(app: Flask) -> None:
    app.cli.add_command(backup_cmd)
    app.cli.add_command(restore_cmd)
    app.cli.add_command(files_group)


@click.command("backup")
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False), help="The archive to write (.zip)")
@with_appcontext
def backup_cmd(output: str):
    """Write the whole database and every evidence file into one archive (safe while the app runs)."""
    from planner import backup

    manifest = backup.backup(db.engine(), current_app.config["UPLOAD_DIR"], output)
    click.echo(f"Backup written to {output}: {sum(manifest['tables'].values())} rows, {manifest['files']} files, "
               f"schema {manifest['revision']}.")


@click.command("restore")
@click.argument("archive", type=click.Path(exists=True, dir_okay=False))
@click.option("--force", is_flag=True, help="Replace a database that already holds data")
@with_appcontext
def restore_cmd(archive: str, force: bool):
    """Restore an archive of `planner backup` into an empty database (or over one, with --force)."""
    from planner import backup

    try:
        manifest = backup.restore(db.engine(), current_app.config["UPLOAD_DIR"], archive, force=force)
    except backup.RestoreRefused as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"Restored {sum(manifest['tables'].values())} rows and {manifest['files']} files "
               f"from {manifest['created_at']}.")


@click.group("files")
def files_group():
    """Evidence files against the database."""


@files_group.command("check")
@with_appcontext
def files_check():
    """List orphan files (no evidence row) and evidence rows whose file is missing; exit 1 when any."""
    from planner import files

    report = files.check(db.engine(), current_app.config["UPLOAD_DIR"])
    for path in report.orphans:
        click.echo(f"orphan  {path}")
    for name in report.missing:
        click.echo(f"missing {name}")
    click.echo(f"{len(report.orphans)} orphan file(s), {len(report.missing)} missing file(s).")
    if report.orphans or report.missing:
        raise SystemExit(1)


@files_group.command("clean")
@click.option("--min-age", default=3600, show_default=True, type=float,
              help="Seconds: younger orphans may be uploads still committing, and are kept")
@with_appcontext
def files_clean(min_age: float):
    """Remove orphan evidence files."""
    from planner import files

    removed = files.clean(db.engine(), current_app.config["UPLOAD_DIR"], min_age)
    click.echo(f"{len(removed)} orphan file(s) removed.")
@click.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@click.option("--org", "org_code", default=None, help="Organisation code (else the file's Rencana sheet names it)")
@click.option("--dry-run", is_flag=True, help="Validate and count, write nothing")
@click.option("--user", "username", default=None, help="Act as this account (default: the first administrator)")
@with_appcontext
def import_cmd(file: str, org_code: str | None, dry_run: bool, username: str | None):
    """Import a workbook (Planner's template): all or nothing; exits non-zero with every problem."""
    from pathlib import Path

    from sqlmodel import Session, select

    from planner.models import Membership, User
    from planner.permissions import principal_for
    from planner.services import imports, orgs

    eng = db.engine()
    with Session(eng) as s:
        if username:
            user = s.exec(select(User).where(User.username == username)).first()
        else:
            user = s.exec(select(User).join(Membership, Membership.user_id == User.id)
                          .where(Membership.role == "admin").order_by(User.id)).first()
        if user is None:
            raise click.ClickException("No such account; create an administrator first (planner create-user).")
        org = orgs.by_code(s, org_code) if org_code else None
        if org_code and org is None:
            raise click.ClickException(f"Organisasi '{org_code}' tidak ditemukan.")
        principal = principal_for(s, user)
        org_id = org.id if org else None
    outcome = imports.execute(eng, user.id, Path(file).read_bytes(), Path(file).name, org_id, dry_run=dry_run,
                              principal=principal)
    for sheet, c in outcome.counts.items():
        click.echo(f"{sheet}: {c['created']} dibuat, {c['updated']} diubah, {c['unchanged']} tetap")
    if not outcome.ok:
        for e in outcome.errors:
            click.echo(str(e), err=True)
        raise SystemExit(1)
    click.echo("Uji coba selesai: tidak ada yang disimpan." if dry_run else "Impor selesai.")


@click.command("export")
@click.argument("kind", type=click.Choice(["renstra", "renja", "pk", "iku", "metadata", "evaluasi-renja", "monitoring"]))
@click.option("--org", "org_code", required=True)
@click.option("--year", required=True, type=int)
@click.option("--period", default=None, help="monitoring: TW1-TW4, S1-S2, M01-M12 or Y (default TW4)")
@click.option("-o", "--output", "output", required=True, type=click.Path(dir_okay=False))
@with_appcontext
def export_cmd(kind: str, org_code: str, year: int, period: str | None, output: str):
    """Write an official form as .xlsx (the plan of that year: the fixed version, else the newest)."""
    from pathlib import Path

    from sqlmodel import Session

    from planner.errors import DomainError
    from planner.services import acting, exports, orgs, versions

    with acting.act_as(Session(db.engine()), acting.SYSTEM) as s:
        org = orgs.by_code(s, org_code)
        if org is None:
            raise click.ClickException(f"Organisasi '{org_code}' tidak ditemukan.")
        plan_kind = "renstra" if kind == "renstra" else "renja"
        plan = (versions.plan_in_force(s, org.id, plan_kind, year)
                or versions.plan_being_edited(s, org.id, plan_kind, year))
        if plan is None:
            raise click.ClickException(f"{org_code} tidak memiliki {plan_kind} yang mencakup {year}.")
        try:
            Path(output).write_bytes(exports.workbook(s, plan, kind, period))
        except DomainError as exc:
            raise click.ClickException(exc.message) from exc
    click.echo(f"{output} ditulis ({exports.KINDS[kind]}, {plan.name}).")
