"""worksheets of public-service activities

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-23 19:00:35.730231
"""
from alembic import op
import sqlalchemy as sa
import sqlmodel


revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('worksheet',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('node_id', sa.Integer(), nullable=False),
    sa.Column('capacity_kelembagaan', sa.Text(), server_default='', nullable=False),
    sa.Column('capacity_sdm', sa.Text(), server_default='', nullable=False),
    sa.Column('capacity_sarpras', sa.Text(), server_default='', nullable=False),
    sa.Column('capacity_anggaran', sa.Text(), server_default='', nullable=False),
    sa.Column('capacity_sistem_prosedur', sa.Text(), server_default='', nullable=False),
    sa.Column('constraint_dana', sa.Text(), server_default='', nullable=False),
    sa.Column('constraint_sdm', sa.Text(), server_default='', nullable=False),
    sa.Column('constraint_sarpras', sa.Text(), server_default='', nullable=False),
    sa.Column('over_pagu_reason', sa.Text(), server_default='', nullable=False),
    sa.Column('complaint_sdm', sa.Text(), server_default='', nullable=False),
    sa.Column('complaint_sop', sa.Text(), server_default='', nullable=False),
    sa.Column('complaint_sarpras', sa.Text(), server_default='', nullable=False),
    sa.Column('complaint_monev', sa.Text(), server_default='', nullable=False),
    sa.Column('complaint_channels', sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['node_id'], ['plan_node.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('worksheet', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_worksheet_node_id'), ['node_id'], unique=True)

    op.create_table('worksheet_need',
    sa.Column('service', sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
    sa.Column('stakeholder_group', sa.String(length=20), nullable=False),
    sa.Column('stakeholder', sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
    sa.Column('need', sa.Text(), server_default='', nullable=False),
    sa.Column('method', sa.String(length=20), nullable=False),
    sa.Column('activity', sqlmodel.sql.sqltypes.AutoString(length=500), nullable=False),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('worksheet_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['worksheet_id'], ['worksheet.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('worksheet_need', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_worksheet_need_worksheet_id'), ['worksheet_id'], unique=False)

    op.create_table('worksheet_partner',
    sa.Column('name', sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('role', sa.Text(), server_default='', nullable=False),
    sa.Column('resource', sa.Text(), server_default='', nullable=False),
    sa.Column('risk', sa.Text(), server_default='', nullable=False),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('worksheet_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['worksheet_id'], ['worksheet.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('worksheet_partner', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_worksheet_partner_worksheet_id'), ['worksheet_id'], unique=False)

    op.create_table('worksheet_resource',
    sa.Column('category', sa.String(length=12), nullable=False),
    sa.Column('description', sqlmodel.sql.sqltypes.AutoString(length=500), nullable=False),
    sa.Column('quantity', sa.Numeric(precision=18, scale=2), nullable=False),
    sa.Column('unit', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
    sa.Column('unit_cost', sa.Numeric(precision=18, scale=2), server_default='0', nullable=False),
    sa.Column('source', sa.String(length=10), nullable=False),
    sa.Column('partner', sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('worksheet_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['worksheet_id'], ['worksheet.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('worksheet_resource', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_worksheet_resource_worksheet_id'), ['worksheet_id'], unique=False)

    op.create_table('worksheet_standard',
    sa.Column('service', sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
    sa.Column('component', sa.String(length=30), nullable=False),
    sa.Column('content', sa.Text(), server_default='', nullable=False),
    sa.Column('state', sa.String(length=20), nullable=False),
    sa.Column('activity', sqlmodel.sql.sqltypes.AutoString(length=500), nullable=False),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('worksheet_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['worksheet_id'], ['worksheet.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('worksheet_standard', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_worksheet_standard_worksheet_id'), ['worksheet_id'], unique=False)

    op.create_table('worksheet_control',
    sa.Column('risk', sa.Text(), server_default='', nullable=False),
    sa.Column('control', sa.Text(), server_default='', nullable=False),
    sa.Column('period', sqlmodel.sql.sqltypes.AutoString(length=3), nullable=False),
    sa.Column('cause', sa.Text(), server_default='', nullable=False),
    sa.Column('follow_up', sa.Text(), server_default='', nullable=False),
    sa.Column('owner', sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
    sa.Column('due_date', sa.Date(), nullable=True),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('worksheet_id', sa.Integer(), nullable=False),
    sa.Column('indicator_id', sa.Integer(), nullable=True),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['indicator_id'], ['indicator.id'], ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['worksheet_id'], ['worksheet.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('worksheet_control', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_worksheet_control_indicator_id'), ['indicator_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_worksheet_control_worksheet_id'), ['worksheet_id'], unique=False)

    op.create_table('worksheet_success',
    sa.Column('dimension', sa.String(length=20), nullable=False),
    sa.Column('measure', sqlmodel.sql.sqltypes.AutoString(length=500), nullable=False),
    sa.Column('activity', sqlmodel.sql.sqltypes.AutoString(length=500), nullable=False),
    sa.Column('method', sa.String(length=20), nullable=False),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('worksheet_id', sa.Integer(), nullable=False),
    sa.Column('indicator_id', sa.Integer(), nullable=True),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['indicator_id'], ['indicator.id'], ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['worksheet_id'], ['worksheet.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('worksheet_success', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_worksheet_success_indicator_id'), ['indicator_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_worksheet_success_worksheet_id'), ['worksheet_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('worksheet_success', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_worksheet_success_worksheet_id'))
        batch_op.drop_index(batch_op.f('ix_worksheet_success_indicator_id'))

    op.drop_table('worksheet_success')
    with op.batch_alter_table('worksheet_control', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_worksheet_control_worksheet_id'))
        batch_op.drop_index(batch_op.f('ix_worksheet_control_indicator_id'))

    op.drop_table('worksheet_control')
    with op.batch_alter_table('worksheet_standard', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_worksheet_standard_worksheet_id'))

    op.drop_table('worksheet_standard')
    with op.batch_alter_table('worksheet_resource', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_worksheet_resource_worksheet_id'))

    op.drop_table('worksheet_resource')
    with op.batch_alter_table('worksheet_partner', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_worksheet_partner_worksheet_id'))

    op.drop_table('worksheet_partner')
    with op.batch_alter_table('worksheet_need', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_worksheet_need_worksheet_id'))

    op.drop_table('worksheet_need')
    with op.batch_alter_table('worksheet', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_worksheet_node_id'))

    op.drop_table('worksheet')
