"""Shared fixtures: a fresh ledger per test, copied from one made once per session."""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

import pytest

from ledger import records
from ledger.cli.main import main
from ledger.demo import build as demo
from ledger.jobs import Job
from ledger.storage.folder import Ledger

# Qt tests draw on no screen, and keep their window settings (QSettings) away from the user's; set before
# anything imports Qt.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ["XDG_CONFIG_HOME"] = tempfile.mkdtemp(prefix="xiezuo-test-config-")

PAIRING = "鹤山市—龙州县"

# Figures the robustness tests measure (kills survived, files refused, records merged), printed after the run.
_FIGURES: dict[str, str] = {}
AUTHOR = "测试员"


@pytest.fixture(scope="session")
def template_ledger(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("template") / "ledger"
    with Ledger.create(path, author=AUTHOR) as ledger, ledger.session() as session, session.begin():
        records.add_pairing(session, "鹤山市", "龙州县")
    return path


@pytest.fixture
def ledger_path(template_ledger, tmp_path) -> Path:
    path = tmp_path / "ledger"
    shutil.copytree(template_ledger, path)
    return path


@pytest.fixture
def ledger(ledger_path):
    with Ledger.open(ledger_path, author=AUTHOR) as opened:
        yield opened


@pytest.fixture
def session(ledger):
    with ledger.session() as opened:
        yield opened


@pytest.fixture
def run(ledger_path, capsys):
    """Runs `ledger --ledger <test ledger> ARGS…` in-process; returns (status, stdout, stderr)."""

    def invoke(*args):
        status = main(["--ledger", str(ledger_path), "--author", AUTHOR, *map(str, args)])
        out, err = capsys.readouterr()
        return status, out, err

    return invoke


@pytest.fixture(scope="session")
def demo_build(tmp_path_factory):
    """The demo ledger, built once for the tests that read it: (folder, counts, progress reports).

    Tests that change it work on a copy."""
    path = tmp_path_factory.mktemp("demo") / "ledger"
    reports = []
    counts = demo.build_demo(path, seed=2020, job=Job(lambda fraction, message: reports.append((fraction, message))))
    return path, counts, reports


@pytest.fixture
def demo_copy(demo_build, tmp_path) -> Path:
    """A copy of the demo ledger, for a test that changes it."""
    path = tmp_path / "ledger"
    shutil.copytree(demo_build[0], path)
    return path


@pytest.fixture
def window(demo_copy, qtbot):
    """The main window on a copy of the demo ledger, shown at 1366×768 from the window's default settings.
    Qt is imported here, not above: the tests of the core run without it."""
    from PySide6.QtCore import QSettings

    from ui.context import LedgerContext
    from ui.main_window import MainWindow

    QSettings().clear()  # each test starts from the window's defaults
    main = MainWindow(LedgerContext(Ledger.open(demo_copy, author=AUTHOR)))
    qtbot.addWidget(main)
    main.resize(1366, 768)
    main.show()
    yield main
    main.close()
    main.context.ledger.close()  # after a restore, not the ledger the window opened with


@pytest.fixture
def figures() -> dict[str, str]:
    """Where a test leaves a figure for the summary at the end of the run: figures["kills survived"] = "200"."""
    return _FIGURES


#: Test modules that take minutes, or many seconds: real process kills, the corpus of hostile files, whole
#: binders, the round trips through packages, workbooks and the command line's plan import, and interrupted or
#: misdirected outputs, backups and restores, and the lock and storage failures tried in other processes.
_SLOW_MODULES = {
    "test_crash_safety",
    "test_killed_jobs",
    "test_hostile",
    "test_ui_hostile",
    "test_binder",
    "test_labels",
    "test_exchange",
    "test_excel_import",
    "test_cli_plans",
    "test_interrupted",
    "test_outputs",
    "test_folder",
    "test_backup",
    "test_errors",
}


def pytest_collection_modifyitems(items) -> None:
    """`pytest -m "not slow"` is the quick day-to-day subset: it leaves out the slow modules and every test that
    needs the demo ledger, which alone takes half a minute to build."""
    for item in items:
        if item.module.__name__ in _SLOW_MODULES or "demo_build" in item.fixturenames:
            item.add_marker(pytest.mark.slow)


def pytest_terminal_summary(terminalreporter) -> None:
    if _FIGURES:
        terminalreporter.section("figures")
        for name, value in sorted(_FIGURES.items()):
            terminalreporter.write_line(f"{name}: {value}")
