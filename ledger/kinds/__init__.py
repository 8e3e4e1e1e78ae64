"""The record kinds: each module holds one kind's table and its field spec."""

from __future__ import annotations

from ledger.fields import KindSpec
from ledger.kinds import cadre, disbursement, dispatch, meeting, training
from ledger.models import Record

_MODULES = (meeting, cadre, dispatch, training, disbursement)

#: Kinds by name, in the order the interface lists them.
KINDS: dict[str, KindSpec] = {module.SPEC.name: module.SPEC for module in _MODULES}
MODELS: dict[str, type[Record]] = {
    "meeting": meeting.Meeting,
    "cadre": cadre.Cadre,
    "dispatch": dispatch.Dispatch,
    "training": training.Training,
    "disbursement": disbursement.Disbursement,
}


def kind_spec(name: str) -> KindSpec:
    try:
        return KINDS[name]
    except KeyError:
        known = "、".join(f"{spec.name}（{spec.label}）" for spec in KINDS.values())
        raise LookupError(f"没有这种记录类型：{name}；可用的有 {known}") from None
