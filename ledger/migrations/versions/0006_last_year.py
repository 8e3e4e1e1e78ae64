"""Records that last count in every year they overlap: each record keeps its last year beside its first.

`last_year` is the year of a record's end (a posting's return, else its planned end; a training's or a stay's
end date), never before its first; empty while an open-ended record (a posting not yet ended, a standing tie,
a park or workshop still running) has no end, so that it counts up to the present. A posting, stay or
training filed until now under a later year than it began in (a posting of 2018–2020 kept as a 2020 record)
is filed under the year it began, its first, and so counts in each year it lasts. Ties gain an end date: those
kept until now as one record per year, each under its year, are closed at the end of that year, so that they
stay as they were and do not count twice.

Revision ID: 0006
Revises: 0005
"""

import datetime as dt

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

#: Industry records that run until they stop, as `ledger.kinds.industry.LASTING` names them at this revision.
_LASTING = ("产业园区", "帮扶车间")

_record = sa.table(
    "record",
    sa.column("id", sa.Uuid()),
    sa.column("kind", sa.String()),
    sa.column("year", sa.Integer()),
    sa.column("start_date", sa.Date()),
    sa.column("end_date", sa.Date()),
    sa.column("last_year", sa.Integer()),
)
_cadre = sa.table("cadre", sa.column("id", sa.Uuid()), sa.column("returned_on", sa.Date()))
_industry = sa.table("industry", sa.column("id", sa.Uuid()), sa.column("cooperation_type", sa.String()))


def upgrade() -> None:
    with op.batch_alter_table("record") as batch:
        batch.add_column(sa.Column("last_year", sa.Integer(), nullable=True))
        batch.create_index("ix_record_kind_last_year", ["kind", "last_year"])
    connection = op.get_bind()
    # Computed here rather than in SQL, so that the same steps run on every database the ledger is kept in.
    returned = dict(connection.execute(sa.select(_cadre.c.id, _cadre.c.returned_on)).all())
    lasting = dict(connection.execute(sa.select(_industry.c.id, _industry.c.cooperation_type)).all())
    updates = []
    for record_id, kind, year, start, end_date in connection.execute(
        sa.select(_record.c.id, _record.c.kind, _record.c.year, _record.c.start_date, _record.c.end_date)
    ):
        if start is not None and start.year < year:
            year = start.year
        if kind == "tie" and end_date is None:
            end_date = dt.date(year, 12, 31)
        end = returned.get(record_id) or end_date
        if end is not None:
            last_year = max(year, end.year)
        elif kind == "cadre" or (kind == "industry" and lasting.get(record_id) in _LASTING):
            last_year = None
        else:
            last_year = year
        updates.append({"key": record_id, "year": year, "end_date": end_date, "last_year": last_year})
    if updates:
        connection.execute(
            _record.update()
            .where(_record.c.id == sa.bindparam("key"))
            .values(year=sa.bindparam("year"), end_date=sa.bindparam("end_date"), last_year=sa.bindparam("last_year")),
            updates,
        )


def downgrade() -> None:
    with op.batch_alter_table("record") as batch:
        batch.drop_index("ix_record_kind_last_year")
        batch.drop_column("last_year")
