"""Backups: when they are made, the rotation, restoring a database or a full backup, and refusing bad ones."""

import json
import os
import sqlite3
import zipfile
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from PIL import Image
from samples import VALID, rehashed_zip, rewrite_zip

from ledger import evidence, records
from ledger.check import check_ledger
from ledger.cli.main import main
from ledger.evidence_store import stored_files
from ledger.storage import backup
from ledger.storage.folder import Ledger


def _titles(ledger) -> list[str]:
    with ledger.session() as session:
        return sorted(record.title for record in records.list_records(session, "meeting"))


def _add_meeting(ledger, title: str, attach=()) -> None:
    with ledger.session() as session:
        record = records.add_record(session, "meeting", {**VALID["meeting"], "title": title})
        evidence.attach(session, ledger.evidence_dir, record, list(attach))
        session.commit()


def test_a_backup_is_made_on_close_and_on_open_only_when_the_ledger_changed(ledger_path):
    before = {item.path for item in backup.list_backups(ledger_path / "backups")}
    with Ledger.open(ledger_path) as ledger:
        _add_meeting(ledger, "第一次会议")
    made = [item for item in backup.list_backups(ledger_path / "backups") if item.path not in before]
    assert [item.reason for item in made] == ["close"]

    with Ledger.open(ledger_path) as ledger:
        _titles(ledger)  # reading changes nothing worth a copy
    assert len(backup.list_backups(ledger_path / "backups")) == len(before) + 1

    # A session that ended without closing (a crash) is copied when the ledger is next opened.
    connection = sqlite3.connect(ledger_path / "ledger.sqlite")
    connection.execute("UPDATE record SET title = '崩溃前的修改'")
    connection.commit()
    connection.close()
    with Ledger.open(ledger_path) as ledger:
        newest = backup.list_backups(ledger.backups_dir)[0]
        assert newest.reason == "open" and newest.label == "打开时"
        copy = sqlite3.connect(newest.path)
        assert copy.execute("SELECT title FROM record").fetchall() == [("崩溃前的修改",)]
        copy.close()


def test_the_rotation_keeps_the_last_ten_and_one_a_day_for_thirty_days(tmp_path):
    now = datetime(2020, 12, 31, 18, 0)
    for day in range(40):
        for hour in (9, 12, 17):
            made = now - timedelta(days=day, hours=18 - hour)
            (tmp_path / f"ledger-{made:%Y%m%d-%H%M%S}-000000-close.sqlite").write_bytes(b"")
    (tmp_path / "notes.txt").write_text("不是备份")
    orphans = tmp_path / backup.ORPHANS
    orphans.mkdir()
    for name, days in (("recent.jpg", 29), ("old.jpg", 30)):
        (orphans / name).write_bytes(b"")
        stamp = (now - timedelta(days=days, hours=1)).timestamp()
        os.utime(orphans / name, (stamp, stamp))

    removed = backup.rotate(tmp_path, now=now)
    assert sorted(path.name for path in orphans.iterdir()) == ["recent.jpg"]
    removed.remove(orphans / "old.jpg")

    kept = backup.list_backups(tmp_path)
    assert len(removed) == 120 - len(kept)
    assert [item.made for item in kept[:10]] == sorted((item.made for item in kept[:10]), reverse=True)
    days = sorted({item.made.date() for item in kept[10:]})
    assert len(kept) == 10 + len(days)
    # Ten recent copies span four days; each other day of the last thirty keeps its newest, the rest go.
    assert days[0] == (now - timedelta(days=29)).date() and days[-1] == (now - timedelta(days=4)).date()
    assert all(item.made.hour == 17 for item in kept[10:])
    assert (tmp_path / "notes.txt").exists()


def test_a_database_backup_is_restored_and_the_replaced_database_kept(ledger_path):
    with Ledger.open(ledger_path) as ledger:
        _add_meeting(ledger, "备份前的会议")
        saved = ledger.backup()
        _add_meeting(ledger, "备份后的会议")

    restored, kept = Ledger.restore(ledger_path, saved.name)  # a name in backups/ is enough
    with restored:
        assert _titles(restored) == ["备份前的会议"]
        assert check_ledger(restored) == []
        assert kept.name.endswith("-before-restore.sqlite")
        assert backup.list_backups(restored.backups_dir)[0].path == kept  # no copy of what was just restored
    # The database restored over is one more backup: restoring it undoes the restore.
    restored, _ = Ledger.restore(ledger_path, kept)
    with restored:
        assert _titles(restored) == ["备份前的会议", "备份后的会议"]


