"""The Excel ledger: the workbook written from the ledger and read back into it."""
