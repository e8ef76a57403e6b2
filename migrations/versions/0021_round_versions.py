"""Optimistic locking for evaluation rounds: a ``version`` on a round's units (the evaluator's score sheet and
conclusion), verified scores and recommendations (SQLAlchemy ``version_id_col``). Existing rows start at 1.

Revision ID: 0021
Revises: 0020
"""
import sqlalchemy as sa
from alembic import op

revision = "0021"
down_revision = "0020"
branch_labels = None
depends_on = None

TABLES = ("evaluation_round_unit", "evaluation_verified_score", "evaluation_recommendation")


def upgrade() -> None:
    for table in TABLES:
        with op.batch_alter_table(table) as batch:
            batch.add_column(sa.Column("version", sa.Integer(), nullable=False, server_default="1"))


def downgrade() -> None:
    for table in TABLES:
        with op.batch_alter_table(table) as batch:
            batch.drop_column("version")