def test_a_full_backup_carries_every_evidence_file_to_another_laptop(ledger_path, tmp_path, figures):
    photo = tmp_path / "现场.jpg"
    Image.new("RGB", (64, 48), (200, 90, 40)).save(photo, "JPEG")
    with Ledger.open(ledger_path) as ledger:
        _add_meeting(ledger, "有照片的会议", [photo])
        full = ledger.full_backup(tmp_path / "usb" / "台账完整备份.zip")

    with zipfile.ZipFile(full) as archive:
        manifest = json.loads(archive.read("manifest.json"))
        assert set(manifest["files"]) == {name for name in archive.namelist() if name != "manifest.json"}
        assert len(manifest["files"]) == 2

    restored, kept = Ledger.restore(tmp_path / "另一台电脑", full)
    with restored:
        assert kept is None
        assert _titles(restored) == ["有照片的会议"]
        assert check_ledger(restored) == []
        assert [path.read_bytes() for path in stored_files(restored.evidence_dir)] == [photo.read_bytes()]


def _manifest_with(name, data, extra):
    manifest = json.loads(data)
    manifest["files"].update(extra)
    return name, json.dumps(manifest)


BAD_FULL_BACKUPS = {
    "altered": lambda name, data: (name, data[:-1] + b"!") if name.startswith("evidence/") else (name, data),
    "missing": lambda name, data: None if name.startswith("evidence/") else (name, data),
    "escaping": lambda name, data: (
        _manifest_with(name, data, {"../../outside.txt": "0" * 64}) if name == "manifest.json" else (name, data)
    ),
    "no manifest": lambda name, data: None if name == "manifest.json" else (name, data),
}


@pytest.mark.parametrize("damage", BAD_FULL_BACKUPS)
def test_a_damaged_full_backup_is_refused_whole(ledger_path, tmp_path, damage, capsys):
    photo = tmp_path / "现场.jpg"
    Image.new("RGB", (64, 48), (20, 90, 40)).save(photo, "JPEG")
    with Ledger.open(ledger_path) as ledger:
        _add_meeting(ledger, "原有会议", [photo])
        full = ledger.full_backup(tmp_path / "full.zip")
        _add_meeting(ledger, "之后的会议")
    bad = rewrite_zip(full, tmp_path / "坏的备份.zip", BAD_FULL_BACKUPS[damage])
    database = (ledger_path / "ledger.sqlite").read_bytes()

    assert main(["--ledger", str(ledger_path), "restore", str(bad)]) == 1
    message = capsys.readouterr().err
    assert "坏的备份.zip" in message
    assert (ledger_path / "ledger.sqlite").read_bytes() == database
    with Ledger.open(ledger_path) as ledger:
        assert _titles(ledger) == ["之后的会议", "原有会议"]


@pytest.mark.parametrize(
    "content",
    [b"", b"not a database at all" * 100, b"SQLite format 3\x00" + b"\x00" * 200],
    ids=["empty", "text", "truncated"],
)
def test_a_file_that_is_no_ledger_database_is_refused(ledger_path, tmp_path, content, capsys):
    bad = tmp_path / "备份.sqlite"
    bad.write_bytes(content)
    assert main(["--ledger", str(ledger_path), "restore", str(bad)]) == 1
    assert "备份.sqlite" in capsys.readouterr().err
    with Ledger.open(ledger_path) as ledger:
        assert check_ledger(ledger) == []


def test_a_database_of_another_program_is_refused(ledger_path, tmp_path, capsys):
    other = tmp_path / "other.sqlite"
    connection = sqlite3.connect(other)
    connection.execute("CREATE TABLE notes (text)")
    connection.commit()
    connection.close()
    assert main(["--ledger", str(ledger_path), "restore", str(other)]) == 1
    assert "不是台账的数据库" in capsys.readouterr().err


def test_a_damaged_ledger_says_how_to_restore_and_restore_keeps_the_damaged_copy(ledger_path, capsys):
    with Ledger.open(ledger_path) as ledger:
        _add_meeting(ledger, "损坏前的会议")
        saved = ledger.backup()
    (ledger_path / "ledger.sqlite").write_bytes(b"\x00" * 4096)

    assert main(["--ledger", str(ledger_path), "list", "meeting"]) == 1
    assert "ledger restore" in capsys.readouterr().err

    assert main(["--ledger", str(ledger_path), "restore", str(saved)]) == 0
    kept = [item for item in backup.list_backups(ledger_path / "backups") if "damaged" in item.reason]
    assert len(kept) == 1 and kept[0].path.read_bytes() == b"\x00" * 4096
    with Ledger.open(ledger_path) as ledger:
        assert _titles(ledger) == ["损坏前的会议"]


