"""The evidence binder of the demo year, read back with pypdf: contents, bookmarks, page numbers, fonts, damage."""

import re
import shutil
import subprocess

import docx
import pytest
from PIL import Image
from pypdf import PdfReader, PdfWriter
from reportlab.pdfgen.canvas import Canvas
from samples import VALID

from ledger import evidence, records
from ledger.cli.main import main
from ledger.jobs import Cancelled, Job
from ledger.kinds import KINDS
from ledger.pdf import labels
from ledger.pdf.binder import BinderOptions, build_binder
from ledger.storage.folder import Ledger


@pytest.fixture(scope="module")
def binder(demo_build, tmp_path_factory):
    out = tmp_path_factory.mktemp("binder") / "佐证材料.pdf"
    with Ledger.open(demo_build[0]) as ledger, ledger.session() as session:
        result = build_binder(ledger, session, out, BinderOptions())
        titles = {str(r.id): r.title for kind in KINDS for r in records.list_records(session, kind)}
    reader = PdfReader(out)
    return out, result, reader, _page_texts(reader, out), titles


def _page_texts(reader, path):
    """Each page's text, a line per text block; poppler's pdftotext when installed, ten times pypdf's speed."""
    if shutil.which("pdftotext"):
        pages = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout
        texts = pages.split("\f")[: len(reader.pages)]
    else:
        texts = [page.extract_text() for page in reader.pages]
    return ["\n".join(line for line in text.splitlines() if line.strip()) for text in texts]


def _flat(text):
    return re.sub(r"\s+", "", text)


def _printed(text, result):
    """`text` as the binder prints it: characters no font on this machine has become 〓."""
    return "".join("〓" if char in result.missing else char for char in _flat(text))


def test_every_record_is_in_the_binder_once_with_its_item_number(binder):
    out, result, reader, texts, titles = binder
    assert result.records == len(titles)
    sheets = [n for n, text in enumerate(texts) if "登记表" in text]
    assert len(sheets) == len(titles)


def test_the_kinds_added_later_have_their_sections_and_sheets(ledger, tmp_path):
    with ledger.session() as session, session.begin():
        for kind in ("industry", "labour", "consumption", "tie", "publicity"):
            records.add_record(session, kind, VALID[kind])
    out = tmp_path / "佐证材料.pdf"
    with ledger.session() as session:
        result = build_binder(ledger, session, out, BinderOptions())
    assert result.records == 5
    text = _flat("\n".join(_page_texts(PdfReader(out), out)))
    for heading, sheet, value in (
        ("1.6宣传报道", "宣传登记表", "广西日报"),
        ("4.2产业园区和扶贫车间", "产业合作登记表", "广东雅图仕印刷有限公司"),
        ("4.3消费扶贫", "消费协作登记表", "龙州坚果、甘蔗牛肉、八角"),
        ("5.1转移就业", "劳务协作登记表", "广东省鹤山市"),
        ("6.2学校和医院结对", "结对帮扶登记表", "2020-05-12捐赠图书200册3.5万元2020-09-08送教下乡，开设公开课"),
    ):
        assert text.count(heading) >= 2, heading  # in the contents and over its section
        assert sheet in text and value in text, sheet


def test_every_page_carries_its_number_in_one_sequence(binder):
    out, result, reader, texts, titles = binder
    total = len(reader.pages)
    assert result.pages == total
    for number, text in enumerate(texts, 1):
        # The footer's halves may be read apart when a table's column reaches down beside them.
        assert f"第{number}页" in _flat(text) and f"共{total}页" in _flat(text), number


def test_bookmarks_point_at_the_pages_of_their_records(binder):
    out, result, reader, texts, titles = binder
    found = 0

    def walk(items):
        nonlocal found
        for item in items:
            if isinstance(item, list):
                walk(item)
                continue
            page = reader.get_destination_page_number(item)
            match = re.match(r"(\d+)\s+(.*)", item.title)
            if match:  # a record: its sheet begins on that page with its item number and title
                number, title = match.groups()
                assert f"第{number}件{_printed(title, result)}" in _flat(texts[page]), item.title
                found += 1
            elif item.title != "目录":
                assert _flat(item.title) in _flat(texts[page]), item.title

    walk(reader.outline)
    assert found == result.records


