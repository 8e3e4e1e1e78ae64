"""A full disk, a refused permission and text in the wrong encoding: one Chinese sentence naming the file and what to
do, exit status 1, no traceback; "the database is damaged" only when SQLite's integrity_check says so."""

from __future__ import annotations

import errno
import gc
import json
import os
import sqlite3
import subprocess
import sys
import types
import zipfile
from pathlib import Path

import pytest
from PIL import Image
from samples import MEETING_ARGS as MEETING
from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlalchemy.exc import OperationalError

from ledger import errors, evidence
from ledger.errors import StorageError, describe_database_error, describe_os_error, space_text
from ledger.storage import backup, schema

FULL = "磁盘空间已满，无法写入“{}”：请删除不需要的文件腾出空间（或换一个有空间的磁盘），然后重试。"
DENIED = (
    "没有权限读写“{}”：它可能正被其他程序（如 Excel、WPS）打开，或所在文件夹不允许写入；"
    "请关闭该文件或换一个位置后重试。"
)


@pytest.fixture
def full_disk_on_insert():
    """SQLite says the disk is full at the first INSERT, through SQLAlchemy as it really does."""

    def refuse(connection, cursor, statement, *rest):
        if statement.lstrip().upper().startswith("INSERT"):
            raise sqlite3.OperationalError("database or disk is full")

    event.listen(Engine, "before_cursor_execute", refuse)
    yield
    event.remove(Engine, "before_cursor_execute", refuse)


# The sentences ------------------------------------------------------------------------------------------------


def test_each_failure_is_one_sentence_naming_the_file():
    database = "/台账/ledger.sqlite"
    assert describe_os_error(sqlite3.OperationalError("database or disk is full"), database) == FULL.format(database)
    wrapped = OperationalError("INSERT …", {}, sqlite3.OperationalError("database or disk is full"))
    assert describe_os_error(wrapped, database) == FULL.format(database)
    assert describe_os_error(OSError(errno.ENOSPC, "No space left on device", "/u盘/备份.zip")) == FULL.format(
        "/u盘/备份.zip"
    )
    # A failed write to an open file names no file: the caller's path is named, never "无法读写 ："
    assert describe_os_error(OSError(errno.ENOSPC, "No space left on device"), "/out/台账.xlsx") == FULL.format(
        "/out/台账.xlsx"
    )
    assert describe_os_error(OSError(errno.ENOSPC, "No space left on device")) == (
        "磁盘空间已满，无法写入文件：请删除不需要的文件腾出空间（或换一个有空间的磁盘），然后重试。"
    )
    # Windows refusing the final rename while Excel holds the old file: the target, not the temporary file.
    held = PermissionError(13, "拒绝访问。", "/out/.~x1y2.xlsx", None, "/out/台账.xlsx")
    assert describe_os_error(held) == DENIED.format("/out/台账.xlsx")
    assert describe_os_error(OSError(errno.EROFS, "Read-only file system", "/media/u/a.pdf")) == (
        "“/media/u/a.pdf”所在的磁盘或文件是只读的，无法写入：请换一个可以写入的位置（U 盘请关闭写保护）后重试。"
    )
    assert describe_os_error(ValueError("not the disk's")) is None
    assert describe_os_error(sqlite3.OperationalError("no such table: record"), database) is None


def test_a_name_in_another_encoding_is_shown_as_its_bytes():
    said = describe_os_error(OSError(errno.ENOSPC, "No space left on device", os.fsdecode(b"/out/\xff.xlsx")))
    assert said == FULL.format("/out/\\xff.xlsx")
    bad_text = "会议\udcff".encode("utf-8", "surrogateescape").decode("utf-8", "surrogateescape")
    try:
        bad_text.encode("utf-8")
    except UnicodeEncodeError as error:
        assert describe_os_error(error) == (
            "有文字不是有效的编码（编码不对）：会议\\xff。请改用 UTF-8 编码的文字（或重新输入这段文字）后重试。"
        )


def test_free_space_is_told_in_mb_when_small():
    assert space_text(12 * 2**20 + 1, round_up=True) == "13 MB"
    assert space_text(3 * 2**20 + 500) == "3 MB"
    assert space_text(300 * 2**10) == "300 KB"
    assert space_text(int(2.5 * 2**30)) == "2.5 GB"


