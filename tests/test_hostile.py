"""Hostile and broken input through the commands that read users' files (`ledger attach`, `ledger import`,
`ledger plan import`, `ledger merge`, `ledger restore`): every file of the corpus in `hostile_samples` and
`hostile_packages` is refused with exit status 1 and a Chinese message naming the file and its problem, and
leaves the ledger exactly as it was. Sound files that look odd (CMYK and 16-bit pictures, hostile names, a scan
with a broken cross-reference table, a sheet with a million empty rows) are taken, and the binder prints the
pictures in their colours."""

from __future__ import annotations

import re
import shutil
import subprocess
import time
from pathlib import Path

import hostile_packages
import hostile_samples
import pytest
from hostile_samples import (
    ATTACH,
    IMPORT,
    LONG_NAME,
    MERGE,
    PLAN,
    RESTORE,
    Sample,
    broken_xref_pdf,
    build,
    cmyk_jpeg,
    fingerprint,
    grey16_png,
    million_empty_rows,
    noise_photo,
    owner_locked_pdf,
    rgb16_png,
    write_xlsx,
)
from PIL import Image
from samples import VALID

from ledger import records
from ledger.cli.main import main
from ledger.excel.export import export_workbook
from ledger.excel.sheets import SHEET_NAMES
from ledger.storage.folder import Ledger

AUTHOR = "测试员"
#: Every refusal is quick: sizes are read from the directory, packages from their zip directory.
SECONDS = 10
_REFUSED: set[tuple[str, str]] = set()
COMMANDS = (ATTACH, IMPORT, PLAN, MERGE, RESTORE)
SAMPLES = [*hostile_samples.SAMPLES, *hostile_packages.SAMPLES]


@pytest.fixture(scope="module")
def hostile(template_ledger, tmp_path_factory):
    """A ledger of one valid record of each kind, the meeting's id, and the sound files to spoil: the ledger's
    export, and a package and backups of a laptop sharing its pairing."""
    folder = tmp_path_factory.mktemp("hostile")
    path = folder / "ledger"
    shutil.copytree(template_ledger, path)
    with Ledger.open(path, author=AUTHOR) as ledger, ledger.session() as session:
        with session.begin():
            ids = {kind: records.add_record(session, kind, values).id for kind, values in VALID.items()}
        with session.begin():  # written twice: a row of its export said to be of the first revision is stale
            records.update_record(session, records.get_record(session, ids["meeting"]), {"summary": "会议纪要已印发"})
        export_workbook(session, folder / "台账.xlsx")
    sources = hostile_packages.make_sources(template_ledger, folder / "sources", folder / "台账.xlsx")
    return path, str(ids["meeting"]), sources


@pytest.fixture
def fresh(hostile, tmp_path):
    """A copy of the module's ledger, for a test that changes it."""
    path, meeting, sources = hostile
    shutil.copytree(path, tmp_path / "ledger")
    return tmp_path / "ledger", meeting, sources


def command(sample: Sample, path: Path, meeting: str) -> list[str]:
    if sample.command == ATTACH:
        return ["attach", meeting, str(path)]
    if sample.command == IMPORT:
        return ["import", str(path)]
    if sample.command == PLAN:
        return ["plan", "import", str(path), "--year", "2020"]
    return [sample.command, str(path)]


@pytest.mark.parametrize("sample", SAMPLES, ids=lambda sample: f"{sample.command}-{sample.key}")
def test_a_hostile_file_is_refused_naming_it_and_the_ledger_is_as_before(hostile, sample, tmp_path, capsys, figures):
    ledger, meeting, sources = hostile
    path = build(sample, tmp_path, sources)
    before = fingerprint(ledger)

    started = time.monotonic()
    status = main(["--ledger", str(ledger), *command(sample, path, meeting)])
    seconds = time.monotonic() - started
    out, err = capsys.readouterr()

    assert status == 1, out + err
    assert err.startswith("错误：") and "Traceback" not in err
    assert re.search(r"[\u4e00-\u9fff]", err.replace(sample.named, ""))  # Chinese beyond the file's name
    assert sample.named in err, err
    missing = [words for words in sample.problem if words not in err]
    assert not missing, err
    assert seconds < SECONDS
    assert fingerprint(ledger) == before
    _REFUSED.add((sample.command, sample.key))
    by_command = ", ".join(f"{name} {sum(c == name for c, _ in _REFUSED)}" for name in COMMANDS)
    figures["hostile files refused"] = f"{len(_REFUSED)} ({by_command})"