def test_backup_commands(ledger_path, tmp_path, capsys):
    assert main(["--ledger", str(ledger_path), "backup"]) == 0
    assert main(["--ledger", str(ledger_path), "backup", "--to", str(tmp_path / "U盘")]) == 0
    assert main(["--ledger", str(ledger_path), "backup", "--full", str(tmp_path / "完整.zip")]) == 0
    capsys.readouterr()
    assert main(["--ledger", str(ledger_path), "backup", "--list"]) == 0
    listed = capsys.readouterr().out
    assert "手动" in listed and "-manual.sqlite" in listed
    [copy] = (tmp_path / "U盘").iterdir()
    connection = sqlite3.connect(copy)
    assert connection.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    connection.close()
    assert zipfile.is_zipfile(tmp_path / "完整.zip")


def test_a_backup_from_the_first_version_is_restored_and_upgraded(ledger_path):
    fixture = Path(__file__).with_name("fixtures") / "ledger-0001.sqlite"
    restored, kept = Ledger.restore(ledger_path, fixture)
    with restored, restored.session() as session:
        assert records.get_record(session, "33333333-3333-3333-3333-333333333333").attachments == []
    assert kept is not None


def _tampered_copy(saved: Path, target: Path, sql: str) -> Path:
    """A copy of a database backup changed behind the program's back with plain SQL."""
    target.write_bytes(saved.read_bytes())
    connection = sqlite3.connect(target)
    connection.executescript(sql)
    connection.close()
    return target


TAMPERED_DATABASES = {
    "missing table": ("DROP TABLE meeting;", "缺少表 meeting"),
    "missing index": ("DROP INDEX ix_record_pairing_year;", "缺少索引 ix_record_pairing_year"),
    "missing column": ("ALTER TABLE record DROP COLUMN location;", "缺少列 record.location"),
    "extra column": ("ALTER TABLE record ADD COLUMN secret NOT NULL DEFAULT 1;", "本程序没有的列 record.secret"),
    "extra table": ("CREATE TABLE notes (text);", "本程序没有的表 notes"),
    "trigger": (
        "CREATE TRIGGER wipe AFTER INSERT ON record BEGIN DELETE FROM audit_entry; END;",
        "本程序没有的触发器 wipe",
    ),
    "view": ("CREATE VIEW everything AS SELECT * FROM record;", "本程序没有的视图 everything"),
    "unique index": ("CREATE UNIQUE INDEX one_title ON record (title);", "本程序没有的索引 one_title"),
    "dangling reference": (
        "INSERT INTO record_unit VALUES (X'00', X'01', 0);",
        "引用了不存在的行（表 record_unit）",
    ),
}


@pytest.mark.parametrize("damage", TAMPERED_DATABASES)
def test_a_backup_database_unlike_its_revision_is_refused_and_nothing_replaced(ledger_path, tmp_path, damage, capsys):
    with Ledger.open(ledger_path) as ledger:
        _add_meeting(ledger, "备份前的会议")
        saved = ledger.backup()
        _add_meeting(ledger, "备份后的会议")
    sql, wanted = TAMPERED_DATABASES[damage]
    bad = _tampered_copy(saved, tmp_path / "改过的备份.sqlite", sql)
    database = (ledger_path / "ledger.sqlite").read_bytes()
    kept_before = backup.list_backups(ledger_path / "backups")

    assert main(["--ledger", str(ledger_path), "restore", str(bad)]) == 1
    message = capsys.readouterr().err
    assert "备份“改过的备份.sqlite”里的数据库" in message
    assert wanted in message
    assert "Traceback" not in message
    assert (ledger_path / "ledger.sqlite").read_bytes() == database
    assert backup.list_backups(ledger_path / "backups") == kept_before
    with Ledger.open(ledger_path) as ledger:
        assert _titles(ledger) == ["备份前的会议", "备份后的会议"]


TAMPERED_FIRST_VERSIONS = {
    "trigger": (
        "CREATE TRIGGER wipe AFTER UPDATE ON record BEGIN DELETE FROM audit_entry; END;",
        "备份“旧版.sqlite”里的数据库带有本程序没有的触发器 wipe，可能已损坏或被改动过",
    ),
    # A table a later revision creates would make the upgrade after the restore fail.
    "table of a later revision": ("CREATE TABLE labour (id);", "备份“旧版.sqlite”里的数据库带有本程序没有的表 labour"),
}