def test_the_contents_name_the_pages_where_records_are(binder):
    out, result, reader, texts, titles = binder
    # The contents run from the 目录 bookmark's page to the page before the next bookmark's.
    first, after = (reader.get_destination_page_number(item) for item in reader.outline[:2])
    # pypdf reads in drawing order, row by row, where pdftotext may order a row's cells by their position.
    lines = [line for page in reader.pages[first:after] for line in page.extract_text().splitlines() if line.strip()]
    assert "目录" in _flat("".join(lines[:5]))
    # Each entry: item number, title (perhaps wrapped over lines) ending in （date）, page number.
    entries, at = [], 0
    while at < len(lines):
        if lines[at].isdigit() and at + 1 < len(lines) and not lines[at + 1].isdigit():
            end = next((n for n in range(at + 1, min(at + 4, len(lines))) if _DATED.search(lines[n])), None)
            if end is not None and end + 1 < len(lines) and lines[end + 1].isdigit():
                title = _DATED.sub("", "".join(lines[at + 1 : end + 1]))
                entries.append((lines[at], title, int(lines[end + 1])))
                at = end + 2
                continue
        at += 1
    assert len(entries) == result.records
    for number, title, page in entries:
        assert f"第{number}件{_printed(title, result)}" in _flat(texts[page - 1]), (number, title)


_DATED = re.compile(r"（\d{4}\.\d\d\.\d\d(—\d{4}\.\d\d\.\d\d)?）$")


def test_the_chinese_font_is_embedded(binder):
    out = binder[0]
    if shutil.which("pdffonts") is None:
        pytest.skip("poppler-utils is not installed")
    listing = subprocess.run(["pdffonts", str(out)], capture_output=True, text=True, check=True).stdout
    rows = listing.splitlines()[2:]
    # Every font, the demo's scans included, embedded: nothing left for the printer to substitute.
    assert rows and all(row.split()[-5] == "yes" for row in rows), listing


def test_personal_numbers_are_masked_by_default(binder, demo_build):
    out, result, reader, texts, titles = binder
    with Ledger.open(demo_build[0]) as ledger, ledger.session() as session:
        numbers = [c.id_number for c in records.list_records(session, "cadre") if c.id_number]
    joined = _flat("".join(texts))
    assert numbers and not any(number in joined for number in numbers)
    assert numbers[0][:4] + "*" * 10 + numbers[0][-4:] in joined


def test_broken_evidence_is_reported_not_fatal(demo_build, tmp_path):
    path = tmp_path / "ledger"
    shutil.copytree(demo_build[0], path)
    canvas = Canvas(str(tmp_path / "加密纪要.pdf"))
    canvas.drawString(100, 700, "minutes")
    canvas.save()
    writer = PdfWriter(clone_from=tmp_path / "加密纪要.pdf")
    writer.encrypt(user_password="secret", algorithm="RC4-128")
    writer.write(tmp_path / "secret.pdf")
    Image.new("RGB", (64, 48), "white").save(tmp_path / "残缺照片.jpg")
    with Ledger.open(path, author="测试员") as ledger, ledger.session() as session:
        record = next(r for r in records.list_records(session, "meeting") if r.record_status != "已归档")
        # Attach refuses such files, so sound ones are attached and then spoilt in the store, as a failing
        # disk, or a version of the program that took them in, would leave them.
        [photo] = evidence.attach(session, ledger.evidence_dir, record, [tmp_path / "残缺照片.jpg"], role="照片")
        [secret] = evidence.attach(session, ledger.evidence_dir, record, [tmp_path / "加密纪要.pdf"], role="会议纪要")
        ledger.evidence_path(photo.file.relative_path).write_bytes(b"\xff\xd8\xff\xe0" + b"\x00" * 200)
        ledger.evidence_path(secret.file.relative_path).write_bytes((tmp_path / "secret.pdf").read_bytes())
        document = tmp_path / "讲话稿.docx"
        docx.Document().save(document)
        evidence.attach(session, ledger.evidence_dir, record, [document], role="其他")
        session.commit()
        result = build_binder(ledger, session, tmp_path / "out.pdf", BinderOptions(sections=["一"]))
    names = {problem.file_name for problem in result.problems}
    assert names == {"残缺照片.jpg", "加密纪要.pdf"}  # a Word document is named in the list, not a problem
    text = _flat("".join(page.extract_text() for page in PdfReader(tmp_path / "out.pdf").pages))
    assert "未能附入" in text and "讲话稿.docx" in text and "Word文档，未附入" in text


