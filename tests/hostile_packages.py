"""Hostile and broken exchange packages and backups, for `ledger merge` and `ledger restore`: the part of the
corpus of `hostile_samples` that spoils the sound package and backups of a laptop sharing the ledger's pairing.
A package or a full backup forged with care has its manifest's checksums worked out again, so the check that
refuses it is the one behind the manifest's."""

from __future__ import annotations

import hashlib
import json
import shutil
import sqlite3
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from hostile_samples import (
    MERGE,
    RESTORE,
    Maker,
    Sample,
    Sources,
    bomb_package,
    noise_photo,
)
from plan_samples import HESHAN_LONGZHOU_2020
from plan_samples import write_xlsx as write_task_list
from samples import VALID, package_data, rehashed_zip, rewrite_zip

from ledger import evidence, records
from ledger.exchange.pack import write_pack
from ledger.plans import store as plans
from ledger.storage.folder import Ledger

#: The record the laptop archived, and an attachment id of the forger's.
ARCHIVED_TITLE = "已归档的会议"
FORGED_ID = "2c0c3cd7-6f9f-4c68-8b67-222222222222"


def make_sources(template: Path, folder: Path, book: Path) -> Sources:
    """A laptop's ledger made from `template` (so its pairing is the valid ledger's): a training with a photo, an
    archived meeting and a year's plan; its package, full backup and database backup, beside `book`."""
    laptop = folder / "甲"
    shutil.copytree(template, laptop)
    photo = folder / "培训.jpg"
    photo.write_bytes(noise_photo((64, 48)))
    with Ledger.open(laptop, author="甲") as ledger:
        with ledger.session() as session, session.begin():
            training = records.add_record(session, "training", VALID["training"])
            evidence.attach(session, ledger.evidence_dir, training, [photo])
            meeting = records.add_record(session, "meeting", {**VALID["meeting"], "title": ARCHIVED_TITLE})
        with ledger.session() as session, session.begin():
            records.update_record(session, records.get_record(session, meeting.id), {"record_status": "已归档"})
            listed = write_task_list(HESHAN_LONGZHOU_2020, folder / "清单.xlsx")
            plans.import_plan(session, listed, pairing="鹤山市—龙州县", year=2020)
        package = write_pack(ledger, folder / "甲.zip").path
        full = ledger.full_backup(folder / "甲-完整备份.zip")
        database = ledger.backup(to=folder)
    return Sources(book, package, full, database)


# Packages ------------------------------------------------------------------------------------------


def _data(change: Callable[[dict[str, Any]], None], extra: dict[str, bytes] | None = None) -> Maker:
    """The sound package with its data passed through `change`, carrying the `extra` members."""
    return lambda path, sources: rehashed_zip(sources.package, path, package_data(change), extra) and None


def _package(sources: Sources) -> Path:
    return sources.package


def _full(sources: Sources) -> Path:
    return sources.full_backup


def _members(
    source: Callable[[Sources], Path], change: Callable[[str, bytes], tuple[str, bytes] | None], rehash: bool = False
) -> Maker:
    """The sound package or full backup with its members passed through `change`; with `rehash`, the manifest's
    checksums worked out again."""
    return lambda path, sources: (rehashed_zip if rehash else rewrite_zip)(source(sources), path, change) and None


def _records(data: dict[str, Any], title: str) -> dict[str, Any]:
    return next(item for item in data["records"] if item["values"]["title"] == title)


def _huge_caption(data: dict[str, Any]) -> None:
    data["attachments"][0]["caption"] = "说明" * 1_000_000


def _unknown_measure(data: dict[str, Any]) -> None:
    task = next(task for task in data["plans"][0]["tasks"] if task["targets"])
    task["targets"][0]["measure"] = "no_such_measure"


def _nul_in_pairing(data: dict[str, Any]) -> None:
    data["pairings"][0]["east"] = "鹤山\x00市"
    data["pairings"][0]["name"] = "鹤山\x00市—龙州县"


def _attachment_on_archived(data: dict[str, Any]) -> None:
    photo = dict(data["attachments"][0])
    photo |= {"id": FORGED_ID, "record_id": _records(data, ARCHIVED_TITLE)["id"]}
    photo["created_at"] = photo["updated_at"] = "2099-01-01T00:00:00+08:00"
    data["attachments"].append(photo)


BROKEN_PHOTO = b"\xff\xd8\xff\xe0" + bytes(200)
BROKEN_SHA = hashlib.sha256(BROKEN_PHOTO).hexdigest()


def _broken_picture(data: dict[str, Any]) -> None:
    photo = dict(data["attachments"][0])
    photo |= {"id": FORGED_ID, "sha256": BROKEN_SHA, "original_name": "残缺.jpg"}
    photo["file"] = {**photo["file"], "ext": ".jpg"}
    data["attachments"].append(photo)


