"""A Renstra indicator's end-of-period target; a Renstra sasaran's link to the parent organisation's sasaran.

Revision ID: 0018
Revises: 0017
"""
import sqlalchemy as sa
from alembic import op

revision = "0018"
down_revision = "0017"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("indicator") as batch:
        batch.add_column(sa.Column("end_target", sa.Float(), nullable=True))
    with op.batch_alter_table("plan_node") as batch:
        batch.add_column(sa.Column("supports_id", sa.Integer(), nullable=True))
        batch.create_index(batch.f("ix_plan_node_supports_id"), ["supports_id"], unique=False)
        batch.create_foreign_key("fk_plan_node_supports_id_plan_node", "plan_node", ["supports_id"], ["id"],
                                 ondelete="SET NULL")


def downgrade() -> None:
    with op.batch_alter_table("plan_node") as batch:
        batch.drop_constraint("fk_plan_node_supports_id_plan_node", type_="foreignkey")
        batch.drop_index(batch.f("ix_plan_node_supports_id"))
        batch.drop_column("supports_id")
    with op.batch_alter_table("indicator") as batch:
        batch.drop_column("end_target")
