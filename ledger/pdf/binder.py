"""The evidence binder (佐证材料): the year's records and their evidence as one print-ready PDF.

Order: cover, contents (目录), the summary of the plans' targets (指标完成情况汇总表), then each section of the
assessment framework: a list of its records, and each record's sheet (登记表) followed by its evidence —
photos two to a page, scanned PDFs merged page by page, other files named in the sheet's list.

It is built in passes, because the contents must name pages that exist only once the rest is laid out:
the body is laid out first with reportlab, each record's first page noted as it is drawn and each page of a
scan held by an empty placeholder page; the front (cover and contents) is laid out with placeholder page
numbers to learn its length, then again with the real ones. pypdf then puts the scans' pages in place of
their placeholders (scaled down to A4 when larger), stamps every page — merged ones included — with the
running header and 第 X 页 共 Y 页 in one numbering, adds bookmarks nested as the contents are, and the file
is written beside the target and renamed, so a failed or cancelled build leaves no half file. Volumes (分册) go
in as one set (`outputs.publish`): the earlier set renamed aside, the new one moved in, the old one removed, so
a failure or a kill leaves the old set or the new one under the final names, never a mix.

This module is the entry (options, result, `build_binder`, and `lay_out_sections`, the layout alone, for the
box labels' page counts) and runs the steps; what goes in is chosen in `selection`, laid out in `layout` (the
pieces and the front) and `body`, and put together in `assembly`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from reportlab.lib.units import mm
from reportlab.platypus import Flowable
from sqlalchemy.orm import Session

from ledger.assessment import frameworks
from ledger.assessment.gaps import Gap, find_gaps, scope
from ledger.errors import LedgerError
from ledger.jobs import Job
from ledger.models import Pairing
from ledger.pdf.assembly import assemble, earlier_volumes, publish_volumes, volume_paths
from ledger.pdf.body import GAPS, SUMMARY, Body, Problem, gaps_list, lay_out_body, targets_summary
from ledger.pdf.fonts import find_fonts
from ledger.pdf.layout import PHOTO_BOX, Book, Front, lay_out_front
from ledger.pdf.media import Prepared, photo_pixels, prepare
from ledger.pdf.selection import Part, SectionPages, cut_volumes, section_pages, select_parts
from ledger.plans.progress import plan_progress
from ledger.plans.store import list_plans
from ledger.settings import COMPILING_UNIT, PDF_FONT, read_setting
from ledger.storage.folder import Ledger
from ledger.storage.outputs import refuse_inside_ledger


@dataclass
class BinderOptions:
    pairing: str | None = None
    year: int | None = None
    framework: str | None = None  # a shipped framework's name; default: the one for the year
    sections: Sequence[str] = ()  # section numbers to include; default: all
    evidence: bool = True
    mask_personal: bool = True
    dpi: int = 150
    duplex: bool = False
    as_of: date | None = None
    gaps: bool = True  # open with the list of records missing expected evidence, when there are any
    font: str | None = None  # a font file or family; default: the ledger's setting, else found on the machine
    volume_pages: int | None = None  # split into volumes (分册) of about this many body pages, at sections


@dataclass
class BinderResult:
    path: Path = Path()  # the binder, or its first volume; empty for the layout alone (`lay_out_sections`)
    title: str = ""
    year: int = 0
    volumes: list[Path] = field(default_factory=list)  # every file written, in order
    pages: int = 0  # of all volumes together
    records: int = 0
    problems: list[Problem] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    missing: set[str] = field(default_factory=set)  # characters no font has, printed as 〓
    sections: list[SectionPages] = field(default_factory=list)  # in binder order, a continued one again
    lacking: list[int] = field(default_factory=list)  # item numbers of records missing expected evidence


def build_binder(
    ledger: Ledger, session: Session, out: Path, options: BinderOptions, *, job: Job | None = None
) -> BinderResult:
    """Builds the binder at `out`; raises Cancelled (leaving no file) when the job is cancelled."""
    refuse_inside_ledger(out, ledger.path, "佐证材料")
    job = job or Job()
    content, volumes, result = _planned(ledger, session, options, job)
    paths = volume_paths(Path(out), len(volumes))
    replaced = earlier_volumes(Path(out))  # a set written before, which the new one replaces whole
    for path in [*paths, *replaced]:  # new names beside `out`: one may link into the ledger
        refuse_inside_ledger(path, ledger.path, "佐证材料")
    files = _volume_files(content, volumes, paths, result, job, ledger.cache_dir)
    publish_volumes(files, replaces=replaced, notes=ledger.cache_dir)
    _finish(result, content.book, paths)
    job.done("完成")
    return result


def lay_out_sections(
    ledger: Ledger, session: Session, options: BinderOptions, *, job: Job | None = None
) -> BinderResult:
    """The binder laid out as `build_binder` lays it out, volume by volume, but only to learn where pages fall:
    neither put together nor written. The result's sections hold their items and pages (the box labels'
    counts), with its title, year and the records lacking evidence; it names no file."""
    job = job or Job()
    content, volumes, result = _planned(ledger, session, options, job)
    content.book.sizing = True  # photos take their room unread
    for index, volume in enumerate(volumes):
        job.check()
        opening, lists = (content.opening, content.lists) if index == 0 else (list, [])
        # Numbered from 1: where the body starts after the front changes no page's content but its margins.
        body = lay_out_body(content.book, volume, content.media, opening, lists, first_page=1, result=result)
        result.sections += section_pages(volume, body, index + 1)
    return result


def _planned(
    ledger: Ledger, session: Session, options: BinderOptions, job: Job
) -> tuple[_Content, list[list[Part]], BinderResult]:
    """What the binder holds, its evidence prepared for print, in volumes: all that its layouts are made from,
    and the result as known before layout."""
    pairing, year = scope(session, options.pairing, options.year)
    framework = frameworks.load(options.framework, session) if options.framework else frameworks.for_year(year, session)
    parts = select_parts(session, framework, pairing, year, options.sections)
    gaps = find_gaps(session, framework, pairing, year)
    numbers = {item.record.id: item.number for part in parts for item in part.items}
    result = _result(pairing, year, numbers, gaps)
    book = _book(session, options, pairing, year, result)
    media = _media(ledger, parts, options, job.part(0.0, 0.6))
    job.report(0.6, "正在排版")
    content = _content(session, book, media, gaps if options.gaps else [], numbers)
    return content, _volumes(content, parts), result


def _result(pairing: Pairing, year: int, numbers: dict[Any, int], gaps: list[Gap]) -> BinderResult:
    """The result as known before layout: its title, how many records, which lack expected evidence."""
    return BinderResult(
        title=f"{year}年{pairing.name}东西部协作考核佐证材料",
        year=year,
        records=len(numbers),
        lacking=sorted(numbers[gap.record.id] for gap in gaps if gap.record.id in numbers),
    )


def _book(session: Session, options: BinderOptions, pairing: Pairing, year: int, result: BinderResult) -> Book:
    """The book for the layouts, in the font asked for, else the ledger's setting (its warnings in `result`)."""
    fonts = find_fonts(options.font or read_setting(session, PDF_FONT) or None)
    result.warnings.extend(fonts.warnings)
    compiling = read_setting(session, COMPILING_UNIT)
    return Book(
        fonts=fonts,
        options=options,
        title=result.title,
        pairing=pairing.name,
        year=year,
        compiling_unit=compiling,
    )


