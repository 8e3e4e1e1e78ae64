"""The desktop window of 协作台账 (PySide6). It shows and edits what `ledger` keeps; it holds no business rules."""
