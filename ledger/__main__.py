"""`python -m ledger` runs the ledger command."""

import sys

from ledger.cli.main import main

sys.exit(main())
