"""Real-name rosters: the workers of a labour record, each a person of the directory.

A new table alone; nothing existing changes.

Revision ID: 0009
Revises: 0008
"""

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None

_TEXTS = (
    "gender",
    "hukou_county",
    "hukou_town",
    "hukou_village",
    "poverty_status",
    "work_province",
    "work_city",
    "employer",
    "post",
)


def upgrade() -> None:
    op.create_table(
        "roster_entry",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("record_id", sa.Uuid(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Uuid(), nullable=False),
        sa.Column("name", sa.String(), nullable=False),
        sa.Column("id_number", sa.String(), nullable=True),
        *(sa.Column(name, sa.String(), nullable=False) for name in _TEXTS),
        sa.Column("start_date", sa.Date(), nullable=True),
        sa.Column("end_date", sa.Date(), nullable=True),
        sa.Column("monthly_income", sa.BigInteger(), nullable=True),
        sa.Column("placement", sa.String(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("created_by", sa.String(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("updated_by", sa.String(), nullable=False),
        sa.ForeignKeyConstraint(["record_id"], ["record.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["person_id"], ["person.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("record_id", "person_id"),
    )
    op.create_index("ix_roster_entry_record_id", "roster_entry", ["record_id"])
    op.create_index("ix_roster_entry_person_id", "roster_entry", ["person_id"])


def downgrade() -> None:
    op.drop_index("ix_roster_entry_person_id", table_name="roster_entry")
    op.drop_index("ix_roster_entry_record_id", table_name="roster_entry")
    op.drop_table("roster_entry")
