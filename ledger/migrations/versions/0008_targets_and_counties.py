"""Targets set against last year (不低于上年, 逐年增长), and the counties a pairing covers with each record's own.

A target gains its basis ("" for a fixed threshold, "上年" or "增长"); a pairing the list of its receiving
counties (受援县), empty for a pairing of one county; a record the county it was done in, where its pairing
covers several. Added in place with their defaults: nothing existing changes.

Revision ID: 0008
Revises: 0007
"""

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("target") as batch:
        batch.add_column(sa.Column("basis", sa.String(length=8), nullable=False, server_default=""))
    with op.batch_alter_table("pairing") as batch:
        batch.add_column(sa.Column("counties", sa.Text(), nullable=False, server_default="[]"))
    with op.batch_alter_table("record") as batch:
        batch.add_column(sa.Column("county", sa.String(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("record") as batch:
        batch.drop_column("county")
    with op.batch_alter_table("pairing") as batch:
        batch.drop_column("counties")
    with op.batch_alter_table("target") as batch:
        batch.drop_column("basis")