def _value(name: str, value: object) -> Callable[[dict[str, Any]], None]:
    """A value of the wrong type for a field of the packed training."""

    def change(data: dict[str, Any]) -> None:
        _records(data, VALID["training"]["title"])["values"][name] = value

    return change


def _field(name: str, value: object) -> Callable[[dict[str, Any]], None]:
    """A wrong value for a property of the packed training itself, beside its values."""

    def change(data: dict[str, Any]) -> None:
        _records(data, VALID["training"]["title"])[name] = value

    return change


def _manifest_lists(extra: dict[str, str]) -> Callable[[str, bytes], tuple[str, bytes]]:
    """The manifest naming members the zip does not hold."""

    def change(name: str, data: bytes) -> tuple[str, bytes]:
        if name != "manifest.json":
            return name, data
        manifest = json.loads(data)
        manifest["files"].update(extra)
        return name, json.dumps(manifest).encode()

    return change


def _evidence(change: Callable[[bytes], bytes | None]) -> Callable[[str, bytes], tuple[str, bytes] | None]:
    def changed(name: str, data: bytes) -> tuple[str, bytes] | None:
        if not name.startswith("evidence/"):
            return name, data
        kept = change(data)
        return None if kept is None else (name, kept)

    return changed


def _flipped(data: bytes) -> bytes:
    return data[:-1] + bytes([data[-1] ^ 1])


def _package_bomb(path: Path, sources: Sources) -> None:
    with zipfile.ZipFile(sources.package) as archive:
        parts = {name: archive.read(name) for name in archive.namelist() if name != "data.json"}
    bomb_package(path, parts, "data.json", b'{"pairings": [', b"]}")


def _cut(source: Callable[[Sources], Path], fraction: float) -> Maker:
    def make(path: Path, sources: Sources) -> None:
        data = source(sources).read_bytes()
        path.write_bytes(data[: int(len(data) * fraction)])

    return make


def _plain(content: bytes) -> Maker:
    return lambda path, sources: path.write_bytes(content) and None


def package_samples() -> list[Sample]:
    wrong = ("交换包", "中的数据有误，未作任何更改")
    damaged = ("文件不完整或已损坏",)
    return [
        Sample(
            "2mb-caption", MERGE, "说明过长的包.zip", (*wrong, "过长（2000000字，最多500字）"), _data(_huge_caption)
        ),
        Sample(
            "unknown-measure",
            MERGE,
            "指标不明的包.zip",
            (*wrong, "no_such_measure", "没有这个指标"),
            _data(_unknown_measure),
        ),
        Sample("nul-in-pairing", MERGE, "结对有误的包.zip", (*wrong, "含有控制字符 U+0000"), _data(_nul_in_pairing)),
        Sample("archived", MERGE, "改动归档的包.zip", (*wrong, "记录已归档"), _data(_attachment_on_archived)),
        Sample(
            "broken-picture",
            MERGE,
            "图片损坏的包.zip",
            (*wrong, "残缺.jpg", "图片文件已损坏"),
            _data(_broken_picture, {f"evidence/{BROKEN_SHA[:2]}/{BROKEN_SHA}.jpg": BROKEN_PHOTO}),
        ),
        Sample("count-as-text", MERGE, "人数是字的包.zip", (*wrong, "培训人次"), _data(_value("participants", "很多"))),
        Sample(
            "impossible-date",
            MERGE,
            "日期有误的包.zip",
            (*wrong, "2020-13-45"),
            _data(_value("start_date", "2020-13-45")),
        ),
        Sample(
            "units-as-text",
            MERGE,
            "单位有误的包.zip",
            (*wrong, "责任单位"),
            _data(_value("responsible_units", "鹤山市")),
        ),
        Sample("values-not-a-map", MERGE, "缺值的包.zip", wrong, _data(_field("values", [1, 2]))),
        Sample("id-not-uuid", MERGE, "编号有误的包.zip", (*wrong, "not-a-uuid"), _data(_field("id", "not-a-uuid"))),
        Sample("unknown-kind", MERGE, "类别不明的包.zip", (*wrong, "spaceship"), _data(_field("kind", "spaceship"))),
        Sample(
            "escaping-path",
            MERGE,
            "越界的包.zip",
            ("../../etc/passwd",),
            _members(_package, _manifest_lists({"../../etc/passwd": "0" * 64})),
        ),
        Sample(
            "missing-file", MERGE, "缺文件的包.zip", ("evidence/",), _members(_package, _evidence(lambda data: None))
        ),
        Sample("wrong-hash", MERGE, "文件被改的包.zip", ("evidence/",), _members(_package, _evidence(_flipped))),
        Sample(
            "forged-hash",
            MERGE,
            "换了照片的包.zip",
            ("校验名不符",),
            _members(_package, _evidence(_flipped), rehash=True),
        ),
        Sample(
            "not-json",
            MERGE,
            "数据乱码的包.zip",
            ("不是有效的 JSON 文本",),
            _members(_package, lambda n, d: (n, b"{" if n == "data.json" else d), rehash=True),
        ),
        Sample(
            "no-manifest",
            MERGE,
            "无清单的包.zip",
            ("没有清单", "不是协作台账的交换包"),
            _members(_package, lambda n, d: None if n == "manifest.json" else (n, d)),
        ),
        Sample("bomb", MERGE, "炸弹包.zip", ("zip 炸弹",), _package_bomb),
        Sample("truncated", MERGE, "半个包.zip", damaged, _cut(_package, 0.5)),
        Sample("text", MERGE, "文字包.zip", damaged, _plain("这不是交换包".encode() * 20)),
        Sample("empty", MERGE, "空包.zip", ("0 字节",), _plain(b"")),
    ]


