"""协作台账: the ledger core, free of any GUI."""

__version__ = "0.1.0"
