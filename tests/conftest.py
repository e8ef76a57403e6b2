"""Shared fixtures. The suite runs on SQLite by default and on PostgreSQL when
``PLANNER_DATABASE_URL`` points at one (CI runs both).

The schema is built once per run by the real Alembic migrations; each test starts from empty
tables (reference data such as planning schemes stays).
"""
from __future__ import annotations

import os
import re
import sqlite3
from collections.abc import Iterator

import pytest
from sqlalchemy import event, inspect, select, text
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DBAPIError
from sqlmodel import Session, SQLModel

import planner.models  # noqa: F401
from planner import audit_guard, backup, create_app, jobs, migrate
from planner.config import ROOT
from planner.db import make_engine
from planner.models.plan import IndicatorCreate, NodeCreate, PlanCreate, TargetIn
from planner.services import accounts, acting, login_guard, orgs, plan_bulk, plan_memo, plans, seeds

REFERENCE_TABLES = {"scheme", "schemelevel", "alembic_version"}
accounts.HASH_METHOD = "pbkdf2:sha256:1000"  # fast hashes in tests; production keeps scrypt
PASSWORD = "rahasia-123"
HX = {"HX-Request": "true"}  # headers of a real (non-boosted) htmx request


def without_csrf(html: str) -> str:
    """A page without its CSRF tokens: Flask-WTF signs the token with the second it was given at, so two
    renderings of the same page differ when they straddle a second."""
    return re.sub(r'(csrf_token" value="|X-CSRFToken": ")[^"]+', r"\1", html)


@event.listens_for(Engine, "connect")
def _commit_without_waiting_for_the_disk(dbapi_conn, _record):
    """Test databases are thrown away: a commit need not wait for its flush to disk (1,5-9 ms per commit on
    this machine; the suite commits tens of thousands of times). Every engine of the run, the apps' included."""
    if isinstance(dbapi_conn, sqlite3.Connection):
        dbapi_conn.execute("PRAGMA synchronous=OFF")
    else:
        dbapi_conn.execute("SET synchronous_commit = off")
        dbapi_conn.commit()


@pytest.fixture(scope="session")
def database_url(tmp_path_factory) -> str:
    url = os.environ.get("PLANNER_DATABASE_URL")
    if url:
        return url
    return f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.sqlite'}"


@pytest.fixture(scope="session")
def engine(database_url):
    eng = make_engine(database_url)
    if eng.dialect.name == "postgresql":
        with eng.begin() as conn:
            conn.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
    migrate.upgrade(eng)
    yield eng
    eng.dispose()


# Which tables hold rows or have handed out ids since the last reset: one round trip instead of emptying all ~65
# tables. TRUNCATE of every table cost 1,2-3 s per test on PostgreSQL (new files for each table and index);
# DELETE of the few written tables plus a sequence restart costs ~0,05 s and leaves the same state.
_PG_USED_SEQUENCES = """SELECT t.relname, ps.sequencename FROM pg_sequences ps
    JOIN pg_namespace n ON n.nspname = ps.schemaname
    JOIN pg_class q ON q.relname = ps.sequencename AND q.relnamespace = n.oid
    JOIN pg_depend d ON d.objid = q.oid AND d.deptype IN ('a', 'i')
    JOIN pg_class t ON t.oid = d.refobjid
    WHERE ps.schemaname = current_schema() AND ps.last_value IS NOT NULL"""


def _tables(eng) -> list[str]:
    """The app's tables, children before parents (the order rows can be deleted in)."""
    existing = set(inspect(eng).get_table_names())
    return [t.name for t in reversed(SQLModel.metadata.sorted_tables)
            if t.name in existing and t.name not in REFERENCE_TABLES]


def _written(conn, tables: list[str]) -> tuple[list[str], list[str]]:
    """The tables holding rows or whose id sequence moved, in ``tables``' order, and those sequences."""
    probe = " UNION ALL ".join(f"SELECT '{t}' WHERE EXISTS (SELECT 1 FROM \"{t}\")" for t in tables)
    dirty = {row[0] for row in conn.exec_driver_sql(probe)}
    sequences = []
    if conn.dialect.name == "postgresql":
        for table, sequence in conn.exec_driver_sql(_PG_USED_SEQUENCES):
            dirty.add(table)
            sequences.append(sequence)
    return [t for t in tables if t in dirty], sequences