def test_unpacking_a_backup_too_large_for_the_disk_says_mb(tmp_path, monkeypatch):
    archive = tmp_path / "full.zip"
    with zipfile.ZipFile(archive, "w") as zipped:
        zipped.writestr("ledger.sqlite", b"\x00" * (12 * 2**20))
        zipped.writestr(
            backup.MANIFEST,
            json.dumps({"format": backup.FULL_FORMAT, "files": {"ledger.sqlite": "0"}}),
        )
    monkeypatch.setattr(backup.shutil, "disk_usage", lambda _path: types.SimpleNamespace(free=3 * 2**20))
    with pytest.raises(backup.BadBackup) as raised:
        backup.read_full_backup(archive, tmp_path / "work")
    assert str(raised.value) == (
        "“full.zip”解开需要 12 MB，磁盘只剩 3 MB：请先腾出磁盘空间，或换一个有空间的磁盘后重试。"
    )


# The command line ---------------------------------------------------------------------------------------------


def test_add_on_a_full_disk_says_so_and_names_the_database(run, ledger_path, full_disk_on_insert):
    status, out, err = run("add", "meeting", *MEETING)
    assert status == 1 and out == ""
    assert err == "错误：" + FULL.format(ledger_path / "ledger.sqlite") + "\n"


def test_backup_on_a_full_disk_names_the_backup_and_leaves_no_partial_file(run, ledger_path, monkeypatch):
    _full_disk_for_copies_into(monkeypatch, "manual")
    status, out, err = run("backup")
    assert status == 1 and out == ""
    [partial] = [line for line in err.splitlines()]
    assert partial.startswith("错误：磁盘空间已满，无法写入“" + str(ledger_path / "backups" / "ledger-"))
    assert partial.endswith("-manual.sqlite”：请删除不需要的文件腾出空间（或换一个有空间的磁盘），然后重试。")
    assert not list((ledger_path / "backups").glob("*.part"))


class _Connection:
    """sqlite3's connection, whose copies into a file whose path holds `full_in` find the disk full."""

    real = staticmethod(sqlite3.connect)
    full_in = ""

    def __init__(self, path, *args, **kwargs):
        self.path, self.real = str(path), self.real(path, *args, **kwargs)

    def backup(self, target, *args, **kwargs):
        if self.full_in in target.path:
            raise sqlite3.OperationalError("database or disk is full")
        self.real.backup(target.real, *args, **kwargs)

    def __getattr__(self, name):
        return getattr(self.real, name)


def _full_disk_for_copies_into(monkeypatch, where: str) -> None:
    monkeypatch.setattr(_Connection, "full_in", where)
    monkeypatch.setattr(backup, "sqlite3", types.SimpleNamespace(**{**vars(sqlite3), "connect": _Connection}))


def test_a_full_backup_on_a_full_disk_names_the_ledger_not_its_working_copy(run, ledger_path, tmp_path, monkeypatch):
    _full_disk_for_copies_into(monkeypatch, "full-backup-")
    status, out, err = run("backup", "--full", str(tmp_path / "完整备份.zip"))
    assert status == 1 and out == ""
    assert err == "错误：" + FULL.format(ledger_path) + "\n"
    assert list(tmp_path.iterdir()) == [ledger_path]


def test_attach_on_a_full_disk_names_the_evidence_store_and_leaves_no_copy(run, ledger_path, tmp_path, monkeypatch):
    status, out, _ = run("add", "meeting", *MEETING)
    record_id = out.split()[-1]
    photo = tmp_path / "现场.jpg"
    Image.new("RGB", (64, 48), (20, 90, 40)).save(photo, "JPEG")

    def full(handle):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(evidence, "os", types.SimpleNamespace(**{**vars(os), "fsync": full}))
    status, out, err = run("attach", record_id, str(photo))
    monkeypatch.undo()
    assert status == 1 and out == ""
    assert err == "错误：" + FULL.format(ledger_path / "evidence") + "\n"
    assert not [path for path in (ledger_path / "evidence").rglob("*") if path.is_file()]


def test_an_export_that_fills_the_disk_says_so_once_and_leaves_nothing(run, tmp_path, monkeypatch):
    real = os.fdopen
    unraisable = []

    class Filling:
        """The export's file, on a disk that fills after its first 4 KB."""

        def __init__(self, stream):
            self.stream, self.written = stream, 0

        def write(self, data):
            self.written += len(data)
            if self.written > 4096:
                raise OSError(errno.ENOSPC, "No space left on device")
            return self.stream.write(data)

        def __enter__(self):
            return self

        def __exit__(self, *exc):
            self.stream.close()

        def __getattr__(self, name):
            return getattr(self.stream, name)

    monkeypatch.setattr(os, "fdopen", lambda handle, mode="r", *args, **kwargs: Filling(real(handle, mode)))
    monkeypatch.setattr(sys, "unraisablehook", unraisable.append)
    target = tmp_path / "out" / "台账.xlsx"
    status, out, err = run("export", str(target))
    gc.collect()
    monkeypatch.undo()
    assert status == 1 and out == ""
    assert err == "错误：" + FULL.format(target) + "\n"
    assert unraisable == []  # no half-closed archive or sheet stream left to complain when collected
    assert list((tmp_path / "out").iterdir()) == []


