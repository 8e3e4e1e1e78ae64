"""The built window program (`xiezuo`): the window, or `--self-test`."""

import multiprocessing
import sys

if __name__ == "__main__":
    # The binder's photo workers are spawned copies of this program; they must stop here and work.
    multiprocessing.freeze_support()
    from ui.app import main

    sys.exit(main())