def test_a_cancelled_binder_leaves_no_file(demo_build, tmp_path):
    calls = []

    def cancelled():
        calls.append(1)
        return len(calls) > 3

    with Ledger.open(demo_build[0]) as ledger, ledger.session() as session, pytest.raises(Cancelled):
        build_binder(ledger, session, tmp_path / "out.pdf", BinderOptions(), job=Job(cancelled=cancelled))
    assert list(tmp_path.iterdir()) == []


def test_the_command_lists_what_it_could_not_include(demo_build, tmp_path, capsys):
    out = tmp_path / "第一部分.pdf"
    status = main(["--ledger", str(demo_build[0]), "binder", str(out), "--sections", "一", "--no-evidence"])
    printed = capsys.readouterr()
    assert status == 0, printed.err
    assert "已编制" in printed.out and out.is_file()
    assert main(["--ledger", str(demo_build[0]), "gaps", "--json"]) == 0


def test_volumes_split_at_sections_each_with_its_cover_contents_and_numbering(demo_build, tmp_path):
    out = tmp_path / "佐证材料.pdf"
    options = BinderOptions(evidence=False, gaps=False, volume_pages=40)
    with Ledger.open(demo_build[0]) as ledger, ledger.session() as session:
        result = build_binder(ledger, session, out, options)
    assert len(result.volumes) > 2
    names = [f"佐证材料-第{n}册.pdf" for n in range(1, len(result.volumes) + 1)]
    assert [path.name for path in result.volumes] == names
    assert sorted(tmp_path.iterdir()) == sorted(result.volumes)  # no temporary file left, no unsplit binder
    items, pages = [], 0
    for number, path in enumerate(result.volumes, 1):
        reader = PdfReader(path)
        texts = _page_texts(reader, path)
        pages += len(reader.pages)
        assert f"第{number}册共{len(result.volumes)}册" in _flat(texts[0])
        assert all(f"第{n}页" in _flat(text) for n, text in enumerate(texts, 1))
        # Records in this volume, by the item numbers of their sheets, and the contents point at them.
        sheets = [int(m) for text in texts for m in re.findall(r"^第(\d+)件", text, re.M)]
        items += sheets
        outline = [item for item in _walk(reader.outline) if re.match(r"\d+\s", item.title)]
        assert [int(item.title.split()[0]) for item in outline] == sheets
        # Each later volume opens with a top-level heading, so its contents keep their shape.
        assert number == 1 or reader.outline[1].title[0] in "一二三四五六七八九十附", reader.outline[1].title
    assert items == list(range(1, result.records + 1))
    assert pages == result.pages
    # A volume that starts inside a top-level section repeats its heading, marked as continued.
    headings = [PdfReader(path).outline[1].title for path in result.volumes[1:]]
    assert any(heading.endswith("（续）") for heading in headings), headings


def _walk(items):
    for item in items:
        if isinstance(item, list):
            yield from _walk(item)
        else:
            yield item


