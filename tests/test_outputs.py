"""Output paths: no workbook, binder, label sheet, package or backup is ever written into the ledger's own folder."""

import json
import os
from pathlib import Path

import pytest
from PIL import Image
from samples import MEETING_ARGS as MEETING

from ledger.excel.export import export_workbook
from ledger.exchange.pack import write_pack
from ledger.pdf.binder import BinderOptions, build_binder
from ledger.pdf.labels import LabelOptions, labels_for_binder
from ledger.storage.outputs import OutputInsideLedger, refuse_inside_ledger


@pytest.fixture
def run(run):
    """The command line on a ledger opened and closed once: what opening alone writes is written before a test
    looks."""
    run("list", "meeting")
    return run


def _files(folder: Path) -> dict[str, bytes]:
    """Every file under `folder` with its bytes, to show that a refused command wrote nothing (but the note of
    who holds the lock, which every opening rewrites)."""
    return {
        str(path.relative_to(folder)): path.read_bytes()
        for path in sorted(folder.rglob("*"))
        if path.is_file() and path.name != "ledger.lock"
    }


def _refused(run, ledger_path: Path, *args) -> str:
    """Runs a command that must be refused: it fails, prints nothing to stdout and writes nothing in the ledger.
    Returns its message."""
    files = _files(ledger_path)
    status, out, err = run(*args)
    assert status == 1
    assert out == ""
    assert _files(ledger_path) == files
    return err


def _stored_photo(run, ledger_path: Path, tmp_path: Path) -> Path:
    status, out, err = run("add", "meeting", *MEETING)
    assert status == 0, err
    record_id = out.strip()
    photo = tmp_path / "会场.jpg"
    Image.new("RGB", (320, 240), "white").save(photo)
    status, _, err = run("attach", record_id, photo, "--role", "照片")
    assert status == 0, err
    [attachment] = json.loads(run("show", record_id, "--json")[1])["attachments"]
    stored = ledger_path / "evidence" / attachment["path"]
    assert stored.is_file()
    return stored


# The two commands of the finding -----------------------------------------------------------------------------


def test_export_onto_the_ledgers_own_database_is_refused_and_the_database_is_untouched(run, ledger_path):
    database = ledger_path / "ledger.sqlite"
    before = database.read_bytes()

    err = _refused(run, ledger_path, "export", database)

    assert err == f"错误：不能把导出文件保存在台账文件夹里（{database}）：请另选一个位置。\n"
    assert database.read_bytes() == before
    assert run("list", "meeting")[0] == 0  # the ledger still opens


def test_a_full_backup_onto_a_stored_evidence_file_is_refused_and_the_file_is_untouched(run, ledger_path, tmp_path):
    stored = _stored_photo(run, ledger_path, tmp_path)
    before = stored.read_bytes()

    err = _refused(run, ledger_path, "backup", "--full", stored)

    assert err == f"错误：不能把完整备份保存在台账文件夹里（{stored}）：请另选一个位置。\n"
    assert stored.read_bytes() == before
    status, out, _ = run("check")
    assert status == 0, out


# Other names for a place in the ledger ---------------------------------------------------------------------------


def test_a_path_through_dot_dot_into_the_ledger_is_refused(run, ledger_path, tmp_path):
    outside = tmp_path / "外出"
    outside.mkdir()
    given = outside / ".." / "ledger" / "cache" / "交换包.zip"

    err = _refused(run, ledger_path, "pack", given)

    real = ledger_path.resolve() / "cache" / "交换包.zip"
    assert err == f"错误：不能把交换包保存在台账文件夹里（{given}，即 {real}）：请另选一个位置。\n"


def test_a_relative_path_with_dot_dot_from_inside_the_ledger_is_refused(run, ledger_path, monkeypatch):
    database = ledger_path / "ledger.sqlite"
    before = database.read_bytes()
    monkeypatch.chdir(ledger_path / "evidence")

    err = _refused(run, ledger_path, "export", Path("..") / "ledger.sqlite")

    assert err == (
        f"错误：不能把导出文件保存在台账文件夹里（../ledger.sqlite，即 {database.resolve()}）：请另选一个位置。\n"
    )
    assert database.read_bytes() == before