def _truncate(eng) -> None:
    """Empty every table but the reference data and restart the ids, as a fresh migrated database has them."""
    tables = _tables(eng)
    if eng.dialect.name == "postgresql":
        with eng.begin() as conn:
            dirty, sequences = _written(conn, tables)
        if not dirty:
            return
        try:
            with eng.begin() as conn, audit_guard.suspended(conn):  # the audit trail is append-only otherwise
                for t in dirty:
                    conn.exec_driver_sql(f'DELETE FROM "{t}"')
                for seq in sequences:
                    conn.exec_driver_sql(f'ALTER SEQUENCE "{seq}" RESTART')
        except DBAPIError:  # rows a delete order cannot remove (a cycle between tables): empty everything
            with eng.begin() as conn, audit_guard.suspended(conn):
                conn.execute(text("TRUNCATE " + ", ".join(f'"{t}"' for t in tables) + " RESTART IDENTITY CASCADE"))
        return
    with eng.connect() as conn:  # the organisation tree restricts deletes row by row: switch checks off
        conn.exec_driver_sql("PRAGMA foreign_keys=OFF")
        dirty, _ = _written(conn, tables)
        if dirty:
            with audit_guard.suspended(conn):
                for t in dirty:
                    conn.exec_driver_sql(f'DELETE FROM "{t}"')
        conn.commit()
        conn.exec_driver_sql("PRAGMA foreign_keys=ON")


@pytest.fixture
def s(engine) -> Iterator[Session]:
    """A session for building and checking data; tables are emptied before each test."""
    _truncate(engine)
    plan_memo.clear()  # emptied tables start their stamps again: a kept report must not outlive its data
    with Session(engine, expire_on_commit=False) as session:
        acting.act_as(session, acting.SYSTEM)  # fixtures build data as the system; tests may act as a user
        yield session


_SQLITE_TEMPLATES: dict[str, Engine] = {}


def memory_sqlite(schema: str = "migrated") -> Engine:
    """A new in-memory SQLite database holding a copy of one built once per run: ``"migrated"`` as
    ``migrate.upgrade`` leaves it, ``"tables"`` as ``SQLModel.metadata.create_all`` does. For tests that want a
    database of their own: building costs 5,5 s (migrations) or 1,7 s (tables), copying 0,02 s."""
    if schema not in _SQLITE_TEMPLATES:
        template = make_engine("sqlite://")
        if schema == "migrated":
            migrate.upgrade(template)
        else:
            SQLModel.metadata.create_all(template)
        _SQLITE_TEMPLATES[schema] = template  # in memory: its one connection (StaticPool) lives with it
    eng = make_engine("sqlite://")
    source, target = _SQLITE_TEMPLATES[schema].raw_connection(), eng.raw_connection()
    source.driver_connection.backup(target.driver_connection)
    source.close()
    target.close()
    return eng


@pytest.fixture
def own_sqlite() -> Iterator:
    """``own_sqlite(schema)``: a fresh in-memory database for this test alone (``memory_sqlite``)."""
    engines: list[Engine] = []

    def make(schema: str = "migrated") -> Engine:
        engines.append(memory_sqlite(schema))
        return engines[-1]
    yield make
    for eng in engines:
        eng.dispose()


@pytest.fixture(scope="session")
def _app_once(database_url, tmp_path_factory):
    """Building the app costs 0,2-0,7 s (werkzeug compiles ~260 URL rules): tests share one, reset for each."""
    app = create_app({"DATABASE_URL": database_url, "TESTING": True, "SECRET_KEY": "test-secret",
                      "WTF_CSRF_ENABLED": False, "UPLOAD_DIR": str(tmp_path_factory.mktemp("uploads"))})
    yield app, dict(app.config), dict(app.extensions), app.jinja_env.loader
    app.extensions["planner.engine"].dispose()


