"""monitoring: realisation, evidence, narrative, follow-up, budget, period locks

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-23 18:58:45.699961
"""
from alembic import op
import sqlalchemy as sa
import sqlmodel


revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('period_lock',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('plan_id', sa.Integer(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('period', sqlmodel.sql.sqltypes.AutoString(length=3), nullable=False),
    sa.Column('closed', sa.Boolean(), nullable=False),
    sa.Column('closed_by_id', sa.Integer(), nullable=True),
    sa.Column('closed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('reopened_by_id', sa.Integer(), nullable=True),
    sa.Column('reopened_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('reopen_note', sa.Text(), server_default='', nullable=False),
    sa.ForeignKeyConstraint(['closed_by_id'], ['user.id'], ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['plan_id'], ['plan.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['reopened_by_id'], ['user.id'], ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('plan_id', 'year', 'period')
    )
    with op.batch_alter_table('period_lock', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_period_lock_plan_id'), ['plan_id'], unique=False)

    op.create_table('node_budget',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('node_id', sa.Integer(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('pagu', sa.Numeric(precision=18, scale=2), nullable=False),
    sa.Column('updated_by_id', sa.Integer(), nullable=True),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['node_id'], ['plan_node.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['updated_by_id'], ['user.id'], ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('node_id', 'year')
    )
    with op.batch_alter_table('node_budget', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_node_budget_node_id'), ['node_id'], unique=False)

    op.create_table('budget_realization',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('node_budget_id', sa.Integer(), nullable=False),
    sa.Column('period', sqlmodel.sql.sqltypes.AutoString(length=3), nullable=False),
    sa.Column('amount', sa.Numeric(precision=18, scale=2), nullable=False),
    sa.ForeignKeyConstraint(['node_budget_id'], ['node_budget.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('node_budget_id', 'period')
    )
    with op.batch_alter_table('budget_realization', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_budget_realization_node_budget_id'), ['node_budget_id'], unique=False)

    op.create_table('evidence',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('indicator_id', sa.Integer(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('period', sqlmodel.sql.sqltypes.AutoString(length=3), nullable=False),
    sa.Column('kind', sa.String(length=4), nullable=False),
    sa.Column('filename', sqlmodel.sql.sqltypes.AutoString(length=255), nullable=False),
    sa.Column('stored_name', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True),
    sa.Column('content_type', sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
    sa.Column('size', sa.Integer(), nullable=True),
    sa.Column('url', sqlmodel.sql.sqltypes.AutoString(length=1000), nullable=True),
    sa.Column('uploaded_by_id', sa.Integer(), nullable=True),
    sa.Column('uploaded_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['indicator_id'], ['indicator.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['uploaded_by_id'], ['user.id'], ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('evidence', schema=None) as batch_op:
        batch_op.create_index('ix_evidence_cell', ['indicator_id', 'year', 'period'], unique=False)

    op.create_table('follow_up',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('indicator_id', sa.Integer(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('period', sqlmodel.sql.sqltypes.AutoString(length=3), nullable=False),
    sa.Column('action', sa.Text(), nullable=False),
    sa.Column('owner', sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
    sa.Column('due_date', sa.Date(), nullable=True),
    sa.Column('done', sa.Boolean(), nullable=False),
    sa.Column('done_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['created_by_id'], ['user.id'], ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['indicator_id'], ['indicator.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('follow_up', schema=None) as batch_op:
        batch_op.create_index('ix_follow_up_cell', ['indicator_id', 'year', 'period'], unique=False)

    op.create_table('narrative',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('indicator_id', sa.Integer(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('period', sqlmodel.sql.sqltypes.AutoString(length=3), nullable=False),
    sa.Column('faktor_pendorong', sa.Text(), server_default='', nullable=False),
    sa.Column('faktor_penghambat', sa.Text(), server_default='', nullable=False),
    sa.Column('updated_by_id', sa.Integer(), nullable=True),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['indicator_id'], ['indicator.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['updated_by_id'], ['user.id'], ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('indicator_id', 'year', 'period')
    )
    with op.batch_alter_table('narrative', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_narrative_indicator_id'), ['indicator_id'], unique=False)

    op.create_table('realization',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('indicator_id', sa.Integer(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('period', sqlmodel.sql.sqltypes.AutoString(length=3), nullable=False),
    sa.Column('value', sa.Float(), nullable=True),
    sa.Column('numerator', sa.Float(), nullable=True),
    sa.Column('denominator', sa.Float(), nullable=True),
    sa.Column('achieved', sa.Boolean(), nullable=True),
    sa.Column('note', sa.Text(), server_default='', nullable=False),
    sa.Column('status', sa.String(length=12), nullable=False),
    sa.Column('review_note', sa.Text(), server_default='', nullable=False),
    sa.Column('entered_by_id', sa.Integer(), nullable=True),
    sa.Column('entered_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('verified_by_id', sa.Integer(), nullable=True),
    sa.Column('verified_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['entered_by_id'], ['user.id'], ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['indicator_id'], ['indicator.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['verified_by_id'], ['user.id'], ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('indicator_id', 'year', 'period')
    )
    with op.batch_alter_table('realization', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_realization_indicator_id'), ['indicator_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('realization', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_realization_indicator_id'))

    op.drop_table('realization')
    with op.batch_alter_table('narrative', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_narrative_indicator_id'))

    op.drop_table('narrative')
    with op.batch_alter_table('follow_up', schema=None) as batch_op:
        batch_op.drop_index('ix_follow_up_cell')

    op.drop_table('follow_up')
    with op.batch_alter_table('evidence', schema=None) as batch_op:
        batch_op.drop_index('ix_evidence_cell')

    op.drop_table('evidence')
    with op.batch_alter_table('budget_realization', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_budget_realization_node_budget_id'))

    op.drop_table('budget_realization')
    with op.batch_alter_table('node_budget', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_node_budget_node_id'))

    op.drop_table('node_budget')
    with op.batch_alter_table('period_lock', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_period_lock_plan_id'))

    op.drop_table('period_lock')
