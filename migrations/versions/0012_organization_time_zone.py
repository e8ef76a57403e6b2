"""Organisation time zone (WIB, WITA, WIT) for local times in the audit trail.

Revision ID: 0012
Revises: 0011
"""
import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("organization") as batch:
        batch.add_column(sa.Column("timezone", sa.String(length=4), nullable=False, server_default="WIB"))


def downgrade() -> None:
    with op.batch_alter_table("organization") as batch:
        batch.drop_column("timezone")
