"""Failures worth telling the user about, each with a message in Chinese that can be shown as it is."""

from __future__ import annotations

from collections.abc import Sequence

from ledger.fields import Problem


class LedgerError(Exception):
    """Something the user can act on; the message says what and, where it can, how."""


class LedgerInUse(LedgerError):
    pass


class NotALedger(LedgerError):
    pass


class NotFound(LedgerError):
    pass


class RecordLocked(LedgerError):
    pass


class InvalidInput(LedgerError):
    """Values that cannot be saved; nothing was written."""

    def __init__(self, problems: Sequence[Problem], heading: str = "输入有误，未作任何修改："):
        self.problems = list(problems)
        super().__init__("\n".join([heading, *(f"  {problem}" for problem in self.problems)]))
