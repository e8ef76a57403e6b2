"""Shared fixtures. The suite runs on SQLite by default and on PostgreSQL when
``PLANNER_DATABASE_URL`` points at one (CI runs both).

The schema is built once per run by the real Alembic migrations; each test starts from empty
tables (reference data such as planning schemes stays).
"""
from __future__ import annotations

import os
from collections.abc import Iterator

import pytest
from sqlalchemy import event, inspect, text
from sqlmodel import Session, SQLModel

import planner.models  # noqa: F401
from planner import audit_guard, create_app, migrate
from planner.db import make_engine
from planner.models.plan import IndicatorCreate, NodeCreate, PlanCreate, TargetIn
from planner.services import accounts, acting, orgs, plans

REFERENCE_TABLES = {"scheme", "schemelevel", "alembic_version"}
accounts.HASH_METHOD = "pbkdf2:sha256:1000"  # fast hashes in tests; production keeps scrypt
PASSWORD = "rahasia-123"
HX = {"HX-Request": "true"}  # headers of a real (non-boosted) htmx request


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


def _truncate(eng) -> None:
    existing = set(inspect(eng).get_table_names())
    tables = [t.name for t in reversed(SQLModel.metadata.sorted_tables)
              if t.name in existing and t.name not in REFERENCE_TABLES]
    if eng.dialect.name == "postgresql":
        with eng.begin() as conn, audit_guard.suspended(conn):  # the audit trail is append-only otherwise
            conn.execute(text("TRUNCATE " + ", ".join(f'"{t}"' for t in tables) + " RESTART IDENTITY CASCADE"))
        return
    with eng.connect() as conn:  # the organisation tree restricts deletes row by row: switch checks off
        conn.exec_driver_sql("PRAGMA foreign_keys=OFF")
        with audit_guard.suspended(conn):
            for t in tables:
                conn.exec_driver_sql(f'DELETE FROM "{t}"')
        conn.commit()
        conn.exec_driver_sql("PRAGMA foreign_keys=ON")


@pytest.fixture
def s(engine) -> Iterator[Session]:
    """A session for building and checking data; tables are emptied before each test."""
    _truncate(engine)
    with Session(engine, expire_on_commit=False) as session:
        acting.act_as(session, acting.SYSTEM)  # fixtures build data as the system; tests may act as a user
        yield session


@pytest.fixture
def app(s, database_url, tmp_path):
    app = create_app({"DATABASE_URL": database_url, "TESTING": True, "SECRET_KEY": "test-secret",
                      "WTF_CSRF_ENABLED": False, "UPLOAD_DIR": str(tmp_path / "uploads")})
    yield app
    app.extensions["planner.engine"].dispose()


@pytest.fixture
def client(app):
    return app.test_client()


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


@pytest.fixture
def make_renja(s):
    """A regional Renja with ``activities`` kegiatan under one program, each with one output indicator."""
    def make(org, year=2026, activities=2, sub=True, renstra=None):
        plan = plans.create_plan(s, PlanCreate(organization_id=org.id, kind="renja", scheme="daerah", year=year,
                                               name=f"Renja {org.name} {year}",
                                               renstra_id=renstra.id if renstra else None))
        program = None
        for i in range(activities):
            if i % 90 == 0:  # a kegiatan code has two digits: large plans spread over several programs
                code = f"5.02.{2 + i // 90:02d}"
                program = plans.create_node(s, plan, NodeCreate(kind="program", code=code,
                                                                name="Program Pengelolaan Pendapatan Daerah"))
                plans.create_indicator(s, program, IndicatorCreate(
                    name="Persentase realisasi pendapatan daerah", level="outcome", unit="%",
                    accumulation="last", targets=[TargetIn(year=year, period="Y", value=100)]))
            n = i % 90 + 1
            keg = plans.create_node(s, plan, NodeCreate(kind="kegiatan", code=f"{program.code}.2.{n:02d}",
                                                        parent_id=program.id, name=f"Kegiatan {i + 1}",
                                                        pagu=1_000_000 * n))
            plans.create_indicator(s, keg, IndicatorCreate(
                name=f"Jumlah layanan kegiatan {i + 1}", level="output", unit="layanan", accumulation="sum",
                targets=[TargetIn(year=year, period="Y", value=100)]
                + [TargetIn(year=year, period=f"TW{q}", value=25) for q in range(1, 5)]))
            if sub:
                plans.create_node(s, plan, NodeCreate(kind="sub_kegiatan", code=f"{keg.code}.0001",
                                                      parent_id=keg.id, name=f"Sub kegiatan {i + 1}"))
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