def test_a_folder_symlinked_into_the_ledger_is_refused(run, ledger_path, tmp_path):
    shortcut = tmp_path / "快捷方式"
    shortcut.symlink_to(ledger_path, target_is_directory=True)

    assert _refused(run, ledger_path, "backup", "--to", shortcut) == (
        f"错误：不能把备份保存在台账文件夹里（{shortcut}，即 {ledger_path.resolve()}）：请另选一个文件夹（如 U 盘）。\n"
    )

    given = shortcut / "evidence" / "佐证材料.pdf"
    real = ledger_path.resolve() / "evidence" / "佐证材料.pdf"
    assert _refused(run, ledger_path, "binder", given) == (
        f"错误：不能把佐证材料保存在台账文件夹里（{given}，即 {real}）：请另选一个位置。\n"
    )


def test_a_file_symlinked_to_the_database_is_refused(run, ledger_path, tmp_path):
    database = ledger_path / "ledger.sqlite"
    before = database.read_bytes()
    link = tmp_path / "台账.xlsx"
    link.symlink_to(database)

    err = _refused(run, ledger_path, "export", link)

    assert err == f"错误：不能把导出文件保存在台账文件夹里（{link}，即 {database.resolve()}）：请另选一个位置。\n"
    assert database.read_bytes() == before
    assert link.is_symlink()


# Every command that writes a file the user names -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("args", "where", "what", "instead"),
    [
        (["export"], "台账.xlsx", "导出文件", "请另选一个位置"),
        (["binder"], "cache/佐证材料.pdf", "佐证材料", "请另选一个位置"),
        (["binder", "--volume-pages", "40"], "佐证材料.pdf", "佐证材料", "请另选一个位置"),
        (["labels"], "档案盒标签.pdf", "档案盒标签", "请另选一个位置"),
        (["pack"], "backups/交换包.zip", "交换包", "请另选一个位置"),
        (["backup", "--full"], "完整备份.zip", "完整备份", "请另选一个位置"),
        (["backup", "--to"], "", "备份", "请另选一个文件夹（如 U 盘）"),
        (["backup", "--to"], "backups", "备份", "请另选一个文件夹（如 U 盘）"),
        (["backup", "--to"], "新文件夹", "备份", "请另选一个文件夹（如 U 盘）"),
    ],
)
def test_every_output_inside_the_ledger_is_refused_and_nothing_is_written(run, ledger_path, args, where, what, instead):
    target = ledger_path / where if where else ledger_path
    folders = sorted(path for path in ledger_path.rglob("*") if path.is_dir())

    err = _refused(run, ledger_path, *args, target)

    assert err == f"错误：不能把{what}保存在台账文件夹里（{target}）：{instead}。\n"
    assert sorted(path for path in ledger_path.rglob("*") if path.is_dir()) == folders


def test_a_file_beside_the_ledger_with_a_name_that_begins_like_it_is_written(run, ledger_path, tmp_path):
    status, _, err = run("export", tmp_path / "ledger-副本.xlsx")
    assert status == 0, err
    assert (tmp_path / "ledger-副本.xlsx").is_file()
    status, _, err = run("backup", "--to", tmp_path / "ledger2")
    assert status == 0, err
    assert len(list((tmp_path / "ledger2").glob("*.sqlite"))) == 1


# The window calls the same functions ------------------------------------------------------------------------------


