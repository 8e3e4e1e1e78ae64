"""A stored revision on every record, bumped by each write to it: what a workbook row or a package was made from.

Revision ID: 0005
Revises: 0004
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # A column with a default is added in place (ALTER TABLE ADD COLUMN), no copy of `record`; existing
    # records start at 1, whatever their history in the audit log.
    with op.batch_alter_table("record") as batch:
        batch.add_column(sa.Column("revision", sa.Integer(), nullable=False, server_default="1"))


def downgrade() -> None:
    with op.batch_alter_table("record") as batch:
        batch.drop_column("revision")
