"""The ledger on disk: its folder and lock, the database and its schema, backups, outputs."""
