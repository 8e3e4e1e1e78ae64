"""The items of a package's `data.json`: rows as a package carries them, and read back as the ledger's types.

A package carries each row as it is stored (`row_item`): a task's units and a target's parameters as the JSON
text of their columns, a threshold as its exact decimal, so a merge puts back what the other ledger holds, and a
package written by an earlier version of the program reads the same. A value a merge cannot use raises
`InvalidInput` naming it (`bad_value`), which `merge_package` turns into a refusal of the whole package, with
nothing changed.
"""

from __future__ import annotations

import uuid
from collections.abc import Collection, Iterable, Mapping
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from sqlalchemy import inspect

from ledger.errors import InvalidInput
from ledger.fields import Problem
from ledger.models import utc_now

#: Who made a row, changed it last and removed it: what a packed record carries beside its values.
STAMPS = ("created_at", "created_by", "updated_at", "updated_by", "deleted_at", "deleted_by")


def row_item(row: Any, names: Iterable[str] | None = None, *, leave_out: Collection[str] = ()) -> dict[str, Any]:
    """A row as a package carries it: its columns as stored (or those `names`) but `leave_out`, in JSON: ids and
    exact decimals as text, times and days in ISO form."""
    if names is None:
        names = [column.key for column in inspect(row).mapper.column_attrs if column.key not in leave_out]
    return {name: _json(getattr(row, name)) for name in names}


def _json(value: Any) -> Any:
    if isinstance(value, uuid.UUID | Decimal):
        return str(value)
    return value.isoformat() if isinstance(value, date) else value


def task_fields(item: Mapping[str, Any]) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """A task's columns and its targets' columns as the package gives them."""
    try:
        targets = [
            {
                "id": uuid_of(target, "id"),
                "position": int(target["position"]),
                "measure": text_of(target, "measure"),
                "params": text_of(target, "params"),
                "threshold": Decimal(text_of(target, "threshold")),
                "source": str(target.get("source") or ""),
                # Packages made before targets could be held to last year carry none.
                "basis": str(target.get("basis") or ""),
            }
            for target in item.get("targets", [])
        ]
        fields = {
            "id": uuid_of(item, "id"),
            "position": int(item["position"]),
            "seq": str(item.get("seq") or ""),
            "area": str(item.get("area") or ""),
            "item": text_of(item, "item"),
            "target_text": str(item.get("target_text") or ""),
            "deadline": date.fromisoformat(item["deadline"]) if item.get("deadline") else None,
            "deadline_text": str(item.get("deadline_text") or ""),
            "responsible_units": str(item.get("responsible_units") or "[]"),
            "assisting_units": str(item.get("assisting_units") or "[]"),
            "remarks": str(item.get("remarks") or ""),
        }
    except (KeyError, TypeError, ValueError, InvalidOperation) as error:
        raise bad_value("task", str(item.get("item", ""))[:30], f"计划任务的数据有误：{error}") from None
    return fields, targets


def bad_value(name: str, value: str, message: str) -> InvalidInput:
    return InvalidInput([Problem(name, name, value, message)])


def text_of(item: Any, key: str) -> str:
    value = item.get(key) if isinstance(item, dict) else None
    if not isinstance(value, str) or not value:
        raise bad_value(key, str(value), "缺少或不是文字")
    return value


def uuid_of(item: Any, key: str) -> uuid.UUID:
    try:
        return uuid.UUID(text_of(item, key))
    except ValueError:
        raise bad_value(key, str(item.get(key)), "不是有效的编号") from None


def datetime_of(text: Any) -> datetime | None:
    if text is None:
        return None
    try:
        value = datetime.fromisoformat(str(text))
    except ValueError:
        raise bad_value("time", str(text), "不是有效的时间") from None
    if value.tzinfo is None:
        raise bad_value("time", str(text), "时间缺少时区")
    return value


def stamp_of(item: Mapping[str, Any], name: str) -> Any:
    if name.endswith("_at"):
        return datetime_of(item.get(name)) or utc_now()
    return str(item.get(name) or "")
