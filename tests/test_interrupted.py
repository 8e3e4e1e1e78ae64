"""Interrupted work: a kill or a failure midway leaves the old outputs or the new ones, never a mix, and the next
opening clears what it left (work folders with personal data, half copies, noted temporaries) or finishes it."""

from __future__ import annotations

import os
import signal
import sqlite3
import tempfile
from pathlib import Path

import openpyxl.worksheet._writer as sheet_writer
import pytest
from PIL import Image
from samples import VALID

from ledger import evidence, records
from ledger.check import check_ledger
from ledger.cli.main import main
from ledger.excel.export import export_workbook
from ledger.jobs import Job
from ledger.pdf.binder import BinderOptions, build_binder
from ledger.storage import backup, outputs
from ledger.storage.folder import Ledger

forking = pytest.mark.skipif(
    not hasattr(os, "fork") or not hasattr(signal, "SIGKILL"), reason="kills a forked child with SIGKILL"
)


def _add_meeting(ledger, title: str, attach=()) -> None:
    with ledger.session() as session:
        record = records.add_record(session, "meeting", {**VALID["meeting"], "title": title})
        evidence.attach(session, ledger.evidence_dir, record, list(attach))
        session.commit()


def _in_child(work) -> int:
    """Runs `work()` in a forked child, which may kill itself; returns how the child ended (its wait status)."""
    pid = os.fork()
    if pid == 0:  # the child: never back into pytest
        try:
            work()
        except BaseException:
            os._exit(3)
        os._exit(0)
    _, status = os.waitpid(pid, 0)
    return status


def _leftovers(folder: Path) -> list[str]:
    return sorted(path.name for path in folder.iterdir() if path.name.startswith(".~"))


# Volumes: the old set or the new set under the final names, never a mix ---------------------------------------


def _volume_set(folder: Path, contents: dict[str, bytes], notes: Path) -> list[tuple[Path, Path]]:
    moves = []
    for name, data in contents.items():
        handle, temporary = outputs.temporary_beside(folder / name, notes)
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
        moves.append((temporary, folder / name))
    return moves


def test_a_failed_rename_midway_puts_the_old_volumes_back(tmp_path, monkeypatch):
    out, notes = tmp_path / "out", tmp_path / "cache"
    out.mkdir()
    names = [f"佐证材料-第{n}册.pdf" for n in (1, 2, 3)]
    for name in names:
        (out / name).write_bytes(b"old " + name.encode())
    (out / "佐证材料-第4册.pdf").write_bytes(b"old 4")  # the old set had four volumes, the new one three
    moves = _volume_set(out, {name: b"new " + name.encode() for name in names}, notes)
    real = os.replace

    def second_fails(source, target):
        if Path(target).name == names[1] and Path(source).name.startswith(".~") and "old-" not in Path(source).name:
            raise OSError(28, "No space left on device")
        return real(source, target)

    monkeypatch.setattr(os, "replace", second_fails)
    with pytest.raises(OSError):
        outputs.publish(moves, replaces=[out / "佐证材料-第4册.pdf"], notes=notes)
    monkeypatch.setattr(os, "replace", real)
    assert {path.name: path.read_bytes() for path in out.iterdir()} == {
        **{name: b"old " + name.encode() for name in names},
        "佐证材料-第4册.pdf": b"old 4",
    }
    assert not list((notes / outputs.NOTES).iterdir())  # nothing left for the next opening to do


@forking
@pytest.mark.parametrize("step", range(1, 9))
def test_a_publish_killed_at_any_step_is_undone_or_finished_by_the_next_opening(ledger_path, tmp_path, step):
    """Four old volumes, three new: 4 renames aside, 3 moved in, then the old removed (the kill at step 8
    comes at the first removal)."""
    out = tmp_path / "out"
    out.mkdir()
    names = [f"佐证材料-第{n}册.pdf" for n in (1, 2, 3, 4)]
    old = {name: b"old " + name.encode() for name in names}
    new = {name: b"new " + name.encode() for name in names[:3]}
    for name, data in old.items():
        (out / name).write_bytes(data)
    notes = ledger_path / "cache"

    def work():
        moves = _volume_set(out, new, notes)
        calls = [0]
        real_replace, real_unlink = os.replace, os.unlink

        def counted(real):
            def call(*args, **kwargs):
                if str(args[0]).startswith(str(out)):
                    calls[0] += 1
                    if calls[0] == step:
                        os.kill(os.getpid(), signal.SIGKILL)
                return real(*args, **kwargs)

            return call

        os.replace, os.unlink = counted(real_replace), counted(real_unlink)
        outputs.publish(moves, replaces=[out / names[3]], notes=notes)

    status = _in_child(work)
    assert os.WIFSIGNALED(status) and os.WTERMSIG(status) == signal.SIGKILL
    assert _leftovers(out)  # the kill left temporaries or set-aside volumes
    Ledger.open(ledger_path).close()
    found = {path.name: path.read_bytes() for path in out.iterdir()}
    assert found in (old, new), found
    assert found == (new if step == 8 else old)
    assert not list((notes / outputs.NOTES).iterdir())


