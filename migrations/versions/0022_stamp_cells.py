"""The cells written since a stamp (``plan_stamp.base`` and ``plan_stamp.cells``): a kept dashboard evaluation
is brought up to date from them instead of evaluated again (issue 12). Existing stamps start with no record.

Revision ID: 0022
Revises: 0021
"""
import sqlalchemy as sa
from alembic import op

revision = "0022"
down_revision = "0021"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("plan_stamp") as batch:
        batch.add_column(sa.Column("base", sa.Integer(), nullable=False, server_default="0"))
        batch.add_column(sa.Column("cells", sa.Text(), nullable=False, server_default=""))
    op.execute("UPDATE plan_stamp SET base = stamp")


def downgrade() -> None:
    with op.batch_alter_table("plan_stamp") as batch:
        batch.drop_column("cells")
        batch.drop_column("base")
