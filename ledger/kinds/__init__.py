"""The record kinds: each module holds one kind's field spec and the table made from it."""

from __future__ import annotations

from ledger.fields import KindSpec
from ledger.kinds import (
    cadre,
    consumption,
    disbursement,
    dispatch,
    industry,
    labour,
    meeting,
    publicity,
    tie,
    training,
)
from ledger.models import Record

# The order the interface lists them in: the assessment's order of work, 组织领导 first.
_MODULES = (meeting, cadre, dispatch, training, disbursement, industry, labour, consumption, tie, publicity)

#: Kinds by name, in the order the interface lists them.
KINDS: dict[str, KindSpec] = {module.SPEC.name: module.SPEC for module in _MODULES}
#: Each kind's table, as its module maps it on `record`.
MODELS: dict[str, type[Record]] = {module.SPEC.name: module.TABLE for module in _MODULES}


def kind_spec(name: str) -> KindSpec:
    try:
        return KINDS[name]
    except KeyError:
        known = "、".join(f"{spec.name}（{spec.label}）" for spec in KINDS.values())
        raise LookupError(f"没有这种记录类型：{name}；可用的有 {known}") from None
