"""Penetapan decree (SK number and date) on plans; the coverage threshold of the calculation settings.

Revision ID: 0019
Revises: 0018
"""
import sqlalchemy as sa
from alembic import op

revision = "0019"
down_revision = "0018"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("plan") as batch:
        batch.add_column(sa.Column("decree_number", sa.String(length=100), nullable=False, server_default=""))
        batch.add_column(sa.Column("decree_date", sa.Date(), nullable=True))
    with op.batch_alter_table("organization_settings") as batch:
        batch.add_column(sa.Column("coverage_threshold", sa.Float(), nullable=False, server_default="80"))


def downgrade() -> None:
    with op.batch_alter_table("organization_settings") as batch:
        batch.drop_column("coverage_threshold")
    with op.batch_alter_table("plan") as batch:
        batch.drop_column("decree_date")
        batch.drop_column("decree_number")