def test_the_corpus_spans_the_five_commands():
    counts = {kind: sum(sample.command == kind for sample in SAMPLES) for kind in COMMANDS}
    assert sum(counts.values()) >= 100 and min(counts.values()) >= 10, counts
    assert len({(sample.command, sample.key) for sample in SAMPLES}) == len(SAMPLES)


def test_a_refused_file_among_sound_ones_stores_none_of_them(hostile, tmp_path, capsys):
    ledger, meeting, sources = hostile
    sound = tmp_path / "会场.jpg"
    sound.write_bytes(noise_photo())
    broken = tmp_path / "残缺.jpg"
    broken.write_bytes(noise_photo()[:5000])
    empty = tmp_path / "空.pdf"
    empty.write_bytes(b"")
    before = fingerprint(ledger)
    assert main(["--ledger", str(ledger), "attach", meeting, str(sound), str(broken), str(empty)]) == 1
    err = capsys.readouterr().err
    assert "2 个文件不能作为佐证材料，本次未添加任何文件" in err
    assert "残缺.jpg：图片数据不完整" in err and "空.pdf：文件是空的" in err and "会场.jpg" not in err
    assert fingerprint(ledger) == before


def test_a_file_that_vanishes_while_it_is_attached_is_named(hostile, tmp_path, capsys, monkeypatch):
    ledger, meeting, sources = hostile
    photo = tmp_path / "会场.jpg"
    photo.write_bytes(noise_photo())
    opened = Path.open

    def vanishing(self, *args, **kwargs):
        if self == photo:
            photo.unlink()  # after its size was read, before its bytes are
        return opened(self, *args, **kwargs)

    monkeypatch.setattr(Path, "open", vanishing)
    before = fingerprint(ledger)
    assert main(["--ledger", str(ledger), "attach", meeting, str(photo)]) == 1
    assert "未能添加 会场.jpg：找不到文件（可能刚被移动或删除）" in capsys.readouterr().err
    assert fingerprint(ledger) == before


# The limits are settings -------------------------------------------------------------------------


def test_the_limits_are_settings_with_defaults(fresh, tmp_path, capsys):
    ledger, meeting, sources = fresh
    assert main(["--ledger", str(ledger), "config", "max_evidence_mb"]) == 0
    assert "单个佐证材料文件的大小上限（MB，默认 500）：（未设置）" in capsys.readouterr().out
    for key, value in [("max_evidence_mb", "0"), ("max_sheet_rows", "很多"), ("max_image_megapixels", "300")]:
        assert main(["--ledger", str(ledger), "config", key, value]) == 1
        assert f"“{value}”：应为" in capsys.readouterr().err

    photo = tmp_path / "大照片.png"
    photo.write_bytes(noise_photo((1600, 1200), "PNG"))  # 1.9 megapixels, 5.5 MB
    assert main(["--ledger", str(ledger), "config", "max_evidence_mb", "2"]) == 0
    assert main(["--ledger", str(ledger), "attach", meeting, str(photo)]) == 1
    assert "大照片.png：文件有 5.5 MB，超过上限 2 MB（台账设置 max_evidence_mb）" in capsys.readouterr().err
    assert main(["--ledger", str(ledger), "config", "max_evidence_mb", "10"]) == 0
    assert main(["--ledger", str(ledger), "config", "max_image_megapixels", "1"]) == 0
    assert main(["--ledger", str(ledger), "attach", meeting, str(photo)]) == 1
    assert "超过 1 百万像素的上限" in capsys.readouterr().err
    assert main(["--ledger", str(ledger), "config", "max_image_megapixels", "2"]) == 0
    assert main(["--ledger", str(ledger), "attach", meeting, str(photo)]) == 0

    sheet = tmp_path / "台账.xlsx"
    write_xlsx(sheet, SHEET_NAMES["meeting"], million_empty_rows())
    assert main(["--ledger", str(ledger), "config", "max_import_mb", "1"]) == 0
    assert main(["--ledger", str(ledger), "import", str(sheet)]) == 1
    assert "超过上限 1 MB（台账设置 max_import_mb）" in capsys.readouterr().err
    shutil.copy(sources.book, sheet)
    assert main(["--ledger", str(ledger), "config", "max_sheet_rows", "2"]) == 0
    assert main(["--ledger", str(ledger), "import", str(sheet)]) == 1
    assert "超过上限 2 行（台账设置 max_sheet_rows）" in capsys.readouterr().err