def test_a_binder_interrupted_after_its_first_volume_leaves_the_old_volumes(demo_build, tmp_path, monkeypatch):
    out = tmp_path / "佐证材料.pdf"
    with Ledger.open(demo_build[0]) as ledger, ledger.session() as session:
        first = build_binder(ledger, session, out, BinderOptions(evidence=False, gaps=False, volume_pages=40))
        old = {path.name: path.read_bytes() for path in first.volumes}
        assert len(old) > 2
        real = os.replace

        def second_fails(source, target):
            moving_in = Path(source).name.startswith(".~") and "old-" not in Path(source).name
            if moving_in and Path(target).name == first.volumes[1].name:
                raise OSError(28, "No space left on device")
            return real(source, target)

        monkeypatch.setattr(os, "replace", second_fails)
        with pytest.raises(OSError):
            build_binder(ledger, session, out, BinderOptions(evidence=False, gaps=True, volume_pages=40))
        monkeypatch.setattr(os, "replace", real)
        assert {path.name: path.read_bytes() for path in tmp_path.iterdir()} == old
        # Built again whole, the new set replaces the old one, the surplus volumes of the old set too.
        again = build_binder(ledger, session, out, BinderOptions(evidence=False, gaps=False, volume_pages=400))
    assert sorted(tmp_path.iterdir()) == sorted(again.volumes)


# Opening clears what killed work left -------------------------------------------------------------------------


def test_opening_clears_work_folders_half_copies_and_noted_temporaries(ledger_path, tmp_path):
    cache, backups = ledger_path / "cache", ledger_path / "backups"
    for work in ("merge-x1", "restore-x2", "labels-x3", "pack-x4", "full-backup-x5"):
        (cache / work / "evidence" / "ab").mkdir(parents=True)
        (cache / work / "data.json").write_text('{"身份证号": "110101199003077777"}', encoding="utf-8")
    (cache / "openpyxl.spill").write_text("<sheetData>110101199003077777</sheetData>")
    (backups / "ledger-20201220-093000-000000-close.sqlite.part").write_bytes(b"half")
    out = tmp_path / "usb"
    handle, noted = outputs.temporary_beside(out / "台账.xlsx", cache)
    os.close(handle)
    (out / ".~lock.台账.xlsx#").write_text("LibreOffice's lock, not ours")

    Ledger.open(ledger_path).close()
    assert not noted.exists()
    assert [path.name for path in out.iterdir()] == [".~lock.台账.xlsx#"]
    assert not [path for path in cache.iterdir() if path.name != outputs.NOTES and path.name != "open"]
    assert not list((cache / outputs.NOTES).iterdir())
    assert not list(backups.glob("*.part"))


def test_a_noted_temporary_on_a_missing_stick_waits_for_a_later_opening(ledger_path, tmp_path):
    stick = tmp_path / "usb"
    handle, noted = outputs.temporary_beside(stick / "台账.xlsx", ledger_path / "cache")
    os.close(handle)
    stick.rename(tmp_path / "elsewhere")  # unplugged
    Ledger.open(ledger_path).close()
    (tmp_path / "elsewhere").rename(stick)
    assert noted.exists()
    Ledger.open(ledger_path).close()
    assert not noted.exists()


# Personal data stays in the ledger's cache -----------------------------------------------------------------------


def test_an_exports_spilled_sheets_go_into_the_ledgers_cache_and_none_stay(ledger, tmp_path, monkeypatch):
    _add_meeting(ledger, "联席会议")
    system_temp = Path(tempfile.gettempdir())
    before = set(system_temp.glob("openpyxl.*"))
    spilled: list[Path] = []
    real = sheet_writer.NamedTemporaryFile

    def spy(*args, **kwargs):
        made = real(*args, **kwargs)
        spilled.append(Path(made.name))
        return made

    monkeypatch.setattr(sheet_writer, "NamedTemporaryFile", spy)
    with ledger.session() as session:
        export_workbook(session, tmp_path / "台账.xlsx")
    assert spilled and {path.parent for path in spilled} == {ledger.cache_dir}
    assert not [path for path in spilled if path.exists()]
    assert set(system_temp.glob("openpyxl.*")) <= before
    assert Path(tempfile.gettempdir()) == system_temp  # put back after the export

    def stop(fraction, message):
        if fraction > 0:
            raise KeyboardInterrupt

    with ledger.session() as session, pytest.raises(KeyboardInterrupt):
        export_workbook(session, tmp_path / "台账2.xlsx", job=Job(stop))
    assert not [path for path in spilled if path.exists()]
    assert not _leftovers(tmp_path) and not (tmp_path / "台账2.xlsx").exists()


