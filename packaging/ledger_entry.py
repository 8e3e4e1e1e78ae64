"""The built command (`ledger`): the same sub-commands as the installed `ledger`, and `--self-test`."""

import multiprocessing
import sys

if __name__ == "__main__":
    multiprocessing.freeze_support()
    if sys.argv[1:] == ["--self-test"]:
        # A console program, so the report is readable where the window program has no console (Windows).
        from ui.self_test import run_self_test

        sys.exit(run_self_test())
    from ledger.cli.main import main

    sys.exit(main())
