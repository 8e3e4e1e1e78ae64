"""The command line: `ledger COMMAND`, one module per group of commands."""