def _media(ledger: Ledger, parts: list[Part], options: BinderOptions, job: Job) -> dict[str, Prepared]:
    """The records' evidence files prepared for print, by content hash, when the binder includes them; raises
    Cancelled when stopped."""
    media: dict[str, Prepared] = {}
    if options.evidence:
        files = {a.sha256: a.file for part in parts for item in part.items for a in item.attachments}
        items = [(sha, ledger.evidence_path(stored.relative_path), stored.mime) for sha, stored in files.items()]
        job.report(0.0, f"正在准备 {len(items)} 个佐证材料文件")
        size = photo_pixels(options.dpi, PHOTO_BOX[0] / mm, PHOTO_BOX[1] / mm)
        media = prepare(items, ledger.cache_dir, max_size=size, job=job)
    job.check()
    return media


@dataclass
class _Content:
    """What every layout of the binder is made from, the sizing one included."""

    book: Book
    media: dict[str, Prepared]
    opening: Callable[[], list[Flowable]]  # the lists that open the binder (its first volume)
    lists: list[tuple[str, str]]  # their keys and titles, for the contents and the running headers


def _content(
    session: Session, book: Book, media: dict[str, Prepared], gaps: list[Gap], numbers: dict[Any, int]
) -> _Content:
    """The content of the binder's layouts, its opening lists from the gaps given and the plans' progress as of
    the options' date."""
    as_of = book.options.as_of or date.today()
    plans = list_plans(session, pairing=book.pairing, year=book.year)
    summaries = [(plan, plan_progress(session, plan, as_of)) for plan in plans]

    def opening() -> list[Flowable]:
        """The lists that open the binder (its first volume), each a fresh story for each layout."""
        return gaps_list(book, gaps, numbers) + targets_summary(book, summaries, as_of)

    lists = [(key, title) for key, title, wanted in (("gaps", GAPS, gaps), ("summary", SUMMARY, plans)) if wanted]
    return _Content(book, media, opening, lists)