def test_a_full_backup_copies_the_database_into_the_ledgers_cache(ledger, tmp_path, monkeypatch):
    copies = []
    real = backup.copy_database

    def spy(source, target, **named):
        copies.append(Path(target))
        return real(source, target, **named)

    monkeypatch.setattr(backup, "copy_database", spy)
    ledger.full_backup(tmp_path / "完整备份.zip")
    assert copies and all(ledger.cache_dir in path.parents for path in copies)


# Restore -------------------------------------------------------------------------------------------------------


@pytest.fixture
def full_backup(ledger_path, tmp_path) -> Path:
    photo = tmp_path / "现场.jpg"
    Image.new("RGB", (64, 48), (200, 90, 40)).save(photo, "JPEG")
    with Ledger.open(ledger_path) as ledger:
        _add_meeting(ledger, "有照片的会议", [photo])
        return ledger.full_backup(tmp_path / "usb" / "完整备份.zip")


class Stopped(Exception):
    pass


@pytest.mark.parametrize("calls", [1, 2])
def test_a_restore_into_a_new_folder_stopped_midway_can_be_retried(full_backup, tmp_path, calls):
    folder = tmp_path / "新电脑" / "台账"
    seen = []

    def stop(fraction, message):
        seen.append(fraction)
        if len(seen) == calls:
            raise Stopped

    with pytest.raises(Stopped):
        Ledger.restore(folder, full_backup, job=Job(stop))
    assert folder.is_dir()
    restored, _ = Ledger.restore(folder, full_backup)
    with restored:
        assert check_ledger(restored) == []
        with restored.session() as session:
            assert [r.title for r in records.list_records(session, "meeting")] == ["有照片的会议"]


def test_a_restore_into_a_new_folder_killed_before_its_database_was_renamed_can_be_retried(full_backup, tmp_path):
    folder = tmp_path / "台账"
    for made in ("evidence", "backups", "cache/restore-abc12/evidence/ab"):
        (folder / made).mkdir(parents=True)
    (folder / "cache/restore-abc12/ledger.sqlite").write_bytes(b"unpacked")
    (folder / "ledger.sqlite.restore").write_bytes(b"copied, not yet renamed")
    (folder / "ledger.lock").write_text("pid 1")
    restored, _ = Ledger.restore(folder, full_backup)
    with restored:
        assert check_ledger(restored) == []
    assert not (folder / "ledger.sqlite.restore").exists()
    assert not list((folder / "cache").glob("restore-*"))


def test_a_folder_with_other_files_is_still_refused(full_backup, tmp_path):
    folder = tmp_path / "文件"
    (folder / "evidence").mkdir(parents=True)
    (folder / "evidence" / "照片.jpg").write_bytes(b"the user's")
    with pytest.raises(Exception, match="不是空文件夹"):
        Ledger.restore(folder, full_backup)


@forking
def test_a_restore_killed_after_placing_its_database_is_finished_by_the_next_opening(full_backup, tmp_path):
    folder = tmp_path / "台账"

    def work():
        def killed(files, evidence_dir):
            os.kill(os.getpid(), signal.SIGKILL)

        backup.move_into_store = killed
        Ledger.restore(folder, full_backup)

    status = _in_child(work)
    assert os.WIFSIGNALED(status)
    assert list((folder / "cache").glob("restore-*/evidence/*/*"))  # the evidence, not yet in the store
    with Ledger.open(folder) as ledger:
        assert check_ledger(ledger) == []
        assert len(list(ledger.evidence_dir.glob("*/*"))) == 1
    assert not list((folder / "cache").glob("restore-*"))
    assert not (folder / "backups" / backup.ORPHANS).exists() or not list(
        (folder / "backups" / backup.ORPHANS).iterdir()
    )


# A failed close backup is said -----------------------------------------------------------------------------------


def test_a_failed_close_backup_is_printed_by_the_command(ledger_path, monkeypatch, capsys):
    def full(*args, **kwargs):
        raise sqlite3.OperationalError("database or disk is full")

    monkeypatch.setattr(backup, "snapshot", full)
    meeting = ["title=联席会议", "date=2020年4月20日", "meeting_type=党政联席会议", "responsible_units=鹤山市扶贫办"]
    args = ["--ledger", str(ledger_path), "--author", "测试员", "add", "meeting"]
    for assignment in meeting:
        args += ["--set", assignment]
    assert main(args) == 0, capsys.readouterr().err
    err = capsys.readouterr().err
    assert f"关闭时备份失败：磁盘空间已满，无法写入“{ledger_path / 'backups'}”" in err
