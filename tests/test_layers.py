"""The layers: every module of `ledger` imports with PySide6 unavailable, so the ledger, the command line and
the tests of both run on a machine without Qt, and no rule can hide in the window."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_every_ledger_module_imports_without_pyside6():
    script = textwrap.dedent(
        """
        import importlib, importlib.abc, pkgutil, sys

        class NoQt(importlib.abc.MetaPathFinder):
            def find_spec(self, name, path=None, target=None):
                if name.split(".")[0] in ("PySide6", "shiboken6"):
                    raise ImportError(f"{name} is not available")
                return None

        sys.meta_path.insert(0, NoQt())
        import ledger
        # Not the entry point, which runs the command, nor Alembic's environment, which runs under Alembic.
        skipped = ("ledger.__main__", "ledger.migrations.env")
        names = [i.name for i in pkgutil.walk_packages(ledger.__path__, "ledger.") if i.name not in skipped]
        for name in names:
            importlib.import_module(name)
        assert not [m for m in sys.modules if m.startswith(("PySide6", "shiboken6"))]
        print(len(names))
        """
    )
    done = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert int(done.stdout) >= 60  # every module was walked, the subpackages' too
