"""organisation settings and plausible ranges of indicators

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-02 04:50:00
"""
from alembic import op
import sqlalchemy as sa


revision = '0009'
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('organization_settings',
    sa.Column('tolerance', sa.Float(), nullable=False),
    sa.Column('rollup_cap', sa.Float(), nullable=True),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('organization_id', sa.Integer(), nullable=False),
    sa.Column('lower_is_better_formula', sa.String(length=4), nullable=False),
    sa.Column('updated_by_id', sa.Integer(), nullable=True),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['organization_id'], ['organization.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['updated_by_id'], ['user.id'], ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('organization_settings', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_organization_settings_organization_id'), ['organization_id'], unique=True)
    with op.batch_alter_table('indicator', schema=None) as batch_op:
        batch_op.add_column(sa.Column('valid_min', sa.Float(), nullable=True))
        batch_op.add_column(sa.Column('valid_max', sa.Float(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('indicator', schema=None) as batch_op:
        batch_op.drop_column('valid_max')
        batch_op.drop_column('valid_min')
    with op.batch_alter_table('organization_settings', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_organization_settings_organization_id'))
    op.drop_table('organization_settings')