@pytest.fixture
def app(s, _app_once, tmp_path):
    """The app as ``create_app`` returns it: the configuration, extensions' state (throttle counters) and
    template loader a test changed are put back, each test has its own upload folder."""
    app, config, extensions, loader = _app_once
    app.config.clear()
    app.config.update(config, UPLOAD_DIR=str(tmp_path / "uploads"))
    schema_checked = app.extensions.get("planner.schema_ok")  # once per process, as in production (~0,2 s)
    app.extensions.clear()
    app.extensions.update(extensions)
    if schema_checked:
        app.extensions["planner.schema_ok"] = schema_checked
    app.jinja_env.loader = loader
    # What create_app sets for the whole process, which an app another test built may have changed.
    jobs.configure(app)
    login_guard.set_hash_slots(app.config["PASSWORD_HASH_SLOTS"])
    yield app
    app.extensions["planner.engine"].dispose()  # no pooled connection outlives the test (as before)


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture(scope="session")
def _demo_rows(engine) -> dict:
    """``seeds.load_demo`` takes 15-30 s: it runs once per run; its rows are kept to be put back per test."""
    _truncate(engine)
    plan_memo.clear()  # emptied tables start their stamps again: a kept report must not outlive its data
    with Session(engine, expire_on_commit=False) as session:
        acting.act_as(session, acting.SYSTEM)
        seeds.load_demo(session, ROOT / "seeds")
        session.commit()
    with engine.connect() as conn:
        rows = {table: conn.execute(select(table).order_by(*table.primary_key.columns)).mappings().all()
                for table in SQLModel.metadata.sorted_tables if table.name not in REFERENCE_TABLES}
    _truncate(engine)
    return {table: [dict(r) for r in found] for table, found in rows.items() if found}


@pytest.fixture
def demo(s, engine, _demo_rows) -> None:
    """The demo data, exactly as ``seeds.load_demo`` leaves it (same rows, same ids), in the emptied tables."""
    with engine.begin() as conn:
        for table, rows in _demo_rows.items():  # parents first: tables in dependency order, rows by id
            backup.insert_rows(conn, table, rows)
        backup.reset_sequences(conn)  # new rows continue after the demo's ids


class Counter:
    """Counts SQL statements sent to the database."""

    def __init__(self, eng):
        self.eng, self.count = eng, 0

    def __enter__(self):
        event.listen(self.eng, "before_cursor_execute", self._inc)
        return self

    def __exit__(self, *exc):
        event.remove(self.eng, "before_cursor_execute", self._inc)

    def _inc(self, *args, **kwargs):
        self.count += 1


@pytest.fixture
def count_queries():
    return Counter


# ---------------------------------------------------------------- factories (through the services)

@pytest.fixture
def make_org(s):
    def make(code="DINAS", name="Dinas Contoh", kind="perangkat_daerah", parent=None):
        org = orgs.create(s, code, name, kind, parent.id if parent else None)
        s.commit()
        return org
    return make


@pytest.fixture
def org(make_org):
    """The usual unit under test: a regional revenue agency."""
    return make_org("BAPENDA", "Badan Pendapatan Daerah")


@pytest.fixture
def renja(org, make_renja):
    return make_renja(org, activities=2)


@pytest.fixture
def editor(org, make_user, login):
    """A logged-in client of a penyusun of ``org``."""
    make_user("ani", "penyusun", org)
    return login("ani")


@pytest.fixture
def auth(org, make_user, api_token):
    """API headers of a penyusun of ``org``."""
    make_user("ani", "penyusun", org)
    return api_token("ani")


@pytest.fixture
def make_user(s):
    def make(username, role, org=None, password=PASSWORD):
        user = accounts.create_user(s, username, password, username.title())
        accounts.add_membership(s, user, role, org.id if org else None)
        s.commit()
        return user
    return make


BULK_FROM = 50  # activities from which make_renja writes through the import's batch (500 one by one: ~60 s)


class _OneByOne:
    """Nodes and indicators written one at a time, as the editor's pages do."""

    def __init__(self, s):
        self.s = s

    def node(self, plan, parent, data: NodeCreate):
        return plans.create_node(self.s, plan, data.model_copy(update={"parent_id": parent.id if parent else None}))

    def indicator(self, plan, node, data: IndicatorCreate):
        plans.create_indicator(self.s, node, data)

    def write(self):
        pass


