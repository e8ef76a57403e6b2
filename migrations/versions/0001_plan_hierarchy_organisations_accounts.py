"""plan hierarchy, organisations, accounts

Revision ID: 0001
Revises: 
Create Date: 2026-11-23 18:40:38.984303
"""
from alembic import op
import sqlalchemy as sa
import sqlmodel


revision = '0001'
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('organization',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sqlmodel.sql.sqltypes.AutoString(length=60), nullable=False),
    sa.Column('name', sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
    sa.Column('kind', sqlmodel.sql.sqltypes.AutoString(length=30), nullable=False),
    sa.Column('parent_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['parent_id'], ['organization.id'], ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('organization', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_organization_code'), ['code'], unique=True)
        batch_op.create_index(batch_op.f('ix_organization_parent_id'), ['parent_id'], unique=False)

    op.create_table('scheme',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('key', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('name', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('key')
    )
    op.create_table('user',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('username', sqlmodel.sql.sqltypes.AutoString(length=80), nullable=False),
    sa.Column('full_name', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('password_hash', sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
    sa.Column('is_active', sa.Boolean(), nullable=False),
    sa.Column('auth_version', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_user_username'), ['username'], unique=True)

    op.create_table('apitoken',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('token_hash', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('auth_version', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('revoked_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('apitoken', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_apitoken_token_hash'), ['token_hash'], unique=True)
        batch_op.create_index(batch_op.f('ix_apitoken_user_id'), ['user_id'], unique=False)

    op.create_table('membership',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('organization_id', sa.Integer(), nullable=True),
    sa.Column('role', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.ForeignKeyConstraint(['organization_id'], ['organization.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('user_id', 'organization_id', 'role')
    )
    with op.batch_alter_table('membership', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_membership_user_id'), ['user_id'], unique=False)

    op.create_table('plan',
    sa.Column('name', sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
    sa.Column('vision', sa.Text(), server_default='', nullable=False),
    sa.Column('missions', sa.Text(), server_default='', nullable=False),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('organization_id', sa.Integer(), nullable=False),
    sa.Column('kind', sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False),
    sa.Column('scheme_id', sa.Integer(), nullable=False),
    sa.Column('first_year', sa.Integer(), nullable=False),
    sa.Column('last_year', sa.Integer(), nullable=False),
    sa.Column('renstra_id', sa.Integer(), nullable=True),
    sa.Column('status', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('revision_number', sa.Integer(), nullable=False),
    sa.Column('revision_of_id', sa.Integer(), nullable=True),
    sa.Column('revision_reason', sa.Text(), server_default='', nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['organization_id'], ['organization.id'], ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['renstra_id'], ['plan.id'], ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['revision_of_id'], ['plan.id'], ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['scheme_id'], ['scheme.id'], ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('organization_id', 'kind', 'first_year', 'revision_number')
    )
    with op.batch_alter_table('plan', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_plan_organization_id'), ['organization_id'], unique=False)

    op.create_table('schemelevel',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('scheme_id', sa.Integer(), nullable=False),
    sa.Column('depth', sa.Integer(), nullable=False),
    sa.Column('kind', sqlmodel.sql.sqltypes.AutoString(length=30), nullable=False),
    sa.Column('label', sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
    sa.Column('strategic', sa.Boolean(), nullable=False),
    sa.Column('code_pattern', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('code_example', sqlmodel.sql.sqltypes.AutoString(length=60), nullable=False),
    sa.Column('prefix_from_parent', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['scheme_id'], ['scheme.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('scheme_id', 'depth'),
    sa.UniqueConstraint('scheme_id', 'kind')
    )
    op.create_table('plan_node',
    sa.Column('code', sqlmodel.sql.sqltypes.AutoString(length=60), nullable=False),
    sa.Column('name', sqlmodel.sql.sqltypes.AutoString(length=500), nullable=False),
    sa.Column('activity_type', sa.String(length=30), nullable=True),
    sa.Column('unit_in_charge', sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
    sa.Column('location', sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
    sa.Column('pagu', sa.Numeric(precision=18, scale=2), nullable=True),
    sa.Column('funding_source', sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
    sa.Column('description', sa.Text(), server_default='', nullable=False),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('plan_id', sa.Integer(), nullable=False),
    sa.Column('parent_id', sa.Integer(), nullable=True),
    sa.Column('kind', sqlmodel.sql.sqltypes.AutoString(length=30), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('serves_id', sa.Integer(), nullable=True),
    sa.Column('source_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['parent_id'], ['plan_node.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['plan_id'], ['plan.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['serves_id'], ['plan_node.id'], ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['source_id'], ['plan_node.id'], ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('plan_id', 'code')
    )
    with op.batch_alter_table('plan_node', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_plan_node_parent_id'), ['parent_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_plan_node_plan_id'), ['plan_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_plan_node_serves_id'), ['serves_id'], unique=False)

    op.create_table('node_objective',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('node_id', sa.Integer(), nullable=False),
    sa.Column('text', sqlmodel.sql.sqltypes.AutoString(length=500), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['node_id'], ['plan_node.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('node_objective', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_node_objective_node_id'), ['node_id'], unique=False)

    op.create_table('indicator',
    sa.Column('code', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=True),
    sa.Column('name', sqlmodel.sql.sqltypes.AutoString(length=500), nullable=False),
    sa.Column('level', sa.String(length=10), nullable=False),
    sa.Column('unit', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
    sa.Column('definition', sa.Text(), server_default='', nullable=False),
    sa.Column('formula', sa.Text(), server_default='', nullable=False),
    sa.Column('data_source', sqlmodel.sql.sqltypes.AutoString(length=500), nullable=False),
    sa.Column('collection_method', sqlmodel.sql.sqltypes.AutoString(length=500), nullable=False),
    sa.Column('frequency', sa.String(length=10), nullable=False),
    sa.Column('responsible', sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
    sa.Column('baseline_value', sa.Float(), nullable=True),
    sa.Column('baseline_year', sa.Integer(), nullable=True),
    sa.Column('baseline_text', sqlmodel.sql.sqltypes.AutoString(length=300), nullable=True),
    sa.Column('polarity', sa.String(length=20), nullable=False),
    sa.Column('accumulation', sa.String(length=10), nullable=False),
    sa.Column('target_type', sa.String(length=12), nullable=False),
    sa.Column('weight', sa.Float(), nullable=False),
    sa.Column('ratio_factor', sa.Float(), nullable=False),
    sa.Column('rationale', sa.Text(), server_default='', nullable=False),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('plan_id', sa.Integer(), nullable=False),
    sa.Column('node_id', sa.Integer(), nullable=False),
    sa.Column('objective_id', sa.Integer(), nullable=True),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('source_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['node_id'], ['plan_node.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['objective_id'], ['node_objective.id'], ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['plan_id'], ['plan.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['source_id'], ['indicator.id'], ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('plan_id', 'code')
    )
    with op.batch_alter_table('indicator', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_indicator_node_id'), ['node_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_indicator_plan_id'), ['plan_id'], unique=False)

    op.create_table('target',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('indicator_id', sa.Integer(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('period', sqlmodel.sql.sqltypes.AutoString(length=3), nullable=False),
    sa.Column('value', sa.Float(), nullable=True),
    sa.Column('lower', sa.Float(), nullable=True),
    sa.Column('upper', sa.Float(), nullable=True),
    sa.Column('text', sqlmodel.sql.sqltypes.AutoString(length=300), nullable=True),
    sa.ForeignKeyConstraint(['indicator_id'], ['indicator.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('indicator_id', 'year', 'period')
    )
    with op.batch_alter_table('target', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_target_indicator_id'), ['indicator_id'], unique=False)

    _insert_schemes()


SCHEMES = [
    ("daerah", "Pemerintah Daerah (Permendagri 90/2019)", [
        ("tujuan", "Tujuan", True, r"[A-Za-z0-9.\-]{1,20}", "T1", False),
        ("sasaran", "Sasaran Strategis", True, r"[A-Za-z0-9.\-]{1,20}", "SS1", False),
        ("program", "Program", False, r"\d\.\d{2}\.\d{2}", "1.01.01", False),
        ("kegiatan", "Kegiatan", False, r"\d\.\d{2}\.\d{2}\.\d\.\d{2}", "1.01.01.2.01", True),
        ("sub_kegiatan", "Sub Kegiatan", False, r"\d\.\d{2}\.\d{2}\.\d\.\d{2}\.(\d{4}|\d{2})",
         "1.01.01.2.01.0001", True),
    ]),
    ("kl", "Kementerian/Lembaga (redesain 2020)", [
        ("tujuan", "Tujuan", True, r"[A-Za-z0-9.\-]{1,20}", "T1", False),
        ("sasaran", "Sasaran Strategis", True, r"[A-Za-z0-9.\-]{1,20}", "SS1", False),
        ("program", "Program", False, r"\d{3}\.\d{2}\.[A-Z]{2}", "011.01.WA", False),
        ("kegiatan", "Kegiatan", False, r"\d{4}", "2545", False),
        ("kro", "KRO (Klasifikasi Rincian Output)", False, r"\d{4}\.[A-Z]{3}", "2545.QAA", True),
        ("ro", "RO (Rincian Output)", False, r"\d{4}\.[A-Z]{3}\.\d{3}", "2545.QAA.001", True),
    ]),
]


def _insert_schemes() -> None:
    scheme = sa.table("scheme", sa.column("id", sa.Integer), sa.column("key", sa.String), sa.column("name", sa.String))
    level = sa.table("schemelevel", sa.column("scheme_id", sa.Integer), sa.column("depth", sa.Integer),
                     sa.column("kind", sa.String), sa.column("label", sa.String), sa.column("strategic", sa.Boolean),
                     sa.column("code_pattern", sa.String), sa.column("code_example", sa.String),
                     sa.column("prefix_from_parent", sa.Boolean))
    for sid, (key, name, levels) in enumerate(SCHEMES, start=1):
        op.bulk_insert(scheme, [{"id": sid, "key": key, "name": name}])
        op.bulk_insert(level, [
            {"scheme_id": sid, "depth": depth, "kind": kind, "label": label, "strategic": strategic,
             "code_pattern": pattern, "code_example": example, "prefix_from_parent": prefix}
            for depth, (kind, label, strategic, pattern, example, prefix) in enumerate(levels, start=1)
        ])
    if op.get_bind().dialect.name == "postgresql":  # explicit ids do not move the sequence
        op.execute("SELECT setval('scheme_id_seq', (SELECT max(id) FROM scheme))")


def downgrade() -> None:
    with op.batch_alter_table('target', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_target_indicator_id'))

    op.drop_table('target')
    with op.batch_alter_table('indicator', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_indicator_plan_id'))
        batch_op.drop_index(batch_op.f('ix_indicator_node_id'))

    op.drop_table('indicator')
    with op.batch_alter_table('node_objective', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_node_objective_node_id'))

    op.drop_table('node_objective')
    with op.batch_alter_table('plan_node', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_plan_node_serves_id'))
        batch_op.drop_index(batch_op.f('ix_plan_node_plan_id'))
        batch_op.drop_index(batch_op.f('ix_plan_node_parent_id'))

    op.drop_table('plan_node')
    op.drop_table('schemelevel')
    with op.batch_alter_table('plan', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_plan_organization_id'))

    op.drop_table('plan')
    with op.batch_alter_table('membership', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_membership_user_id'))

    op.drop_table('membership')
    with op.batch_alter_table('apitoken', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_apitoken_user_id'))
        batch_op.drop_index(batch_op.f('ix_apitoken_token_hash'))

    op.drop_table('apitoken')
    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_user_username'))

    op.drop_table('user')
    op.drop_table('scheme')
    with op.batch_alter_table('organization', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_organization_parent_id'))
        batch_op.drop_index(batch_op.f('ix_organization_code'))

    op.drop_table('organization')
