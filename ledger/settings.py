"""A ledger's own settings (修改人, 编制单位, the binder's font…), read and written as text by key.

Settings are not records: they are not audited and do not travel in packages.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from sqlalchemy import select
from sqlalchemy.orm import Session

from ledger.models import Setting


def read_settings(session: Session, keys: Iterable[str]) -> dict[str, str]:
    """The settings among `keys` that are set."""
    return {s.key: s.value for s in session.scalars(select(Setting).where(Setting.key.in_(list(keys))))}


def write_settings(session: Session, values: Mapping[str, str]) -> None:
    """Sets each key to its value; an empty value removes the setting (its default applies again)."""
    for key, value in values.items():
        existing = session.get(Setting, key)
        if value:
            session.merge(Setting(key=key, value=value))
        elif existing is not None:
            session.delete(existing)
