"""Optimistic locking: a ``version`` on every editable record (SQLAlchemy ``version_id_col``).

Indicators, worksheets and action steps had one already; they keep it. Existing rows start at 1.

Revision ID: 0016
Revises: 0014
"""
import sqlalchemy as sa
from alembic import op

revision = "0016"
down_revision = "0014"
branch_labels = None
depends_on = None

TABLES = ("plan", "plan_node", "target", "realization", "narrative", "follow_up", "node_budget",
          "budget_realization", "comment", "organization_settings", "evaluation", "evaluation_score")


def upgrade() -> None:
    for table in TABLES:
        with op.batch_alter_table(table) as batch:
            batch.add_column(sa.Column("version", sa.Integer(), nullable=False, server_default="1"))


def downgrade() -> None:
    for table in TABLES:
        with op.batch_alter_table(table) as batch:
            batch.drop_column("version")
