"""The demo ledger: a pairing's year of records, evidence and plans, made up but true to the work."""
