"""Training mode: accounts that must change a one-time password; cases, classes, enrolments, sandboxes (assignments), feedback history, quiz attempts;
organisations flagged as sandboxes.

Revision ID: 0013
Revises: 0012
"""
import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("organization") as batch:
        batch.add_column(sa.Column("sandbox", sa.Boolean(), nullable=False, server_default=sa.false()))
        batch.create_index("ix_organization_sandbox", ["sandbox"])
    with op.batch_alter_table("user") as batch:
        batch.add_column(sa.Column("must_change_password", sa.Boolean(), nullable=False, server_default=sa.false()))
    op.create_table(
        "training_case",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("code", sa.String(length=60), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("unit_name", sa.String(length=300), nullable=False),
        sa.Column("scheme", sa.String(length=20), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("chapter", sa.String(length=100), nullable=False),
        sa.Column("context", sa.Text(), nullable=False),
        sa.Column("documents", sa.JSON(), nullable=False),
        sa.Column("start", sa.JSON(), nullable=False),
        sa.Column("expectations", sa.JSON(), nullable=False),
        sa.Column("updated_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("updated_by", sa.String(length=80), nullable=False),
    )
    op.create_index("ix_training_case_code", "training_case", ["code"], unique=True)
    op.create_table(
        "training_class",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("organization_id", sa.Integer(), sa.ForeignKey("organization.id", ondelete="CASCADE"),
                  nullable=False, unique=True),
        sa.Column("created_by", sa.String(length=80), nullable=False),
        sa.Column("created_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    )
    op.create_table(
        "training_enrolment",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("class_id", sa.Integer(), sa.ForeignKey("training_class.id", ondelete="CASCADE"), nullable=False),
        sa.Column("user_id", sa.Integer(), sa.ForeignKey("user.id", ondelete="CASCADE"), nullable=False),
        sa.Column("group_name", sa.String(length=60), nullable=False),
        sa.UniqueConstraint("class_id", "user_id"),
    )
    op.create_index("ix_training_enrolment_class_id", "training_enrolment", ["class_id"])
    op.create_index("ix_training_enrolment_user_id", "training_enrolment", ["user_id"])
    op.create_table(
        "training_assignment",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("class_id", sa.Integer(), sa.ForeignKey("training_class.id", ondelete="CASCADE"), nullable=False),
        sa.Column("case_id", sa.Integer(), sa.ForeignKey("training_case.id", ondelete="RESTRICT"), nullable=False),
        sa.Column("organization_id", sa.Integer(), sa.ForeignKey("organization.id", ondelete="CASCADE"),
                  nullable=False, unique=True),
        sa.Column("plan_id", sa.Integer(), sa.ForeignKey("plan.id", ondelete="SET NULL"), nullable=True),
        sa.Column("user_id", sa.Integer(), sa.ForeignKey("user.id", ondelete="SET NULL"), nullable=True),
        sa.Column("group_name", sa.String(length=60), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("score", sa.Float(), nullable=True),
        sa.Column("findings", sa.Integer(), nullable=False),
        sa.Column("active_seconds", sa.Integer(), nullable=False),
        sa.Column("last_seen_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
        sa.Column("started_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("submitted_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
        sa.Column("grade", sa.Float(), nullable=True),
        sa.Column("reviewed_by", sa.String(length=80), nullable=False),
    )
    op.create_index("ix_training_assignment_class_id", "training_assignment", ["class_id"])
    op.create_index("ix_training_assignment_case_id", "training_assignment", ["case_id"])
    op.create_table(
        "training_feedback",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("assignment_id", sa.Integer(), sa.ForeignKey("training_assignment.id", ondelete="CASCADE"),
                  nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("score", sa.Float(), nullable=True),
        sa.Column("findings", sa.Integer(), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("node_id", sa.Integer(), sa.ForeignKey("plan_node.id", ondelete="SET NULL"), nullable=True),
        sa.Column("grade", sa.Float(), nullable=True),
        sa.Column("username", sa.String(length=80), nullable=False),
        sa.Column("at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    )
    op.create_index("ix_training_feedback_assignment_id", "training_feedback", ["assignment_id"])
    op.create_table(
        "training_quiz_attempt",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("class_id", sa.Integer(), sa.ForeignKey("training_class.id", ondelete="CASCADE"), nullable=False),
        sa.Column("user_id", sa.Integer(), sa.ForeignKey("user.id", ondelete="CASCADE"), nullable=False),
        sa.Column("chapter", sa.String(length=20), nullable=False),
        sa.Column("correct", sa.Integer(), nullable=False),
        sa.Column("total", sa.Integer(), nullable=False),
        sa.Column("score", sa.Float(), nullable=False),
        sa.Column("answers", sa.JSON(), nullable=False),
        sa.Column("at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    )
    op.create_index("ix_training_quiz_attempt_class_id", "training_quiz_attempt", ["class_id"])
    op.create_index("ix_training_quiz_attempt_user_id", "training_quiz_attempt", ["user_id"])


def downgrade() -> None:
    for table in ("training_quiz_attempt", "training_feedback", "training_assignment", "training_enrolment",
                  "training_class", "training_case"):
        op.drop_table(table)
    with op.batch_alter_table("user") as batch:
        batch.drop_column("must_change_password")
    with op.batch_alter_table("organization") as batch:
        batch.drop_index("ix_organization_sandbox")
        batch.drop_column("sandbox")