def test_the_functions_the_window_calls_refuse_a_place_in_the_ledger(ledger):
    files = _files(ledger.path)
    inside = ledger.path / "cache" / "输出"
    with ledger.session() as session:
        with pytest.raises(OutputInsideLedger, match="导出文件"):
            export_workbook(session, inside.with_suffix(".xlsx"))
        with pytest.raises(OutputInsideLedger, match="佐证材料"):
            build_binder(ledger, session, inside.with_suffix(".pdf"), BinderOptions())
        with pytest.raises(OutputInsideLedger, match="档案盒标签"):
            labels_for_binder(ledger, session, inside.with_suffix(".pdf"), BinderOptions(), LabelOptions())
    with pytest.raises(OutputInsideLedger, match="交换包"):
        write_pack(ledger, ledger.database)
    with pytest.raises(OutputInsideLedger, match="完整备份"):
        ledger.full_backup(ledger.path / "完整备份.zip")
    with pytest.raises(OutputInsideLedger, match="备份"):
        ledger.backup(to=ledger.evidence_dir)
    assert _files(ledger.path) == files


@pytest.mark.parametrize(
    ("dialog", "name", "what"),
    [
        ("ExcelExportDialog", "台账.xlsx", "导出文件"),
        ("BinderDialog", "佐证材料.pdf", "佐证材料"),
        ("LabelsDialog", "档案盒标签.pdf", "档案盒标签"),
        ("PackDialog", "交换包.zip", "交换包"),
        ("FullBackupDialog", "完整备份.zip", "完整备份"),
    ],
)
def test_the_windows_dialogs_say_why_and_write_nothing(ledger, qtbot, dialog, name, what):
    from ui import backup_dialogs, binder_dialogs, excel_dialogs, exchange_dialogs
    from ui.context import LedgerContext
    from ui.jobs import JobState

    dialogs = {**vars(excel_dialogs), **vars(binder_dialogs), **vars(exchange_dialogs), **vars(backup_dialogs)}
    files = _files(ledger.path)
    target = ledger.path / "evidence" / name
    shown = dialogs[dialog](LedgerContext(ledger))
    qtbot.addWidget(shown)
    shown.show()
    shown.set_output(target)
    with qtbot.waitSignal(shown.job_ended, timeout=60_000):
        shown.start()
    assert shown.state == JobState.FAILED
    assert shown.status.text() == f"未能完成：不能把{what}保存在台账文件夹里（{target}）：请另选一个位置。"
    assert _files(ledger.path) == files


# The check itself -------------------------------------------------------------------------------------------


def test_the_check_refuses_the_folder_itself_and_passes_a_place_outside(ledger_path, tmp_path):
    with pytest.raises(OutputInsideLedger):
        refuse_inside_ledger(ledger_path, ledger_path)
    with pytest.raises(OutputInsideLedger):
        refuse_inside_ledger(ledger_path / "backups" / "新" / "x.zip", ledger_path)
    refuse_inside_ledger(tmp_path / "x.zip", ledger_path)
    refuse_inside_ledger(tmp_path / "ledger.sqlite", ledger_path)
    refuse_inside_ledger(Path(f"{ledger_path}-副本") / "x.zip", ledger_path)


def test_a_tilde_is_a_folder_name_as_the_writers_take_it(ledger_path, monkeypatch):
    monkeypatch.chdir(ledger_path)  # `~/台账.xlsx` from here is written to <ledger>/~/台账.xlsx, not to the home folder
    with pytest.raises(OutputInsideLedger):
        refuse_inside_ledger(Path("~") / "台账.xlsx", ledger_path)


def test_the_check_ignores_case_where_the_system_does(ledger_path, monkeypatch):
    monkeypatch.setattr(os.path, "normcase", lambda text: text.lower())  # as on Windows
    shouting = Path(str(ledger_path).upper()) / "LEDGER.SQLITE"
    with pytest.raises(OutputInsideLedger):
        refuse_inside_ledger(shouting, ledger_path)


def test_the_check_knows_a_ledger_opened_through_a_symlink(ledger_path, tmp_path):
    other = tmp_path / "另一个名字"
    other.symlink_to(ledger_path, target_is_directory=True)
    with pytest.raises(OutputInsideLedger):
        refuse_inside_ledger(ledger_path / "evidence" / "x.zip", other)
