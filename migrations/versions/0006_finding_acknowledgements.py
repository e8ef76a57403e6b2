"""acknowledged plan-check findings

Revision ID: 0006
Revises: 0005
"""
from alembic import op
import sqlalchemy as sa
import sqlmodel


revision = '0006'
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('finding_ack',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('organization_id', sa.Integer(), nullable=False),
    sa.Column('plan_kind', sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False),
    sa.Column('first_year', sa.Integer(), nullable=False),
    sa.Column('rule', sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False),
    sa.Column('subject', sqlmodel.sql.sqltypes.AutoString(length=600), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('username', sqlmodel.sql.sqltypes.AutoString(length=80), nullable=False),
    sa.Column('plan_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['organization_id'], ['organization.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('organization_id', 'plan_kind', 'first_year', 'rule', 'subject')
    )
    with op.batch_alter_table('finding_ack', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_finding_ack_organization_id'), ['organization_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('finding_ack', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_finding_ack_organization_id'))
    op.drop_table('finding_ack')
