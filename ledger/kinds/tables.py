"""Each kind's table, made from its field spec so that a field, its default and whether it may be empty are said
once. The spec's fields kept in columns that `record` lacks become the kind's own table, joined to `record` by its
id; what the spec cannot say (an index, a one-line field kept as TEXT) the kind gives beside the call."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import Boolean, Date, ForeignKey, Integer, String, Text
from sqlalchemy.orm import MappedColumn, mapped_column
from sqlalchemy.types import TypeEngine

from ledger.field_types import FieldType
from ledger.fields import Field, KindSpec
from ledger.models import ActivityList, Money, Record

#: The SQL type a field's values are kept in, by field type: words as VARCHAR, amounts as integer fen.
_SQL_TYPES: dict[FieldType, type[TypeEngine[Any]]] = {
    FieldType.TEXT: String,
    FieldType.PERSON: String,
    FieldType.UNIT: String,
    FieldType.CHOICE: String,
    FieldType.ID_NUMBER: String,
    FieldType.PHONE: String,
    FieldType.DATE: Date,
    FieldType.INT: Integer,
    FieldType.BOOL: Boolean,
    FieldType.MONEY: Money,
    FieldType.ENTRIES: ActivityList,
}


def record_key() -> MappedColumn[uuid.UUID]:
    """A kind table's primary key: the id of its row in `record`, whose removal takes this row with it."""
    return mapped_column(ForeignKey("record.id", ondelete="CASCADE"), primary_key=True)


def own_fields(spec: KindSpec) -> tuple[Field, ...]:
    """The fields of `spec` kept in the kind's own table: columns, not links, and not those every kind has."""
    shared = Record.__table__.columns
    return tuple(f for f in spec.fields if f.values.stored_in == "column" and f.name not in shared)


def _column(field: Field, *, text: bool) -> MappedColumn[Any]:
    sql_type = Text if text or (field.multiline and field.type is FieldType.TEXT) else _SQL_TYPES[field.type]
    # A saved value is never missing where one must be given, where the ledger fills a default, nor in a list,
    # whose empty value is [].
    listed = field.values.listed
    filled = field.required or field.default is not None or listed
    return mapped_column(sql_type(), nullable=not filled, default=list if listed else field.default)


def kind_table(spec: KindSpec, *table_args: Any, text: tuple[str, ...] = ()) -> type[Record]:
    """The mapped subclass of `Record` holding the kind's own fields, named `spec.name` as table and as the
    `kind` its records have; `table_args` are further constraints and indexes, and `text` names one-line fields
    kept as TEXT rather than VARCHAR."""
    namespace: dict[str, Any] = {
        "__tablename__": spec.name,
        "__mapper_args__": {"polymorphic_identity": spec.name},
        "id": record_key(),
        **{f.name: _column(f, text=f.name in text) for f in own_fields(spec)},
    }
    if table_args:
        namespace["__table_args__"] = table_args
    return type(spec.name.title(), (Record,), namespace)