def test_an_io_error_on_a_disk_with_no_room_left_is_the_disk_being_full(tmp_path, monkeypatch):
    database = tmp_path / "ledger.sqlite"
    io_error = sqlite3.OperationalError("disk I/O error")
    assert describe_os_error(io_error, database).startswith(f"读写“{database}”时磁盘出错（disk I/O error）")
    monkeypatch.setattr(errors.shutil, "disk_usage", lambda path: types.SimpleNamespace(free=4096))
    assert describe_os_error(io_error, database) == FULL.format(database)


def test_list_on_a_failing_disk_does_not_call_the_database_damaged(run, ledger_path, monkeypatch):
    def failing(engine):
        raise OperationalError("SELECT …", {}, sqlite3.OperationalError("disk I/O error"))

    monkeypatch.setattr(schema, "needs_upgrade", failing)
    status, out, err = run("list", "meeting")
    assert status == 1 and out == ""
    database = ledger_path / "ledger.sqlite"
    assert err == (
        f"错误：读写“{database}”时磁盘出错（disk I/O error）：请检查磁盘或 U 盘是否已拔出、连接是否松动，然后重试。\n"
    )
    assert "损坏" not in err and "restore" not in err


def test_list_on_a_full_disk_does_not_advise_a_restore(run, ledger_path, monkeypatch):
    def full(engine):
        raise OperationalError("SELECT …", {}, sqlite3.OperationalError("database or disk is full"))

    monkeypatch.setattr(schema, "needs_upgrade", full)
    status, _, err = run("list", "meeting")
    assert status == 1
    assert err == "错误：" + FULL.format(ledger_path / "ledger.sqlite") + "\n"


def test_a_really_damaged_database_is_called_damaged(run, ledger_path):
    (ledger_path / "ledger.sqlite").write_bytes(b"\x00" * 4096)
    status, _, err = run("list", "meeting")
    assert status == 1
    assert err.startswith(f"错误：台账的数据库“{ledger_path / 'ledger.sqlite'}”已损坏（")
    assert "ledger restore" in err


def test_damage_is_said_only_when_integrity_check_fails(tmp_path):
    good = tmp_path / "good.sqlite"
    sqlite3.connect(good).execute("CREATE TABLE t (x)").connection.close()
    io_error = sqlite3.OperationalError("disk I/O error")
    assert "损坏" not in describe_database_error(io_error, good)
    odd = sqlite3.OperationalError("no such table: record")
    assert describe_database_error(odd, good) == (
        f"无法读写台账的数据库“{good}”（no such table: record）：请检查该文件和所在磁盘后重试。"
    )
    bad = tmp_path / "bad.sqlite"
    bad.write_bytes(b"\x00" * 4096)
    assert describe_database_error(io_error, bad).startswith(f"台账的数据库“{bad}”已损坏（")


def test_an_export_refused_by_the_system_names_the_workbook(run, tmp_path, monkeypatch):
    target = tmp_path / "out" / "台账.xlsx"
    real = os.replace

    def held_open(source, destination, *args, **kwargs):
        if str(destination).endswith(".xlsx"):
            raise PermissionError(13, "Permission denied", str(source), None, str(destination))
        return real(source, destination, *args, **kwargs)

    monkeypatch.setattr(os, "replace", held_open)
    status, out, err = run("export", str(target))
    assert status == 1 and out == ""
    assert err == "错误：" + DENIED.format(target) + "\n"


def test_storage_error_is_a_ledger_error_and_an_os_error():
    error = StorageError("磁盘空间已满", Path("x"))
    assert isinstance(error, OSError) and str(error) == "磁盘空间已满"


@pytest.mark.skipif(os.name != "posix", reason="Windows hands programs their arguments as text")
def test_invalid_utf8_on_the_command_line_is_one_sentence(ledger_path):
    done = subprocess.run(
        [sys.executable, "-m", "ledger", "--ledger", str(ledger_path), "add", "meeting", "--set", b"title=\xff"],
        capture_output=True,
        env={**os.environ, "PYTHONIOENCODING": "utf-8", "LC_ALL": "C.UTF-8"},
        timeout=120,
    )
    err = done.stderr.decode("utf-8")
    assert done.returncode == 1, err
    assert "Traceback" not in err
    assert err == (
        "错误：命令行参数不是有效的文字（编码不对）：title=\\xff。"
        "请把命令行窗口设为 UTF-8 编码（或直接输入，不要从其他编码的文件粘贴）后重试。\n"
    )