# Backups -------------------------------------------------------------------------------------------


def _database(sql: str) -> Maker:
    """The sound database backup changed behind the program's back with plain SQL."""

    def make(path: Path, sources: Sources) -> None:
        shutil.copyfile(sources.database, path)
        connection = sqlite3.connect(path)
        try:
            connection.executescript(sql)
        finally:
            connection.close()

    return make


def _other_program(path: Path, sources: Sources) -> None:
    connection = sqlite3.connect(path)
    try:
        connection.execute("CREATE TABLE notes (text)")
        connection.commit()
    finally:
        connection.close()


def backup_samples() -> list[Sample]:
    tampered = ("备份“", "里的数据库")
    damaged_full = ("不是完整备份（zip 文件）", "文件不完整或已损坏")
    return [
        Sample(
            "missing-table",
            RESTORE,
            "缺表的备份.sqlite",
            (*tampered, "缺少表 meeting"),
            _database("DROP TABLE meeting;"),
        ),
        Sample(
            "missing-column",
            RESTORE,
            "缺列的备份.sqlite",
            (*tampered, "缺少列 record.location"),
            _database("ALTER TABLE record DROP COLUMN location;"),
        ),
        Sample(
            "extra-table",
            RESTORE,
            "多表的备份.sqlite",
            (*tampered, "本程序没有的表 notes"),
            _database("CREATE TABLE notes (text);"),
        ),
        Sample(
            "trigger",
            RESTORE,
            "带触发器的备份.sqlite",
            (*tampered, "本程序没有的触发器 wipe"),
            _database("CREATE TRIGGER wipe AFTER INSERT ON record BEGIN DELETE FROM audit_entry; END;"),
        ),
        Sample(
            "view",
            RESTORE,
            "带视图的备份.sqlite",
            (*tampered, "本程序没有的视图 everything"),
            _database("CREATE VIEW everything AS SELECT * FROM record;"),
        ),
        Sample(
            "dangling-reference",
            RESTORE,
            "断链的备份.sqlite",
            (*tampered, "引用了不存在的行（表 record_unit）"),
            _database("INSERT INTO record_unit VALUES (X'00', X'01', 0);"),
        ),
        Sample("other-program", RESTORE, "别的程序.sqlite", ("不是台账的数据库",), _other_program),
        Sample("text", RESTORE, "文字.sqlite", ("不是台账的数据库",), _plain(b"not a database at all" * 100)),
        Sample(
            "header-only",
            RESTORE,
            "只有文件头.sqlite",
            ("不是台账的数据库",),
            _plain(b"SQLite format 3\x00" + bytes(200)),
        ),
        Sample(
            "truncated-database",
            RESTORE,
            "半个数据库.sqlite",
            ("不是台账的数据库",),
            _cut(lambda sources: sources.database, 0.5),
        ),
        Sample("empty", RESTORE, "空备份.sqlite", ("0 字节",), _plain(b"")),
        Sample(
            "forged-evidence",
            RESTORE,
            "换了照片的备份.zip",
            ("内容与它的校验名不符",),
            _members(_full, _evidence(_flipped), rehash=True),
        ),
        Sample(
            "lacking-evidence",
            RESTORE,
            "缺照片的备份.zip",
            ("缺少数据库登记的佐证材料文件：培训.jpg",),
            _members(_full, _evidence(lambda data: None), rehash=True),
        ),
        Sample("altered-evidence", RESTORE, "被改的备份.zip", ("校验值不符",), _members(_full, _evidence(_flipped))),
        Sample(
            "escaping-path",
            RESTORE,
            "越界的备份.zip",
            ("../../outside.txt",),
            _members(_full, _manifest_lists({"../../outside.txt": "0" * 64})),
        ),
        Sample(
            "no-manifest",
            RESTORE,
            "无清单的备份.zip",
            ("没有清单", "不是协作台账的完整备份"),
            _members(_full, lambda n, d: None if n == "manifest.json" else (n, d)),
        ),
        Sample("truncated-full", RESTORE, "半个备份.zip", damaged_full, _cut(_full, 0.5)),
    ]


SAMPLES = [*package_samples(), *backup_samples()]
