"""The ledger folder: its layout, its lock, its SQLite settings and its clean-up after a crash."""

import errno
import os
import shutil
import signal
import sqlite3
import stat
import subprocess
import sys
import textwrap

import pytest
from sqlalchemy import func, select

from ledger import records
from ledger.cli import main as cli
from ledger.errors import LedgerError, LedgerInUse, NotALedger
from ledger.models import Pairing
from ledger.storage import lock as lock_module
from ledger.storage.folder import Ledger, resolve_ledger_path

POSIX_ONLY = pytest.mark.skipif(os.name != "posix", reason="POSIX file modes and unlinking open files")

HOLDER = textwrap.dedent(
    """
    import sys, time
    from ledger.storage.folder import Ledger
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


@POSIX_ONLY
def test_deleting_ledger_lock_does_not_let_a_second_writer_in(ledger_path, holder, capsys):
    (ledger_path / "ledger.lock").unlink()
    with pytest.raises(LedgerInUse) as caught:
        Ledger.open(ledger_path)
    assert str(caught.value) == (
        f"台账“{ledger_path}”正在被另一个程序使用（说明占用者的 ledger.lock 已被删除，无法得知是谁）。"
        "请先关闭那个窗口或命令，再重试。"
    )
    backup = next((ledger_path / "backups").glob("*.sqlite"))
    with pytest.raises(LedgerInUse):
        Ledger.restore(ledger_path, backup)
    assert cli.main(["--ledger", str(ledger_path), "restore", str(backup)]) == 1
    assert "正在被另一个程序使用" in capsys.readouterr().err
    assert not (ledger_path / "ledger.lock").exists()  # a refused process leaves nothing behind


def _pairings(database) -> int:
    connection = sqlite3.connect(database)
    try:
        return connection.execute("SELECT count(*) FROM pairing").fetchone()[0]
    finally:
        connection.close()


@POSIX_ONLY
def test_a_holder_whose_folder_was_replaced_refuses_its_next_write(ledger, ledger_path):
    # The folder moved aside and a copy restored in its place: the holder's writes would go to the old one.
    moved = ledger_path.with_name("moved")
    ledger_path.rename(moved)
    shutil.copytree(moved, ledger_path)
    message = "文件夹或锁文件被移动、删除或替换了，为保护数据已停止写入：请关闭程序后重新打开台账。"
    with pytest.raises(LedgerError) as caught, ledger.session() as session, session.begin():
        records.add_pairing(session, "广州市", "毕节市")
    assert str(caught.value) == f"台账“{ledger_path}”的{message}"
    assert _pairings(moved / "ledger.sqlite") == _pairings(ledger_path / "ledger.sqlite") == 1
    # A second program may now take the copy in the old place.
    with Ledger.open(ledger_path) as other, other.session() as session, session.begin():
        records.add_pairing(session, "广州市", "毕节市")
    with pytest.raises(LedgerError, match="已停止写入"), ledger.session() as session:
        session.scalar(select(func.count()).select_from(Pairing))
    # Nor does it copy the other program's database into the folder as its own backup.
    backups = sorted((ledger_path / "backups").iterdir())
    with pytest.raises(LedgerError, match="已停止写入"):
        ledger.backup()
    ledger.close()
    assert sorted((ledger_path / "backups").iterdir()) == backups


@POSIX_ONLY
def test_where_a_folder_cannot_be_locked_ledger_lock_is_the_lock(ledger_path, monkeypatch):
    # Some network shares refuse flock on a folder: ledger.lock alone is locked, and its deletion stops the holder.
    locking = lock_module._lock

    def refuse_folders(fd):
        if stat.S_ISDIR(os.fstat(fd).st_mode):
            raise OSError(errno.EINVAL, "Invalid argument")
        locking(fd)

    monkeypatch.setattr(lock_module, "_lock", refuse_folders)
    with Ledger.open(ledger_path) as ledger:
        with pytest.raises(LedgerInUse):
            Ledger.open(ledger_path)
        (ledger_path / "ledger.lock").unlink()
        with pytest.raises(LedgerError, match="已停止写入"), ledger.session() as session, session.begin():
            records.add_pairing(session, "广州市", "毕节市")


@POSIX_ONLY
def test_a_holder_whose_folder_was_deleted_refuses_its_next_write(ledger, ledger_path):
    shutil.rmtree(ledger_path)
    with pytest.raises(LedgerError, match="已停止写入"), ledger.session() as session, session.begin():
        records.add_pairing(session, "广州市", "毕节市")


@POSIX_ONLY
def test_the_ledger_folder_and_its_files_are_for_its_user_only(tmp_path):
    old = os.umask(0o022)
    try:
        with Ledger.create(tmp_path / "new") as ledger:
            modes = {p.name: stat.S_IMODE(p.stat().st_mode) for p in [ledger.path, *ledger.path.iterdir()]}
            backup = ledger.backup()
        assert modes == {
            "new": 0o700,
            "backups": 0o700,
            "cache": 0o700,
            "evidence": 0o700,
            "ledger.lock": 0o600,
            "ledger.sqlite": 0o600,
            "ledger.sqlite-shm": 0o600,
            "ledger.sqlite-wal": 0o600,
        }
        restored, _ = Ledger.restore(tmp_path / "restored", backup)
        with restored:
            assert stat.S_IMODE(restored.path.stat().st_mode) == 0o700
            assert stat.S_IMODE(restored.database.stat().st_mode) == 0o600
            assert stat.S_IMODE(restored.cache_dir.stat().st_mode) == 0o700
    finally:
        os.umask(old)


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
