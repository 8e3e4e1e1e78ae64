"""Hostile and broken files for the commands that read what users bring: `ledger attach` (evidence),
`ledger import` (the Excel ledger) and `ledger plan import` (task lists). Made in a folder by the tests, so
nothing binary is kept in the repository.

Each `Sample` makes one file and says what its refusal must name: the file, as the message shows it, and
words for the problem. The workbooks with a wrong value in one column come from the field spec, one for
every editable field of every kind, each spoiling the export of a ledger that holds one valid record of
each kind.
"""

from __future__ import annotations

import io
import os
import random
import re
import sqlite3
import struct
import zipfile
import zlib
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

import docx
import openpyxl
from excel_samples import PASSWORD_PROTECTED_XLS, header, with_results
from PIL import Image
from pypdf import PdfWriter
from reportlab.pdfgen.canvas import Canvas

from ledger.excel.sheets import ID_HEADER, SHEET_NAMES
from ledger.field_types import FieldType
from ledger.fields import Field
from ledger.kinds import KINDS

ATTACH, IMPORT, PLAN, MERGE, RESTORE = "attach", "import", "plan", "merge", "restore"
GB = 2**30
#: What a zip bomb inflates to.
BOMB_SIZE = 3 * GB


@dataclass(frozen=True)
class Sources:
    """Sound files for the samples to spoil: the valid ledger's export, and from a laptop that shares its pairing
    an exchange package, a full backup and a database backup."""

    book: Path
    package: Path | None = None  # None where no sample of merge or restore is built
    full_backup: Path | None = None
    database: Path | None = None


#: Makes the file at the path given, from the sound sources where it spoils one.
Maker = Callable[[Path, "Sources"], None]


@dataclass(frozen=True)
class Sample:
    key: str  # the test's id
    command: str  # ATTACH, IMPORT, PLAN, MERGE or RESTORE
    name: str  # the file's name
    problem: tuple[str, ...]  # words the message must hold about the problem
    make: Maker
    shown: str | None = None  # the name as messages show it, where it is cleaned

    @property
    def named(self) -> str:
        return self.shown or self.name


def _bytes(data: bytes | Callable[[], bytes]) -> Maker:
    def make(path: Path, sources: Sources) -> None:
        path.write_bytes(data() if callable(data) else data)

    return make


# Pictures ------------------------------------------------------------------------------------------


def noise_photo(size: tuple[int, int] = (480, 360), fmt: str = "JPEG", mode: str = "RGB") -> bytes:
    """A photo of noise: it compresses badly, so cutting it short cuts real picture data."""
    channels = len(Image.new(mode, (1, 1)).getbands())
    image = Image.frombytes(mode, size, random.Random(7).randbytes(size[0] * size[1] * channels))
    out = io.BytesIO()
    image.save(out, fmt, **({"quality": 90} if fmt == "JPEG" else {}))
    return out.getvalue()


