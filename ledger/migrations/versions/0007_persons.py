"""A directory of people: each cadre and dispatch record names its person, so a person posted twice is one person.

The directory is filled from the records already kept, oldest first, as the write path fills it from then on
(`ledger.persons`): the same 身份证号 is the same person; without one, the same name from the same 派出单位; a
record bringing the ID number of a person so far known without one, by name and unit, gives it to them. Each
person keeps the latest name, gender, phone and unit given.

Revision ID: 0007
Revises: 0006
"""

import uuid

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

#: The kinds whose records name a person, and their field of the unit that sent them, at this revision.
_UNIT_FIELDS = {"cadre": "home_unit", "dispatch": "home_institution"}

_person = sa.table(
    "person",
    *(sa.column(name, sa.String()) for name in ("name", "gender", "id_number", "phone", "unit", "poverty_status")),
    sa.column("id", sa.Uuid()),
    *(sa.column(name, sa.DateTime()) for name in ("created_at", "updated_at")),
    *(sa.column(name, sa.String()) for name in ("created_by", "updated_by")),
)
_record = sa.table(
    "record",
    sa.column("id", sa.Uuid()),
    sa.column("person_id", sa.Uuid()),
    sa.column("created_at", sa.DateTime()),
    sa.column("created_by", sa.String()),
)


def upgrade() -> None:
    op.create_table(
        "person",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("name", sa.String(), nullable=False),
        sa.Column("gender", sa.String(), nullable=False),
        sa.Column("id_number", sa.String(), nullable=True),
        sa.Column("phone", sa.String(), nullable=False),
        sa.Column("unit", sa.String(), nullable=False),
        sa.Column("poverty_status", sa.String(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("created_by", sa.String(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("updated_by", sa.String(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("id_number"),
    )
    op.create_index("ix_person_name", "person", ["name"])
    with op.batch_alter_table("record") as batch:
        batch.add_column(sa.Column("person_id", sa.Uuid(), nullable=True))
        batch.create_index("ix_record_person_id", ["person_id"])
        batch.create_foreign_key("fk_record_person_id_person", "person", ["person_id"], ["id"])
    _fill_directory(op.get_bind())


def _fill_directory(connection) -> None:
    """Persons for the records of the person kinds, in the order the records were made; computed here rather than
    in SQL, so that the same steps run on every database the ledger is kept in."""
    rows = []
    for kind, unit_field in _UNIT_FIELDS.items():
        own = sa.table(
            kind,
            *(sa.column(name, sa.String()) for name in ("person_name", "gender", "id_number", "phone", unit_field)),
        )
        own.append_column(sa.column("id", sa.Uuid()))
        query = sa.select(
            _record.c.id,
            _record.c.created_at,
            _record.c.created_by,
            own.c.person_name,
            own.c.gender,
            own.c.id_number,
            own.c.phone,
            own.c[unit_field],
        ).join(own, own.c.id == _record.c.id)
        rows.extend(connection.execute(query))
    by_id: dict[str, dict] = {}
    by_name: dict[tuple[str, str], dict] = {}
    identified: dict[tuple[str, str], list[dict]] = {}  # (name, unit) of those known with an ID number
    persons: list[dict] = []
    links = []
    for record_id, at, author, name, gender, id_number, phone, unit in sorted(rows, key=lambda row: (row[1], row[0])):
        unit = unit or ""
        person = by_id.get(id_number) if id_number else by_name.get((name, unit))
        if person is None and id_number:
            person = by_name.pop((name, unit), None)  # known so far without an ID number: it is theirs
        if person is None and not id_number and len(identified.get((name, unit), ())) == 1:
            (person,) = identified[(name, unit)]  # the number left out this time
        if person is None:
            person = {"id": uuid.uuid4(), "id_number": None, "gender": "", "phone": "", "poverty_status": ""}
            person |= {"created_at": at, "created_by": author, "unit": unit}
            persons.append(person)
            if not id_number:
                by_name[(name, unit)] = person
        if id_number:
            person["id_number"] = id_number
            by_id[id_number] = person
            if person not in identified.setdefault((name, unit), []):
                identified[(name, unit)].append(person)
        person |= {"name": name, "gender": gender or person["gender"], "phone": phone or person["phone"]}
        person |= {"unit": unit or person["unit"], "updated_at": at, "updated_by": author}
        links.append({"key": record_id, "person_id": person["id"]})
    if persons:
        connection.execute(_person.insert(), persons)
        connection.execute(
            _record.update().where(_record.c.id == sa.bindparam("key")).values(person_id=sa.bindparam("person_id")),
            links,
        )


def downgrade() -> None:
    with op.batch_alter_table("record") as batch:
        batch.drop_constraint("fk_record_person_id_person", type_="foreignkey")
        batch.drop_index("ix_record_person_id")
        batch.drop_column("person_id")
    op.drop_index("ix_person_name", table_name="person")
    op.drop_table("person")