@pytest.mark.parametrize("damage", TAMPERED_FIRST_VERSIONS)
def test_a_first_version_backup_is_checked_against_the_first_revision(ledger_path, tmp_path, damage, capsys):
    fixture = Path(__file__).with_name("fixtures") / "ledger-0001.sqlite"
    sql, wanted = TAMPERED_FIRST_VERSIONS[damage]
    bad = _tampered_copy(fixture, tmp_path / "旧版.sqlite", sql)
    database = (ledger_path / "ledger.sqlite").read_bytes()
    assert main(["--ledger", str(ledger_path), "restore", str(bad)]) == 1
    assert wanted in capsys.readouterr().err
    assert (ledger_path / "ledger.sqlite").read_bytes() == database


def _full_backup_with_photo(ledger_path, tmp_path, colour=(20, 90, 40)) -> tuple[Path, Path, str]:
    """A ledger with one attached photo and its full backup: (photo, backup, the photo's relative path)."""
    photo = tmp_path / "现场.jpg"
    Image.new("RGB", (64, 48), colour).save(photo, "JPEG")
    with Ledger.open(ledger_path) as ledger:
        _add_meeting(ledger, "有照片的会议", [photo])
        [stored] = stored_files(ledger.evidence_dir)
        full = ledger.full_backup(tmp_path / "full.zip")
    return photo, full, stored.relative_to(ledger_path / "evidence").as_posix()


def test_a_full_backup_whose_evidence_bytes_do_not_match_their_names_is_refused(ledger_path, tmp_path, capsys):
    _, full, relative = _full_backup_with_photo(ledger_path, tmp_path)
    bad = rehashed_zip(
        full,
        tmp_path / "换了照片.zip",
        lambda name, data: (name, data[:-1] + bytes([data[-1] ^ 1])) if name.startswith("evidence/") else (name, data),
    )
    assert main(["--ledger", str(tmp_path / "另一台电脑"), "restore", str(bad)]) == 1
    message = capsys.readouterr().err
    assert f"“换了照片.zip”中的“evidence/{relative}”内容与它的校验名不符" in message
    assert not (tmp_path / "另一台电脑" / "ledger.sqlite").exists()


def test_a_full_backup_lacking_a_file_its_database_names_is_refused(ledger_path, tmp_path, capsys):
    photo, full, relative = _full_backup_with_photo(ledger_path, tmp_path)
    lacking = rehashed_zip(
        full, tmp_path / "缺照片.zip", lambda name, data: None if name.startswith("evidence/") else (name, data)
    )
    # On another laptop nothing holds the photo: refused, naming it.
    assert main(["--ledger", str(tmp_path / "另一台电脑"), "restore", str(lacking)]) == 1
    message = capsys.readouterr().err
    assert f"完整备份“缺照片.zip”缺少数据库登记的佐证材料文件：现场.jpg（{relative}）" in message
    assert not (tmp_path / "另一台电脑" / "ledger.sqlite").exists()

    # The same ledger's store holds it intact: nothing is missing after the restore.
    restored, _ = Ledger.restore(ledger_path, lacking)
    with restored:
        assert check_ledger(restored) == []
        assert [path.read_bytes() for path in stored_files(restored.evidence_dir)] == [photo.read_bytes()]

    # Damaged in the store, it is no copy to rely on: refused again, the damaged file left as it was.
    stored = ledger_path / "evidence" / relative
    damaged = stored.read_bytes()[:-1] + b"!"
    stored.write_bytes(damaged)
    database = (ledger_path / "ledger.sqlite").read_bytes()
    assert main(["--ledger", str(ledger_path), "restore", str(lacking)]) == 1
    assert "现场.jpg" in capsys.readouterr().err
    assert (ledger_path / "ledger.sqlite").read_bytes() == database
    assert stored.read_bytes() == damaged


def test_restoring_a_good_full_backup_repairs_a_damaged_stored_file_of_the_same_size(ledger_path, tmp_path):
    photo, full, relative = _full_backup_with_photo(ledger_path, tmp_path)
    stored = ledger_path / "evidence" / relative
    stored.write_bytes(stored.read_bytes()[:-1] + b"!")
    with Ledger.open(ledger_path) as ledger:
        assert len(check_ledger(ledger)) == 1

    restored, _ = Ledger.restore(ledger_path, full)
    with restored:
        assert stored.read_bytes() == photo.read_bytes()
        assert check_ledger(restored) == []
