"""Stored ranking figures per plan, year, period and settings, and the per-lineage write stamps that keep them
honest (issue 12).

Revision ID: 0020
Revises: 0019
"""
import sqlalchemy as sa
from alembic import op

revision = "0020"
down_revision = "0019"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "plan_stamp",
        sa.Column("key", sa.String(length=32), primary_key=True),
        sa.Column("stamp", sa.Integer(), nullable=False),
    )
    op.create_table(
        "plan_summary",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("plan_id", sa.Integer(), sa.ForeignKey("plan.id", ondelete="CASCADE"), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("period", sa.String(length=3), nullable=False),
        sa.Column("settings_key", sa.String(length=64), nullable=False),
        sa.Column("plan_key", sa.String(length=32), nullable=False),
        sa.Column("stamp", sa.Integer(), nullable=False),
        sa.Column("payload", sa.Text(), nullable=False),
        sa.UniqueConstraint("plan_id", "year", "period", "settings_key"),
    )
    op.create_index("ix_plan_summary_plan_id", "plan_summary", ["plan_id"])


def downgrade() -> None:
    op.drop_index("ix_plan_summary_plan_id", table_name="plan_summary")
    op.drop_table("plan_summary")
    op.drop_table("plan_stamp")
