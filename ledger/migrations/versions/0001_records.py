"""Records of the five kinds, pairings, the directory of units, the audit log and settings.

Revision ID: 0001
Revises:
"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def _stamps() -> list[sa.Column]:
    return [
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("created_by", sa.String(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("updated_by", sa.String(), nullable=False),
    ]


def _kind_key() -> list:
    return [
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(["id"], ["record.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    ]


def _person() -> list[sa.Column]:
    return [
        sa.Column("person_name", sa.String(), nullable=False),
        sa.Column("gender", sa.String(), nullable=True),
        sa.Column("id_number", sa.String(), nullable=True),
        sa.Column("phone", sa.String(), nullable=True),
    ]


def upgrade() -> None:
    op.create_table(
        "pairing",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("name", sa.String(), nullable=False),
        sa.Column("east", sa.String(), nullable=False),
        sa.Column("west", sa.String(), nullable=False),
        *_stamps(),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("name"),
    )
    op.create_table(
        "unit",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("name", sa.String(), nullable=False),
        *_stamps(),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("name"),
    )
    op.create_table(
        "setting",
        sa.Column("key", sa.String(), nullable=False),
        sa.Column("value", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("key"),
    )
    op.create_table(
        "audit_entry",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("author", sa.String(), nullable=False),
        sa.Column("action", sa.String(length=16), nullable=False),
        sa.Column("target", sa.String(length=16), nullable=False),
        sa.Column("target_id", sa.Uuid(), nullable=False),
        sa.Column("record_kind", sa.String(length=32), nullable=True),
        sa.Column("changes", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_audit_entry_at", "audit_entry", ["at"])
    op.create_index("ix_audit_entry_target_id", "audit_entry", ["target_id"])
    op.create_table(
        "record",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("pairing_id", sa.Uuid(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(), nullable=False),
        sa.Column("summary", sa.Text(), nullable=True),
        sa.Column("location", sa.String(), nullable=True),
        sa.Column("record_status", sa.String(), nullable=False),
        sa.Column("date", sa.Date(), nullable=True),
        sa.Column("start_date", sa.Date(), nullable=True),
        sa.Column("end_date", sa.Date(), nullable=True),
        sa.Column("deleted_at", sa.DateTime(), nullable=True),
        sa.Column("deleted_by", sa.String(), nullable=True),
        *_stamps(),
        sa.ForeignKeyConstraint(["pairing_id"], ["pairing.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_record_kind_year_date", "record", ["kind", "year", "date"])
    op.create_index("ix_record_kind_year_start", "record", ["kind", "year", "start_date"])
    op.create_index("ix_record_pairing_year", "record", ["pairing_id", "year"])
    op.create_table(
        "record_unit",
        sa.Column("record_id", sa.Uuid(), nullable=False),
        sa.Column("unit_id", sa.Uuid(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["record_id"], ["record.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["unit_id"], ["unit.id"]),
        sa.PrimaryKeyConstraint("record_id", "unit_id"),
    )
    op.create_table(
        "meeting",
        sa.Column("meeting_type", sa.String(), nullable=False),
        sa.Column("level", sa.String(), nullable=True),
        sa.Column("held_in", sa.String(), nullable=True),
        sa.Column("lead", sa.String(), nullable=True),
        sa.Column("lead_post", sa.String(), nullable=True),
        sa.Column("main_leader_present", sa.Boolean(), nullable=False),
        sa.Column("attendees", sa.Text(), nullable=True),
        sa.Column("minutes_no", sa.String(), nullable=True),
        sa.Column("decisions", sa.Text(), nullable=True),
        *_kind_key(),
    )
    op.create_table(
        "cadre",
        *_person(),
        sa.Column("direction", sa.String(), nullable=False),
        sa.Column("rank", sa.String(), nullable=False),
        sa.Column("home_unit", sa.String(), nullable=True),
        sa.Column("home_post", sa.String(), nullable=True),
        sa.Column("host_unit", sa.String(), nullable=False),
        sa.Column("host_post", sa.String(), nullable=False),
        sa.Column("returned_on", sa.Date(), nullable=True),
        sa.Column("posting_status", sa.String(), nullable=False),
        sa.Column("appointment_doc_no", sa.String(), nullable=True),
        *_kind_key(),
    )
    op.create_table(
        "dispatch",
        *_person(),
        sa.Column("field", sa.String(), nullable=False),
        sa.Column("role", sa.String(), nullable=False),
        sa.Column("professional_title", sa.String(), nullable=True),
        sa.Column("direction", sa.String(), nullable=False),
        sa.Column("home_institution", sa.String(), nullable=True),
        sa.Column("host_institution", sa.String(), nullable=False),
        sa.Column("subject", sa.String(), nullable=True),
        sa.Column("days", sa.Integer(), nullable=True),
        *_kind_key(),
    )
    op.create_index("ix_dispatch_days", "dispatch", ["days"])
    op.create_table(
        "training",
        sa.Column("training_type", sa.String(), nullable=False),
        sa.Column("programme", sa.String(), nullable=True),
        sa.Column("organiser", sa.String(), nullable=True),
        sa.Column("held_in", sa.String(), nullable=True),
        sa.Column("sessions", sa.Integer(), nullable=False),
        sa.Column("participants", sa.Integer(), nullable=False),
        sa.Column("poor_participants", sa.Integer(), nullable=True),
        sa.Column("certificates", sa.Integer(), nullable=True),
        *_kind_key(),
    )
    op.create_table(
        "disbursement",
        sa.Column("fund_type", sa.String(), nullable=False),
        sa.Column("fund_level", sa.String(), nullable=False),
        sa.Column("amount", sa.BigInteger(), nullable=False),  # fen
        sa.Column("payer", sa.String(), nullable=True),
        sa.Column("payee", sa.String(), nullable=True),
        sa.Column("voucher_no", sa.String(), nullable=True),
        sa.Column("project", sa.String(), nullable=True),
        sa.Column("use", sa.String(), nullable=True),
        sa.Column("deep_poverty", sa.Boolean(), nullable=False),
        *_kind_key(),
    )


def downgrade() -> None:
    for table in (
        "disbursement",
        "training",
        "dispatch",
        "cadre",
        "meeting",
        "record_unit",
        "record",
        "audit_entry",
        "setting",
        "unit",
        "pairing",
    ):
        op.drop_table(table)