# Sound files that look odd -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "content", "stored"),
    [
        ("印刷厂.jpg", cmyk_jpeg, "印刷厂.jpg"),
        ("扫描16位.png", grey16_png, "扫描16位.png"),
        ("彩色16位.png", rgb16_png, "彩色16位.png"),
        ("交叉引用表损坏.pdf", broken_xref_pdf, "交叉引用表损坏.pdf"),
        ("禁止打印.pdf", owner_locked_pdf, "禁止打印.pdf"),
        ("..\\..\\..\\outside.jpg", noise_photo, "outside.jpg"),
        ("会场\x1b[31m照片\n\x7f.jpg", noise_photo, "会场[31m照片.jpg"),
        ("\u202egpj.exe", noise_photo, "gpj.exe"),  # a right-to-left override would show it as exe.jpg
        (LONG_NAME, noise_photo, LONG_NAME),
    ],
    ids=["cmyk", "grey16", "rgb16", "broken-xref", "owner-password", "dots", "control", "rtl", "long-name"],
)
def test_sound_files_that_look_odd_are_attached_under_clean_names(fresh, tmp_path, capsys, name, content, stored):
    ledger, meeting, sources = fresh
    source = tmp_path / "from" / name
    source.parent.mkdir()
    source.write_bytes(content())
    around = sorted(tmp_path.parent.rglob("*"))
    assert main(["--ledger", str(ledger), "attach", meeting, str(source)]) == 0, capsys.readouterr().err
    assert stored in capsys.readouterr().out
    with Ledger.open(ledger) as opened, opened.session() as session:
        [attachment] = records.get_record(session, meeting).attachments
        assert attachment.original_name == stored
        path = opened.evidence_path(attachment.file.relative_path)
        assert path.parent.parent == opened.evidence_dir and re.fullmatch(r"[0-9a-f]{64}\.[a-z0-9]+", path.name)
    # Nothing written outside the ledger folder.
    assert [p for p in sorted(tmp_path.parent.rglob("*")) if ledger not in (p, *p.parents)] == [
        p for p in around if ledger not in (p, *p.parents)
    ]


def test_a_sheet_with_a_million_empty_rows_is_read_quickly(fresh, tmp_path, capsys):
    ledger, meeting, sources = fresh
    sheet = tmp_path / "百万空行.xlsx"
    write_xlsx(sheet, SHEET_NAMES["meeting"], million_empty_rows())
    started = time.monotonic()
    assert main(["--ledger", str(ledger), "import", str(sheet)]) == 0, capsys.readouterr().err
    assert time.monotonic() - started < SECONDS
    assert "新增 1 条" in capsys.readouterr().out


@pytest.mark.skipif(shutil.which("pdftoppm") is None, reason="pdftoppm (poppler-utils) is not installed")
def test_the_binder_prints_cmyk_and_16_bit_pictures_in_their_colours(fresh, tmp_path, capsys):
    ledger, meeting, sources = fresh
    pictures = {"印刷厂.jpg": cmyk_jpeg, "扫描.png": grey16_png, "彩色.png": rgb16_png}
    for name, content in pictures.items():
        (tmp_path / name).write_bytes(content())
    files = [str(tmp_path / name) for name in pictures]
    assert main(["--ledger", str(ledger), "attach", meeting, *files, "--role", "照片"]) == 0
    out = tmp_path / "佐证材料.pdf"
    assert main(["--ledger", str(ledger), "binder", str(out), "--year", "2020", "--no-gaps"]) == 0, capsys.readouterr()
    subprocess.run(["pdftoppm", "-r", "30", "-png", str(out), str(tmp_path / "page")], check=True)
    counts = {"red": 0, "grey": 0, "green": 0}
    wanted = {"red": (255, 0, 0), "grey": (156, 156, 156), "green": (0, 156, 0)}
    for page in tmp_path.glob("page-*.png"):
        with Image.open(page) as image:
            for pixels, colour in image.convert("RGB").getcolors(1 << 20):
                for name, target in wanted.items():
                    if all(abs(a - b) <= 8 for a, b in zip(colour, target, strict=True)):
                        counts[name] += pixels
    # Each picture fills most of a box a few centimetres wide: thousands of pixels at 30 dpi, not a stray few.
    assert min(counts.values()) > 2000, counts