def test_box_labels_follow_the_binder_sections_and_note_the_gaps(demo_build, tmp_path, capsys):
    out = tmp_path / "盒脊.pdf"
    argv = ["--ledger", str(demo_build[0]), "labels", str(out), "--no-evidence", "--checked-by", "王芳"]
    assert main(argv) == 0, capsys.readouterr().err
    with Ledger.open(demo_build[0]) as ledger, ledger.session() as session:
        result = build_binder(ledger, session, tmp_path / "binder.pdf", BinderOptions(evidence=False))
    boxes = labels.boxes_of(result.sections, result.lacking)
    # Every record in exactly one box, boxes in item order, pages adding up to the sections' pages.
    assert [n for box in boxes for n in range(box.first_item, box.last_item + 1)] == list(range(1, result.records + 1))
    assert sum(box.items for box in boxes) == result.records
    assert sum(box.pages for box in boxes) == sum(section.pages for section in result.sections)
    assert len(result.lacking) == 2
    noted = [box for box in boxes if box.notes]
    assert noted and all(str(n) in "".join(box.notes for box in noted) for n in result.lacking)
    texts = [_flat(page.extract_text()) for page in PdfReader(out).pages]
    covers = [text for text in texts if "全宗名称" in text]
    assert len(covers) == len(boxes)
    for box, cover in zip(boxes, covers, strict=True):
        assert _flat(box.heading) in cover and f"{box.first_item}—{box.last_item}" in cover
    # The labels' layout alone counts the pages the built binder's sections fill.
    notes = [text for text in texts if "盒内文件情况说明" in text]
    for box, sheet in zip(boxes, notes, strict=True):
        assert f"本盒共{box.items}件，{box.pages}页" in sheet
    assert sum("王芳" in text for text in texts) == len(boxes)  # each 备考表 names its checker


def _scan(path, size, text, rotate=0):
    canvas = Canvas(str(path), pagesize=size)
    canvas.setFont("Helvetica", 40)
    canvas.drawString(100, size[1] / 2, text)
    canvas.save()
    if rotate:
        writer = PdfWriter(clone_from=path)
        writer.pages[0].rotate(rotate)
        writer.write(path)
    return path


def test_large_and_turned_scans_are_merged_on_a4_pages_with_header_and_number(demo_build, tmp_path):
    path = tmp_path / "ledger"
    shutil.copytree(demo_build[0], path)
    a3 = _scan(tmp_path / "大图.pdf", (842, 1191), "SCANONA3")
    turned = _scan(tmp_path / "横放.pdf", (595, 842), "SCANTURNED", rotate=90)
    with Ledger.open(path, author="测试员") as ledger, ledger.session() as session:
        record = next(r for r in records.list_records(session, "meeting") if r.record_status != "已归档")
        evidence.attach(session, ledger.evidence_dir, record, [a3, turned], role="其他")
        session.commit()
        result = build_binder(ledger, session, tmp_path / "out.pdf", BinderOptions(sections=["一"], duplex=True))
    reader = PdfReader(result.path)
    for marker in ("SCANONA3", "SCANTURNED"):
        number, page = next((n, p) for n, p in enumerate(reader.pages, 1) if marker in p.extract_text())
        assert (round(float(page.mediabox.width)), round(float(page.mediabox.height))) == (595, 842)
        assert "/Rotate" not in page or page["/Rotate"] == 0
        text = _flat(page.extract_text())
        assert f"第{number}页" in text and "鹤山市—龙州县2020年" in text  # footer and running header
    assert not result.problems


def _header_left(page):
    """Where the running header (the pairing's name) begins on the page, in points from the left."""
    found = []

    def visit(text, cm, tm, font, size):
        if "鹤山市" in text and tm[5] > 780:
            found.append(cm[4] + tm[4])

    page.extract_text(visitor_text=visit)
    return min(found)


def test_duplex_moves_the_binding_margin_to_the_inner_edge(demo_build, tmp_path):
    with Ledger.open(demo_build[0]) as ledger, ledger.session() as session:
        single = build_binder(ledger, session, tmp_path / "a.pdf", BinderOptions(sections=["1.1"], evidence=False))
        duplex = build_binder(
            ledger, session, tmp_path / "b.pdf", BinderOptions(sections=["1.1"], evidence=False, duplex=True)
        )
    single_left = [_header_left(page) for page in PdfReader(single.path).pages[1:5]]
    duplex_left = [_header_left(page) for page in PdfReader(duplex.path).pages[1:5]]
    assert len(set(single_left)) == 1  # always the binding margin on the left
    # Page 2 is a verso, bound on its right: its text starts nearer the left edge; page 3 a recto again.
    assert duplex_left[0] < duplex_left[1] and duplex_left[0] == duplex_left[2] and duplex_left[1] == single_left[0]