class _Batched:
    """The same rows, checked by the same rules, written in one statement per table (``plan_bulk``)."""

    def __init__(self, s):
        self.batch = plan_bulk.Batch(s)

    def node(self, plan, parent, data: NodeCreate):
        return self.batch.add_node(plan, parent, data)

    def indicator(self, plan, node, data: IndicatorCreate):
        self.batch.add_targets(plan, self.batch.add_indicator(plan, node, data), data.targets)

    def write(self):
        self.batch.write()


@pytest.fixture
def make_renja(s):
    """A regional Renja with ``activities`` kegiatan under one program, each with one output indicator; large
    plans (``BULK_FROM``) are written through the import's batch service."""
    def make(org, year=2026, activities=2, sub=True, renstra=None):
        plan = plans.create_plan(s, PlanCreate(organization_id=org.id, kind="renja", scheme="daerah", year=year,
                                               name=f"Renja {org.name} {year}",
                                               renstra_id=renstra.id if renstra else None))
        out = _Batched(s) if activities >= BULK_FROM else _OneByOne(s)
        program = None
        for i in range(activities):
            if i % 90 == 0:  # a kegiatan code has two digits: large plans spread over several programs
                code = f"5.02.{2 + i // 90:02d}"
                program = out.node(plan, None, NodeCreate(kind="program", code=code,
                                                          name="Program Pengelolaan Pendapatan Daerah"))
                out.indicator(plan, program, IndicatorCreate(
                    name="Persentase realisasi pendapatan daerah", level="outcome", unit="%",
                    accumulation="last", targets=[TargetIn(year=year, period="Y", value=100)]))
            n = i % 90 + 1
            keg = out.node(plan, program, NodeCreate(kind="kegiatan", code=f"{program.code}.2.{n:02d}",
                                                     name=f"Kegiatan {i + 1}", pagu=1_000_000 * n))
            out.indicator(plan, keg, IndicatorCreate(
                name=f"Jumlah layanan kegiatan {i + 1}", level="output", unit="layanan", accumulation="sum",
                targets=[TargetIn(year=year, period="Y", value=100)]
                + [TargetIn(year=year, period=f"TW{q}", value=25) for q in range(1, 5)]))
            if sub:
                out.node(plan, keg, NodeCreate(kind="sub_kegiatan", code=f"{keg.code}.0001",
                                               name=f"Sub kegiatan {i + 1}"))
        out.write()
        s.commit()
        return plan
    return make


@pytest.fixture
def make_renstra(s):
    def make(org, first=2025, last=2029, scheme="daerah"):
        plan = plans.create_plan(s, PlanCreate(organization_id=org.id, kind="renstra", scheme=scheme, first_year=first,
                                               last_year=last, name=f"Renstra {org.name}"))
        tujuan = plans.create_node(s, plan, NodeCreate(kind="tujuan", code="T1", name="Meningkatnya pendapatan daerah"))
        sasaran = plans.create_node(s, plan, NodeCreate(kind="sasaran", code="SS1", parent_id=tujuan.id,
                                                        name="Meningkatnya kemandirian fiskal"))
        plans.create_indicator(s, sasaran, IndicatorCreate(
            code="IKU-1", name="Rasio PAD terhadap pendapatan", level="outcome", unit="%", accumulation="last",
            targets=[TargetIn(year=y, period="Y", value=40 + y - first) for y in range(first, last + 1)]))
        if scheme == "daerah":
            program = plans.create_node(s, plan, NodeCreate(kind="program", code="5.02.02", parent_id=sasaran.id,
                                                            name="Program Pengelolaan Pendapatan Daerah"))
            plans.create_indicator(s, program, IndicatorCreate(
                code="IKP-1", name="Persentase realisasi PAD", level="outcome", unit="%", accumulation="last",
                targets=[TargetIn(year=y, period="Y", value=95 + y - first) for y in range(first, last + 1)]))
        s.commit()
        return plan
    return make


@pytest.fixture
def login(client):
    def do(username, password=PASSWORD):
        resp = client.post("/login", data={"username": username, "password": password})
        assert resp.status_code == 302, resp.get_data(as_text=True)[:500]
        return client
    return do


@pytest.fixture
def api_token(client):
    def get(username, password=PASSWORD):
        resp = client.post("/api/v1/auth/token", json={"username": username, "password": password})
        assert resp.status_code == 201, resp.json
        return {"Authorization": f"Bearer {resp.json['token']}"}
    return get
