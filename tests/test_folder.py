"""The ledger folder: its layout, its lock, its SQLite settings and its clean-up after a crash."""

import os
import signal
import subprocess
import sys
import textwrap

import pytest

from ledger import cli
from ledger.errors import LedgerInUse, NotALedger
from ledger.folder import Ledger, resolve_ledger_path

HOLDER = textwrap.dedent(
    """
    import sys, time
    from ledger.folder import Ledger
    ledger = Ledger.open(sys.argv[1], author="另一位同事")
    print("ready", flush=True)
    time.sleep(60)
    """
)


@pytest.fixture
def holder(ledger_path):
    """Another process holding the ledger open, as the window would."""
    process = subprocess.Popen([sys.executable, "-c", HOLDER, str(ledger_path)], stdout=subprocess.PIPE, text=True)
    assert process.stdout.readline().strip() == "ready"
    yield process
    process.kill()
    process.wait()


def test_a_new_ledger_is_a_folder_of_the_documented_shape(tmp_path):
    with Ledger.create(tmp_path / "new") as ledger:
        assert sorted(p.name for p in ledger.path.iterdir()) == [
            "backups",
            "cache",
            "evidence",
            "ledger.lock",
            "ledger.sqlite",
            "ledger.sqlite-shm",
            "ledger.sqlite-wal",
        ]


def test_sqlite_is_set_up_for_durability(ledger):
    with ledger.engine.connect() as connection:
        pragma = lambda name: connection.exec_driver_sql(f"PRAGMA {name}").scalar()  # noqa: E731
        assert pragma("journal_mode") == "wal"
        assert pragma("synchronous") == 2  # FULL
        assert pragma("foreign_keys") == 1


def test_a_second_process_is_told_who_holds_the_ledger(ledger_path, holder, capsys):
    with pytest.raises(LedgerInUse) as caught:
        Ledger.open(ledger_path)
    message = str(caught.value)
    assert "正在被另一个程序使用" in message and str(holder.pid) in message
    assert cli.main(["--ledger", str(ledger_path), "list", "meeting"]) == 1
    assert "正在被另一个程序使用" in capsys.readouterr().err


def test_the_same_process_cannot_open_a_ledger_twice(ledger, ledger_path):
    with pytest.raises(LedgerInUse):
        Ledger.open(ledger_path)


def test_the_lock_of_a_crashed_process_is_recovered(ledger_path, holder):
    os.kill(holder.pid, signal.SIGKILL)
    holder.wait()
    assert (ledger_path / "ledger.lock").exists()  # left behind, as after a crash
    with Ledger.open(ledger_path) as ledger:
        assert ledger.path == ledger_path


def test_closing_releases_the_lock(ledger_path):
    Ledger.open(ledger_path).close()
    Ledger.open(ledger_path).close()


def test_half_copied_evidence_from_a_crash_is_cleared_on_open(ledger_path):
    temp = ledger_path / "evidence" / ".tmp"
    temp.mkdir(parents=True)
    (temp / "tmpabc123").write_bytes(b"half a photo")
    with Ledger.open(ledger_path):
        assert not temp.exists() or not any(temp.iterdir())


def test_folders_that_are_not_ledgers_are_refused_clearly(tmp_path):
    with pytest.raises(NotALedger, match="没有台账"):
        Ledger.open(tmp_path / "nowhere")
    (tmp_path / "papers").mkdir()
    (tmp_path / "papers" / "note.txt").write_text("x")
    with pytest.raises(NotALedger, match="不是空文件夹"):
        Ledger.create(tmp_path / "papers")
    Ledger.create(tmp_path / "fresh").close()
    with pytest.raises(NotALedger, match="已经是一个台账"):
        Ledger.create(tmp_path / "fresh")


def test_the_ledger_is_found_from_option_environment_or_default(monkeypatch, tmp_path):
    monkeypatch.setenv("XIEZUO_LEDGER", str(tmp_path / "from-env"))
    assert resolve_ledger_path(str(tmp_path / "given")) == tmp_path / "given"
    assert resolve_ledger_path(None) == tmp_path / "from-env"
    monkeypatch.delenv("XIEZUO_LEDGER")
    assert resolve_ledger_path(None).name == "ledger"


def test_opening_clears_the_viewing_copies_of_the_last_session(ledger_path):
    copy = ledger_path / "cache" / "open" / "ab12" / "会议纪要.pdf"
    copy.parent.mkdir(parents=True)
    copy.write_bytes(b"%PDF-1.4")
    with Ledger.open(ledger_path) as ledger:
        assert not (ledger.cache_dir / "open").exists()
        assert ledger.cache_dir.is_dir()
