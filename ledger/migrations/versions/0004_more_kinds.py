"""The other five record kinds of the assessment: labour, industry, consumption, pairing ties and publicity.

Revision ID: 0004
Revises: 0003
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

TABLES = ("labour", "industry", "consumption", "tie", "publicity")


def _kind_key() -> list:
    return [
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(["id"], ["record.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    ]


def upgrade() -> None:
    op.create_table(
        "labour",
        sa.Column("labour_type", sa.String(), nullable=False),
        sa.Column("to_east", sa.Boolean(), nullable=False),
        sa.Column("people", sa.Integer(), nullable=True),
        sa.Column("poor_people", sa.Integer(), nullable=True),
        sa.Column("destination", sa.String(), nullable=True),
        sa.Column("employer", sa.String(), nullable=True),
        sa.Column("stalls", sa.Integer(), nullable=True),
        sa.Column("jobs", sa.Integer(), nullable=True),
        sa.Column("disabled_only", sa.Boolean(), nullable=False),
        sa.Column("subsidy", sa.BigInteger(), nullable=True),  # fen
        *_kind_key(),
    )
    op.create_table(
        "industry",
        sa.Column("cooperation_type", sa.String(), nullable=False),
        sa.Column("enterprise", sa.String(), nullable=False),
        sa.Column("enterprise_home", sa.String(), nullable=True),
        sa.Column("investment", sa.BigInteger(), nullable=True),  # fen
        sa.Column("pledged_investment", sa.BigInteger(), nullable=True),  # fen
        sa.Column("park", sa.String(), nullable=True),
        sa.Column("employed", sa.Integer(), nullable=True),
        sa.Column("poor_employed", sa.Integer(), nullable=True),
        sa.Column("production_date", sa.Date(), nullable=True),
        *_kind_key(),
    )
    op.create_table(
        "consumption",
        sa.Column("channel", sa.String(), nullable=False),
        sa.Column("products", sa.Text(), nullable=False),
        sa.Column("amount", sa.BigInteger(), nullable=False),  # fen
        sa.Column("buyer", sa.String(), nullable=True),
        sa.Column("poor_benefited", sa.Integer(), nullable=True),
        *_kind_key(),
    )
    op.create_table(
        "tie",
        sa.Column("level", sa.String(), nullable=False),
        sa.Column("east_party", sa.String(), nullable=False),
        sa.Column("west_party", sa.String(), nullable=False),
        sa.Column("activities", sa.Text(), nullable=False),  # JSON: date, text, count, unit, amount in fen
        *_kind_key(),
    )
    op.create_table(
        "publicity",
        sa.Column("outlet", sa.String(), nullable=False),
        sa.Column("level", sa.String(), nullable=False),
        sa.Column("medium", sa.String(), nullable=True),
        sa.Column("side", sa.String(), nullable=True),
        sa.Column("edition", sa.String(), nullable=True),
        sa.Column("link", sa.String(), nullable=True),
        *_kind_key(),
    )


def downgrade() -> None:
    for table in reversed(TABLES):
        op.drop_table(table)