def _volumes(content: _Content, parts: list[Part]) -> list[list[Part]]:
    """The parts in volumes of about `volume_pages` body pages, cut by a layout made only to count pages; one
    volume when the binder is not split."""
    book = content.book
    if not (book.options.volume_pages and parts):
        return [parts]
    book.sizing = True
    sizing = lay_out_body(
        book, parts, content.media, content.opening, content.lists, first_page=1, result=BinderResult()
    )
    book.sizing = False
    return cut_volumes(parts, sizing, book.options.volume_pages)


def _volume_files(
    content: _Content,
    volumes: list[list[Part]],
    paths: list[Path],
    result: BinderResult,
    job: Job,
    notes: Path,
) -> Iterator[tuple[Path, Path]]:
    """Each volume laid out and put together in a temporary file, yielded with its final name as it is made."""
    book = content.book
    for index, (volume, path) in enumerate(zip(volumes, paths, strict=True)):
        job.check()
        book.volume = (index + 1, len(volumes)) if len(volumes) > 1 else None
        front, body = _lay_out(content, volume, index == 0, result)
        job.report(0.6 + 0.4 * (index + 0.5) / len(volumes), "正在合并扫描件并编页码")
        yield assemble(book, front, body, result, path, job, notes), path
        result.sections += section_pages(volume, body, index + 1)


def _lay_out(content: _Content, volume: list[Part], first: bool, result: BinderResult) -> tuple[Front, Body]:
    """A volume's front and body: the front laid out first to learn its length, the body numbered after it,
    then the front again with the body's page numbers; the opening lists go in the first volume."""
    book = content.book
    lists = content.lists if first else []
    front_pages = lay_out_front(book, volume, lists, {}).pages
    opening = content.opening if first else list
    body = lay_out_body(book, volume, content.media, opening, lists, first_page=front_pages + 1, result=result)
    front = lay_out_front(book, volume, lists, body.starts, offset=front_pages)
    if front.pages != front_pages:  # the real numbers never need more lines, but a changed length moves them
        raise LedgerError("目录页数在排版中发生变化，请重试")
    return front, body


def _finish(result: BinderResult, book: Book, paths: list[Path]) -> None:
    """The result's files, and the characters no font could print, warned about."""
    result.path, result.volumes = paths[0], paths
    result.missing = set(book.missing)
    if book.missing:
        characters = "".join(sorted(book.missing))
        result.warnings.append(f"本机没有字体能印出这些字符，已印作〓：{characters}（可在设置中另选字体）")