def _half(data: Callable[[], bytes]) -> Callable[[], bytes]:
    return lambda: (whole := data())[: len(whole) // 2]


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def png(width: int, height: int, depth: int, colour: int, rows: Iterable[bytes]) -> bytes:
    """A PNG written by hand, for what Pillow will not write: 16-bit colour, a picture of a billion pixels."""
    packer = zlib.compressobj(6)
    data = b"".join(packer.compress(b"\x00" + row) for row in rows) + packer.flush()
    head = struct.pack(">IIBBBBB", width, height, depth, colour, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + _chunk(b"IHDR", head) + _chunk(b"IDAT", data) + _chunk(b"IEND", b"")


def bomb_png(side: int) -> bytes:
    """A valid 1-bit black square of side × side pixels: a few hundred kilobytes that decode to gigabytes."""
    return png(side, side, 1, 0, (bytes((side + 7) // 8) for _ in range(side)))


def cmyk_jpeg() -> bytes:
    """Pure red as a print shop saves it: CMYK."""
    out = io.BytesIO()
    Image.new("CMYK", (600, 400), (0, 255, 255, 0)).save(out, "JPEG", quality=95)
    return out.getvalue()


def grey16_png() -> bytes:
    """A 16-bit greyscale scan at 40000 of 65535: prints as grey 156, not white."""
    out = io.BytesIO()
    Image.new("I;16", (600, 400), 40000).save(out, "PNG")
    return out.getvalue()


def rgb16_png() -> bytes:
    """Green at 16 bits a channel (0, 40000, 0): prints as (0, 156, 0)."""
    return png(600, 400, 16, 2, (struct.pack(">HHH", 0, 40000, 0) * 600 for _ in range(400)))


def _spoilt_png() -> bytes:
    data = bytearray(noise_photo(fmt="PNG"))
    start = data.index(b"IDAT") + 4
    data[start + 2000 : start + 2400] = bytes(400)  # the chunk's CRC is not checked, the pixel stream breaks
    return bytes(data)


def _huge_bmp() -> bytes:
    """A BMP header claiming 100,000 × 100,000 pixels, with none of them."""
    info = struct.pack("<IiiHHIIiiII", 40, 100_000, 100_000, 1, 24, 0, 0, 2835, 2835, 0, 0)
    return b"BM" + struct.pack("<IHHI", 14 + len(info), 0, 0, 14 + len(info)) + info


#: The start of an iPhone photo: an ISO box of type ftyp, brand heic, then the HEVC data Pillow cannot read.
HEIC = b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic" + b"\x00\x00\x10\x00meta" + bytes(4088)


# Scans ---------------------------------------------------------------------------------------------


def pdf(pages: int = 1) -> bytes:
    out = io.BytesIO()
    canvas = Canvas(out)
    for number in range(pages):
        canvas.drawString(72, 720, f"scan page {number + 1}")
        canvas.showPage()
    canvas.save()
    return out.getvalue()


def _locked_pdf(algorithm: str, owner_only: bool = False) -> Callable[[], bytes]:
    def make() -> bytes:
        writer = PdfWriter(clone_from=io.BytesIO(pdf()))
        writer.encrypt(user_password="" if owner_only else "secret", owner_password="owner", algorithm=algorithm)
        out = io.BytesIO()
        writer.write(out)
        return out.getvalue()

    return make


def owner_locked_pdf() -> bytes:
    """Locked against printing and copying with an owner password only: it opens without one."""
    return _locked_pdf("AES-128", owner_only=True)()


def broken_xref_pdf() -> bytes:
    """A sound PDF whose cross-reference offsets are all wrong, as a careless editor leaves them: readers
    rebuild the table by scanning the file."""
    data = pdf(2)
    table = data.rindex(b"xref")
    tail = re.sub(rb"(\d{10}) 00000 n", lambda found: b"%010d 00000 n" % (int(found[1]) + 7), data[table:])
    tail = re.sub(rb"startxref\s+\d+", b"startxref\n%d" % (table // 2), tail)
    return data[:table] + tail


def _no_page_tree() -> bytes:
    """The first object only, cut off before the page tree, the cross-reference table and the trailer."""
    return b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n2 0 obj\n<< /Type /Pag"


def _no_pages() -> bytes:
    out = io.BytesIO()
    PdfWriter().write(out)
    return out.getvalue()


# Files that are no files ---------------------------------------------------------------------------


def _sparse(size: int) -> Maker:
    def make(path: Path, sources: Sources) -> None:
        with path.open("wb") as stream:
            stream.truncate(size)  # takes no room on disk

    return make


def _folder(path: Path, sources: Sources) -> None:
    path.mkdir()
    (path / "里面的照片.jpg").write_bytes(noise_photo())


def _dangling(path: Path, sources: Sources) -> None:
    gone = path.with_name("已删除的原图.jpg")
    gone.write_bytes(noise_photo())
    path.symlink_to(gone)
    gone.unlink()


def _pipe(path: Path, sources: Sources) -> None:
    os.mkfifo(path)  # reading it would wait for a writer for ever


def _device(path: Path, sources: Sources) -> None:
    path.symlink_to("/dev/zero")  # reading it never ends


# Zip packages --------------------------------------------------------------------------------------

_CONTENT_TYPES = (
    b'<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    b'<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    b'<Default Extension="xml" ContentType="application/xml"/>'
    b'<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.'
    b'spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/'
    b'vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>'
)
_RELATIONSHIPS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PACKAGE_RELS = (
    b'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/'
    b'relationships"><Relationship Id="rId1" Type="' + _RELATIONSHIPS.encode() + b'/officeDocument" '
    b'Target="xl/workbook.xml"/></Relationships>'
)
_WORKBOOK_RELS = (
    b'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/'
    b'relationships"><Relationship Id="rId1" Type="' + _RELATIONSHIPS.encode() + b'/worksheet" '
    b'Target="worksheets/sheet1.xml"/></Relationships>'
)
SHEET_START = (
    b'<?xml version="1.0" encoding="UTF-8"?>'
    b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
)
SHEET_END = b"</sheetData></worksheet>"


def _workbook_part(sheet: str) -> bytes:
    return (
        b'<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/'
        b'2006/main" xmlns:r="' + _RELATIONSHIPS.encode() + b'"><sheets><sheet name="' + sheet.encode() + b'" '
        b'sheetId="1" r:id="rId1"/></sheets></workbook>'
    )


def _skeleton(sheet: str) -> dict[str, bytes]:
    """The parts of a one-sheet workbook but the sheet itself."""
    return {
        "[Content_Types].xml": _CONTENT_TYPES,
        "_rels/.rels": _PACKAGE_RELS,
        "xl/workbook.xml": _workbook_part(sheet),
        "xl/_rels/workbook.xml.rels": _WORKBOOK_RELS,
    }


def cell(reference: str, value: object = None, *, style: bool = False, formula: str | None = None) -> bytes:
    """One cell of a sheet's XML: an inline string or a number, a formula without its result, or (with no
    value) an empty cell that only carries a style."""
    if formula is not None:
        return f'<c r="{reference}"><f>{_escaped(formula)}</f></c>'.encode()
    if value is None:
        return f'<c r="{reference}" s="1"/>'.encode() if style else b""
    if isinstance(value, int | float):
        return f'<c r="{reference}"><v>{value}</v></c>'.encode()
    return f'<c r="{reference}" t="inlineStr"><is><t>{_escaped(str(value))}</t></is></c>'.encode()


def _escaped(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;")


def row(number: int, values: Iterable[object]) -> bytes:
    cells = b"".join(cell(f"{_letters(index)}{number}", value) for index, value in enumerate(values, 1))
    return f'<row r="{number}">'.encode() + cells + b"</row>"


def _letters(number: int) -> str:
    letters = ""
    while number:
        number, rest = divmod(number - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def write_xlsx(path: Path, sheet: str, rows: Iterable[bytes]) -> None:
    """A one-sheet workbook whose sheet XML is streamed from `rows`, for sheets too large to build in openpyxl."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in _skeleton(sheet).items():
            archive.writestr(name, data)
        with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as stream:
            stream.write(SHEET_START)
            for block in _batched(rows):
                stream.write(block)
            stream.write(SHEET_END)


def _batched(rows: Iterable[bytes], size: int = 20_000) -> Iterator[bytes]:
    batch: list[bytes] = []
    for item in rows:
        batch.append(item)
        if len(batch) == size:
            yield b"".join(batch)
            batch = []
    yield b"".join(batch)


def ledger_rows(kind: str = "meeting") -> list[bytes]:
    """A title line, then the header of `kind`'s sheet and one record, as a clerk might type them."""
    values = {"事项": "工作推进会", "日期": "2020-05-06", "会议类型": "工作推进会", "结对关系": "鹤山市—龙州县"}
    return [row(1, ["会议台账"]), row(2, header(kind)), row(3, [1, *(values.get(h, "") for h in header(kind)[1:])])]


def write_package(path: Path, members: Iterable[tuple[str, int, bytes, int]]) -> None:
    """A zip file written by hand from (name, CRC, deflated data, size as declared), for what Python's zipfile
    will not write: sizes that lie, data deflated elsewhere."""
    with path.open("wb") as out:
        directory = []
        for name, crc, packed, size in members:
            encoded = name.encode()
            fields = (20, 0, 8, 0, 33, crc, len(packed), size, len(encoded))
            directory.append(
                struct.pack("<4s6H3I5H2I", b"PK\x01\x02", 20, *fields, 0, 0, 0, 0, 0, out.tell()) + encoded
            )
            out.write(struct.pack("<4s5H3I2H", b"PK\x03\x04", *fields, 0) + encoded + packed)
        start = out.tell()
        out.write(b"".join(directory))
        end = struct.pack("<4s4H2IH", b"PK\x05\x06", 0, 0, len(directory), len(directory), out.tell() - start, start, 0)
        out.write(end)


def bomb_package(path: Path, parts: dict[str, bytes], bomb: str, head: bytes, tail: bytes) -> None:
    """A zip package whose `bomb` part is `head`, BOMB_SIZE bytes of spaces (valid XML between elements), then
    `tail`, truly deflated: about three megabytes on disk. After a full flush every megabyte of spaces deflates
    to the same bytes, so the part is written without deflating gigabytes; only its CRC is worked out."""
    block = b" " * 2**20
    count = BOMB_SIZE // len(block)
    packer = zlib.compressobj(9, zlib.DEFLATED, -15)
    first = packer.compress(head) + packer.flush(zlib.Z_FULL_FLUSH)
    repeated = packer.compress(block) + packer.flush(zlib.Z_FULL_FLUSH)
    packed = first + repeated * count + packer.compress(tail) + packer.flush()
    crc = zlib.crc32(head)
    for _ in range(count):
        crc = zlib.crc32(block, crc)
    members = [(name, zlib.crc32(data), _deflated(data), len(data)) for name, data in parts.items()]
    write_package(path, [*members, (bomb, zlib.crc32(tail, crc), packed, len(head) + BOMB_SIZE + len(tail))])


def _deflated(data: bytes) -> bytes:
    packer = zlib.compressobj(6, zlib.DEFLATED, -15)
    return packer.compress(data) + packer.flush()


def _lying(path: Path, sources: Sources) -> None:
    """A workbook whose sheet says it inflates to 2 KB, with the CRC of its first 2 KB, and inflates to 4 MB."""
    rows = [*ledger_rows(), *(row(number, [number]) for number in range(4, 100_000))]
    sheet = SHEET_START + b"".join(rows) + SHEET_END
    members = [
        (name, zlib.crc32(data), _deflated(data), len(data)) for name, data in _skeleton("会议与互访台账").items()
    ]
    write_package(path, [*members, ("xl/worksheets/sheet1.xml", zlib.crc32(sheet[:2048]), _deflated(sheet), 2048)])


def _xlsx_bomb(sheet: str) -> Maker:
    def make(path: Path, sources: Sources) -> None:
        parts = _skeleton(sheet)
        bomb_package(path, parts, "xl/worksheets/sheet1.xml", SHEET_START, SHEET_END)

    return make


def _empty_docx() -> bytes:
    saved = io.BytesIO()
    docx.Document().save(saved)
    return saved.getvalue()


def _docx_bomb(path: Path, sources: Sources) -> None:
    document = io.BytesIO()
    docx.Document().save(document)
    with zipfile.ZipFile(document) as archive:
        parts = {name: archive.read(name) for name in archive.namelist() if name != "word/document.xml"}
        body = archive.read("word/document.xml")
    cut = body.index(b"<w:body>") + len(b"<w:body>")
    bomb_package(path, parts, "word/document.xml", body[:cut], body[cut:])


_TABLE_ROW = (
    b"<w:tr><w:tc><w:p><w:r><w:t>%d</w:t></w:r></w:p></w:tc><w:tc><w:p><w:r><w:t>task %d</w:t></w:r></w:p></w:tc>"
    b"<w:tc><w:p/></w:tc></w:tr>"
)


def _docx_rows(count: int) -> Maker:
    """A task list as a Word table of `count` rows, written straight into the document's XML."""

    def make(path: Path, sources: Sources) -> None:
        document = docx.Document()
        table = document.add_table(rows=1, cols=3)
        for index, text in enumerate(("序号", "具体事项", "完成时限")):
            table.rows[0].cells[index].text = text
        saved = io.BytesIO()
        document.save(saved)
        with zipfile.ZipFile(saved) as source, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
            for name in source.namelist():
                data = source.read(name)
                if name == "word/document.xml":
                    end = data.rindex(b"</w:tr>") + len(b"</w:tr>")
                    rows = (_TABLE_ROW % (number, number) for number in range(1, count))
                    data = data[:end] + b"".join(rows) + data[end:]
                target.writestr(name, data)

    return make


def _sheet(rows: Callable[[], Iterable[bytes]], sheet: str = SHEET_NAMES["meeting"]) -> Maker:
    return lambda path, sources: write_xlsx(path, sheet, rows())


def _million_numbered_rows() -> Iterator[bytes]:
    """The header and one record, then 序号 filled down to the last row Excel has."""
    yield from ledger_rows()
    for number in range(4, 1_048_577):
        yield b'<row r="%d"><c r="A%d"><v>%d</v></c></row>' % (number, number, number - 2)


def million_empty_rows() -> Iterator[bytes]:
    """The header and one record, then a million rows of empty cells that only carry a border style."""
    yield from ledger_rows()
    for number in range(4, 1_048_577):
        yield b'<row r="%d"><c r="A%d" s="1"/><c r="B%d" s="1"/></row>' % (number, number, number)


def _far_cells(last: str) -> Callable[[], Iterator[bytes]]:
    """The header and one record, then one cell at `last`: calamine would allocate a grid reaching it."""

    def rows() -> Iterator[bytes]:
        yield from ledger_rows()
        number = int("".join(ch for ch in last if ch.isdigit()))
        yield f'<row r="{number}">'.encode() + cell(last, "备注") + b"</row>"

    return rows


def _unusual(last: bytes) -> Callable[[], Iterator[bytes]]:
    """The header and one record, then a row as few writers save it: `last` is read by parsing the XML."""

    def rows() -> Iterator[bytes]:
        yield from ledger_rows()
        yield last

    return rows


def _task_rows(*extra: bytes) -> Callable[[], Iterator[bytes]]:
    def rows() -> Iterator[bytes]:
        yield row(1, ["2020年东西部协作工作要点任务清单"])
        yield row(2, ["序号", "重点工作", "具体事项", "完成时限", "责任单位"])
        yield row(3, [1, "组织领导", "召开党政联席会议", "2020年6月", "扶贫办"])
        yield from extra

    return rows


def _plan_formula() -> Iterator[bytes]:
    yield from _task_rows()()
    yield b'<row r="4">' + cell("A4", 2) + cell("B4", "组织领导") + cell("C4", formula='"开展"&"互访"') + b"</row>"


def _plan_empty_rows() -> Iterator[bytes]:
    yield from _task_rows()()
    for number in range(4, 1_048_577):
        yield b'<row r="%d"><c r="A%d" s="1"/></row>' % (number, number)


# Workbooks spoilt one cell at a time ---------------------------------------------------------------


def wrong_value(field: Field) -> str:
    """A value of the wrong type for `field`, as a clerk might type it."""
    match field.type:
        case FieldType.DATE:
            return "去年春天"
        case FieldType.INT:
            return "很多"
        case FieldType.MONEY:
            return "一笔钱"
        case FieldType.BOOL:
            return "也许"
        case FieldType.CHOICE:
            return "不在选项里"
        case FieldType.ID_NUMBER:
            return "12345"
        case FieldType.PHONE:
            return "电话号码"
        case FieldType.PAIRING:
            return "无此市—无此县"
        case FieldType.UNITS:
            return "单" * 101
        case FieldType.ENTRIES:
            return "九月 送教下乡"
        case _:
            return "字" * (field.max_length + 1)


def _edited(kind: str, cells: dict[str, object], then: Callable[[Path], None] | None = None) -> Maker:
    """The valid ledger's export with cells of the row of `kind`'s record set ({column heading: value}), then
    passed to `then` for what openpyxl will not write."""

    def make(path: Path, sources: Sources) -> None:
        workbook = openpyxl.load_workbook(sources.book)
        sheet = workbook[SHEET_NAMES[kind]]
        top = next(r for r in sheet.iter_rows(max_row=10) if any(c.value == ID_HEADER for c in r))
        columns = {c.value: c.column for c in top}
        for heading, value in cells.items():
            sheet.cell(top[0].row + 1, columns[heading]).value = value
        workbook.save(path)
        if then:
            then(path)

    return make


def _replaced(old: bytes, new: bytes) -> Callable[[Path], None]:
    """Replaces bytes in every part of a saved workbook: a control character as Excel escapes it (_x0007_)."""

    def replace(path: Path) -> None:
        with zipfile.ZipFile(path) as saved:
            parts = {name: saved.read(name) for name in saved.namelist()}
        with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as spoilt:
            for name, data in parts.items():
                spoilt.writestr(name, data.replace(old, new))

    return replace


def wrong_types() -> list[Sample]:
    """One workbook for every editable field of every kind, with a value of the wrong type in its column."""
    return [
        Sample(
            f"wrong-{kind}-{field.name}",
            IMPORT,
            f"错值-{field.label.replace('/', '、')}.xlsx",
            (SHEET_NAMES[kind], field.label, "处错误"),
            _edited(kind, {field.label: wrong_value(field)}),
        )
        for kind, spec in KINDS.items()
        for field in spec.editable_fields
    ]


def _cut(fraction: float) -> Maker:
    def make(path: Path, sources: Sources) -> None:
        data = sources.book.read_bytes()
        path.write_bytes(data[: int(len(data) * fraction)])

    return make


# The corpus ----------------------------------------------------------------------------------------

LONG_NAME = "鹤山市龙州县东西部协作党政联席会议现场照片" * 3 + "照" * 20 + "12.jpg"  # 255 bytes in UTF-8
assert len(LONG_NAME.encode()) == 255


def evidence_samples() -> list[Sample]:
    photo, damaged, locked = ("图片数据不完整",), ("图片文件已损坏",), ("打开密码", "不加密的副本")
    too_many = ("像素过多",)
    return [
        Sample("jpeg-truncated", ATTACH, "会场.jpg", photo, _bytes(_half(noise_photo))),
        Sample("png-truncated", ATTACH, "签到表.png", photo, _bytes(_half(lambda: noise_photo(fmt="PNG")))),
        Sample("png-bad-pixels", ATTACH, "合影.png", photo, _bytes(_spoilt_png)),
        Sample("gif-truncated", ATTACH, "横幅.gif", photo, _bytes(_half(lambda: noise_photo(fmt="GIF", mode="L")))),
        Sample("webp-truncated", ATTACH, "现场.webp", photo, _bytes(_half(lambda: noise_photo(fmt="WEBP")))),
        Sample("tiff-truncated", ATTACH, "扫描.tif", photo, _bytes(_half(lambda: noise_photo(fmt="TIFF")))),
        Sample("jpeg-header-only", ATTACH, "残缺.jpg", damaged, _bytes(b"\xff\xd8\xff\xe0" + bytes(200))),
        Sample("png-bomb", ATTACH, "炸弹.png", too_many, _bytes(lambda: bomb_png(30_000))),
        Sample("png-over-limit", ATTACH, "超大.png", too_many, _bytes(lambda: bomb_png(15_000))),
        Sample("bmp-huge-header", ATTACH, "超大.bmp", too_many, _bytes(_huge_bmp)),
        Sample("heic", ATTACH, "IMG_0001.HEIC", ("HEIC", "JPG"), _bytes(HEIC)),
        Sample("pdf-user-password-rc4", ATTACH, "加密纪要.pdf", locked, _bytes(_locked_pdf("RC4-128"))),
        Sample("pdf-user-password-aes", ATTACH, "加密文件.pdf", locked, _bytes(_locked_pdf("AES-256"))),
        Sample("pdf-no-page-tree", ATTACH, "截断.pdf", ("PDF 文件已损坏",), _bytes(_no_page_tree)),
        Sample("pdf-garbage", ATTACH, "乱码.pdf", ("PDF 文件已损坏",), _bytes(b"%PDF-1.4\n1 0 obj garbage")),
        Sample("pdf-no-pages", ATTACH, "空白.pdf", ("没有页面",), _bytes(_no_pages)),
        Sample("pdf-not-pdf", ATTACH, "通知.pdf", ("不是可识别的PDF",), _bytes("这不是PDF".encode() * 50)),
        Sample("jpeg-not-image", ATTACH, "照片.jpg", ("不是可识别的图片",), _bytes(bytes(range(256)) * 8)),
        Sample("empty-jpeg", ATTACH, "空.jpg", ("0 字节",), _bytes(b"")),
        Sample("empty-pdf", ATTACH, "空.pdf", ("0 字节",), _bytes(b"")),
        Sample("empty-docx", ATTACH, "空.docx", ("0 字节",), _bytes(b"")),
        Sample("sparse-2gb-video", ATTACH, "会议录像.mp4", ("2.0 GB", "500 MB"), _sparse(2 * GB)),
        Sample("sparse-2gb-pdf", ATTACH, "扫描件.pdf", ("2.0 GB", "500 MB"), _sparse(2 * GB)),
        Sample("folder", ATTACH, "照片.jpg", ("文件夹",), _folder),
        Sample("dangling-link", ATTACH, "原图.jpg", ("找不到文件",), _dangling),
        Sample("pipe", ATTACH, "管道.jpg", ("不是普通文件",), _pipe),
        Sample("device", ATTACH, "设备.jpg", ("不是普通文件",), _device),
        Sample(
            "control-characters",
            ATTACH,
            "会场\x1b[2J\n照片\x07.jpg",
            photo,
            _bytes(_half(noise_photo)),
            shown="会场[2J照片.jpg",
        ),
        Sample(
            "dots-and-backslashes",
            ATTACH,
            "..\\..\\..\\Windows\\照片.jpg",
            photo,
            _bytes(_half(noise_photo)),
            shown="照片.jpg",
        ),
        Sample("long-name", ATTACH, LONG_NAME, photo, _bytes(_half(noise_photo))),
    ]


LINK = '=HYPERLINK("http://x","点我")'


def workbook_samples() -> list[Sample]:
    damaged = ("不是 Excel 或 WPS 表格文件，或已损坏",)
    bomb = ("zip 炸弹",)
    return [
        Sample("text", IMPORT, "台账.xlsx", damaged, _bytes("序号,事项\n1,联席会议\n".encode())),
        Sample("html", IMPORT, "系统导出.xlsx", damaged, _bytes(b"<html><table><tr><td>1</td></tr></table></html>")),
        Sample("pdf", IMPORT, "扫描台账.xlsx", damaged, _bytes(pdf)),
        Sample("truncated", IMPORT, "半个台账.xlsx", damaged, _cut(0.5)),
        Sample("zip-header-only", IMPORT, "坏台账.xlsx", damaged, _bytes(b"PK\x03\x04" + bytes(100))),
        Sample("lying-sizes", IMPORT, "谎报大小.xlsx", damaged, _lying),
        Sample("password", IMPORT, "加密台账.xlsx", ("可能设有打开密码",), _bytes(PASSWORD_PROTECTED_XLS)),
        Sample("zip-bomb", IMPORT, "炸弹.xlsx", ("3072 MB", *bomb), _xlsx_bomb(SHEET_NAMES["meeting"])),
        Sample("empty", IMPORT, "空台账.xlsx", ("0 字节",), _bytes(b"")),
        Sample("sparse-2gb", IMPORT, "巨大台账.xlsx", ("2.0 GB", "50 MB"), _sparse(2 * GB)),
        Sample("folder", IMPORT, "台账文件夹.xlsx", ("文件夹",), _folder),
        Sample("pipe", IMPORT, "管道.xlsx", ("不是普通文件",), _pipe),
        Sample("million-numbered-rows", IMPORT, "百万行.xlsx", ("第 1048576 行",), _sheet(_million_numbered_rows)),
        Sample("far-cell", IMPORT, "远处一格.xlsx", ("第 1048576 行",), _sheet(_far_cells("XFD1048576"))),
        Sample("wide", IMPORT, "很宽.xlsx", ("XFD 列",), _sheet(_far_cells("XFD3"))),
        Sample(
            "far-cell-without-reference",
            IMPORT,
            "无坐标.xlsx",
            ("第 1048576 行",),
            _sheet(_unusual(b'<row r="1048576"><c t="inlineStr"><is><t>x</t></is></c></row>')),
        ),
        Sample(
            "reference-not-first",
            IMPORT,
            "属性次序.xlsx",
            ("XFD 列",),
            _sheet(_unusual(b"<row r='9'><c t='inlineStr' r='XFD9'><is><t>x</t></is></c></row>")),
        ),
        Sample(
            "formulas",
            IMPORT,
            "公式台账.xlsx",
            ("公式没有保存计算结果", "=1300000*1"),
            _edited("disbursement", {"金额（元）": "=1300000*1", "拨付日期": "=DATE(2020,3,10)"}),
        ),
        Sample("error-cell", IMPORT, "错误值.xlsx", ("#REF!", "公式出错"), _edited("training", {"培训人次": "#REF!"})),
        Sample(
            "formula-in-text",
            IMPORT,
            "链接台账.xlsx",
            ("这一格是公式，不是文字", "“点我”是公式算出的"),
            _edited("meeting", {"主要内容": LINK}, lambda path: with_results(path, {LINK: "点我"})),
        ),
        Sample(
            "control-character",
            IMPORT,
            "控制字符.xlsx",
            ("责任单位", "控制字符 U+0007"),
            _edited("meeting", {"责任单位": "鹤山市扶贫办BELL"}, _replaced(b"BELL", b"_x0007_")),
        ),
        # A row of the meeting's first revision (it has two): importing it would undo what was written since.
        Sample(
            "stale-row",
            IMPORT,
            "旧台账.xlsx",
            ("冲突", "主要内容", "会议纪要已印发", "测试员", "--conflicts"),
            _edited("meeting", {"地点": "旧会场", "版本": 1}),
        ),
        *wrong_types(),
    ]


def plan_samples() -> list[Sample]:
    damaged = ("文件已损坏",)
    return [
        Sample("text-xlsx", PLAN, "任务清单.xlsx", damaged, _bytes("具体事项,完成时限\n".encode())),
        Sample("text-docx", PLAN, "任务清单.docx", damaged, _bytes("这不是Word文档".encode())),
        Sample("truncated-docx", PLAN, "半个清单.docx", damaged, _bytes(_half(_empty_docx))),
        Sample("zip-bomb-xlsx", PLAN, "炸弹清单.xlsx", ("zip 炸弹",), _xlsx_bomb("Sheet1")),
        Sample("zip-bomb-docx", PLAN, "炸弹清单.docx", ("zip 炸弹",), _docx_bomb),
        Sample("empty-rows", PLAN, "百万空行.xlsx", ("第 1048576 行",), _sheet(_plan_empty_rows, "Sheet1")),
        Sample("far-cell", PLAN, "远处一格.xlsx", ("第 1048576 行",), _sheet(_far_cells("XFD1048576"), "Sheet1")),
        Sample("wide", PLAN, "很宽清单.xlsx", ("XFD 列",), _sheet(_far_cells("XFD3"), "Sheet1")),
        Sample("table-rows", PLAN, "两万行清单.docx", ("20000 行",), _docx_rows(20_000)),
        Sample("formula", PLAN, "公式清单.xlsx", ("C4", "公式"), _sheet(_plan_formula, "Sheet1")),
        Sample("password", PLAN, "加密清单.xlsx", damaged, _bytes(PASSWORD_PROTECTED_XLS)),
        Sample("empty", PLAN, "空清单.docx", ("0 字节",), _bytes(b"")),
        Sample("sparse-2gb", PLAN, "巨大清单.xlsx", ("2.0 GB", "50 MB"), _sparse(2 * GB)),
        Sample("folder", PLAN, "清单文件夹.docx", ("文件夹",), _folder),
    ]


SAMPLES = [*evidence_samples(), *workbook_samples(), *plan_samples()]


def build(sample: Sample, folder: Path, sources: Sources) -> Path:
    """Makes `sample` in a folder of its own, so names may repeat across samples."""
    place = folder / f"{sample.command}-{sample.key}"
    place.mkdir(parents=True)
    path = place / sample.name
    sample.make(path, sources)
    return path


def fingerprint(path: Path) -> tuple[list[str], list[str]]:
    """Every row of every table of the ledger at `path` and every file of its evidence store: what a refusal
    must leave as it was. The backups and the cache are left out: opening a ledger may change them."""
    database = sqlite3.connect(f"file:{path / 'ledger.sqlite'}?mode=ro", uri=True)
    try:
        rows = sorted(database.iterdump())
    finally:
        database.close()
    stored = sorted(str(file.relative_to(path)) for file in (path / "evidence").rglob("*") if file.is_file())
    return rows, stored
