"""The demo ledger: a year of 鹤山市—龙州县 cooperation (2020), as the plan in seed 002 asked for it.

It lets a new user see a full ledger at once and gives tests and benchmarks realistic data: the
meetings the plan requires (联席会议 2, 推进会 2, 常委会 and 常务会 4 each side, 领导小组会议 3 each
side, main leaders' visits both ways), the cadres of the work group and the swapped hospital
vice-presidents, teachers and doctors both ways mostly for a month or more, training in the hundreds
of 人次, 260 万元 of fiscal aid by March and over 130 万元 of donations, and enterprises, jobs, job
fairs, sales, paired schools, hospitals and villages and media reports — each with the evidence a clerk
keeps, made on the fly. Each part is drawn in its own module (`meetings`, `people`, `training`, `funds`,
`cooperation`); this one puts them in a new ledger with their evidence and the year's plan. Names, units
and wording are data (resources/demo); dates, numbers and people come from one `random.Random(seed)`, so
the same seed gives the same ledger.
"""

from __future__ import annotations

import json
import shutil
import tempfile
from datetime import datetime
from pathlib import Path

from openpyxl import Workbook

from ledger import evidence, records
from ledger.demo import cooperation as demo_cooperation
from ledger.demo.files import demo_photo
from ledger.demo.funds import disbursements
from ledger.demo.meetings import meetings
from ledger.demo.people import cadres, dispatches, posted_again
from ledger.demo.training import trainings
from ledger.demo.year import Document, Entry, Year, spoken
from ledger.jobs import Job
from ledger.kinds import KINDS
from ledger.kinds.common import ARCHIVED
from ledger.models import Setting
from ledger.plans import store as plans
from ledger.resources import resource_path
from ledger.storage.folder import Ledger

AUTHOR = "示范数据"
# An evidence file as a clerk would have kept it: original name, role, caption, content.
File = tuple[str, str, str, bytes]


def _generate(year: Year) -> list[Entry]:
    """Every record of the demo year, in the order they are added."""
    first = meetings(year) + cadres(year) + dispatches(year) + trainings(year) + disbursements(year)
    everything = first + demo_cooperation.generate(year)
    return everything + posted_again(year, everything)


# Evidence ---------------------------------------------------------------------------------------


def _evidence(year: Year, entry: Entry, rendered: dict[Document, bytes]) -> list[File]:
    rng, values = year.rng, entry.values
    when = values.get("date") or values["start_date"]
    files = []
    for name, role, document in entry.documents:
        if document not in rendered:
            rendered[document] = document.render()
        files.append((name, role, document.title, rendered[document]))
    if entry.roll:
        files.append(_roll(year, entry))
    for name, caption in entry.photos:
        # About one photo in six is stored sideways or upside down, as cameras do, with the EXIF tag to undo it.
        orientation = rng.choice((6, 6, 3, 8)) if rng.random() < 1 / 6 else 1
        size = (600, 800) if rng.random() < 0.15 else (800, 600)
        taken = datetime(
            when.year, when.month, when.day, rng.choice((9, 10, 14, 15)), rng.randrange(60), rng.randrange(60)
        )
        content = demo_photo(rng, caption=caption, taken_at=taken, orientation=orientation, size=size)
        files.append((name, "照片", caption, content))
    return files


def _roll(year: Year, entry: Entry) -> File:
    """The sign-in sheet (签到表), or the roster (花名册) of trainees or of workers, with names drawn now."""
    values, rng = entry.values, year.rng
    when = values.get("date") or values["start_date"]
    who = "学员" if entry.kind == "training" else "人员"
    heading = f"{values['title']}{who + '花名册' if entry.roll == '花名册' else '签到表'}"
    if entry.roll == "花名册":
        # Trainees are counted in participants, workers in people.
        total = values.get("participants") or values["people"]
        poor = values.get("poor_participants") or values.get("poor_people") or 0
        flags = [True] * poor + [False] * (total - poor)
        rng.shuffle(flags)
        townships = year.data["west_townships"]
        lines = [
            f"{number:02d}．{name}　{rng.choice(townships)}　{'建档立卡贫困户' if is_poor else '一般户'}"
            for number, (name, is_poor) in enumerate(zip(year.crowd(len(flags)), flags, strict=True), start=1)
        ]
        lines.insert(0, f"{who}{total}人，其中建档立卡贫困人口{poor}人。")
    else:
        count = values.get("participants") or rng.randint(14, 30)
        names = [f"{number:02d}．{name}" for number, name in enumerate(year.crowd(count), start=1)]
        lines = [f"时间：{spoken(when)}　地点：{values.get('location') or ''}"]
        lines += ["　".join(names[row : row + 5]) for row in range(0, len(names), 5)]
    document = Document(heading, "", tuple(lines), values.get("organiser") or "", when)
    return (f"{entry.roll}.pdf", entry.roll, heading, document.render())


# Building -------------------------------------------------------------------------------------------


def build_demo(path: Path, *, seed: int = 2020, job: Job | None = None) -> dict[str, int]:
    """Creates a ledger at `path` (empty or missing) holding the demo year; returns counts by label.

    Raises NotALedger, touching nothing, when the folder is not empty. If building fails halfway,
    the folder is left as it was given: a half-built demo would pass for a finished one.
    """
    folder = Path(path)
    existed = folder.exists()
    year = Year(seed)
    entries = _generate(year)
    ledger = Ledger.create(folder, author=AUTHOR)
    try:
        with ledger:
            return _fill(ledger, year, entries, seed, job or Job())
    except BaseException:
        if existed:
            for child in folder.iterdir():
                if child.is_dir():
                    shutil.rmtree(child, ignore_errors=True)
                else:
                    child.unlink(missing_ok=True)
        else:
            shutil.rmtree(folder, ignore_errors=True)
        raise


def _plan_workbook(folder: Path) -> Path:
    """The plan's task list as the office sends it: a title row, the header, the area merged down its rows."""
    data = json.loads(resource_path("demo", "heshan-longzhou-2020-plan.json").read_text(encoding="utf-8"))
    book = Workbook()
    sheet = book.active
    sheet.append([data["title"]])
    sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(data["header"]))
    sheet.append(data["header"])
    first = 3
    for number, row in enumerate(data["rows"]):
        sheet.append(row if number == 0 or row[0] != data["rows"][number - 1][0] else [None, *row[1:]])
        last = sheet.max_row
        if number + 1 == len(data["rows"]) or data["rows"][number + 1][0] != row[0]:
            if last > first:
                sheet.merge_cells(start_row=first, start_column=1, end_row=last, end_column=1)
            first = last + 1
    path = folder / "工作要点清单.xlsx"
    book.save(path)
    return path


def _fill(ledger: Ledger, year: Year, entries: list[Entry], seed: int, job: Job) -> dict[str, int]:
    east, west = year.data["pairing"]["east"], year.data["pairing"]["west"]
    with ledger.session() as session, session.begin():
        pairing = records.add_pairing(session, east, west).name
        session.add(Setting(key="compiling_unit", value=year.data["compiling_unit"]))
    counts: dict[str, int] = {}
    attached, done = 0, 0
    rendered: dict[Document, bytes] = {}
    with tempfile.TemporaryDirectory() as scratch:
        for kind, spec in KINDS.items():
            batch = [entry for entry in entries if entry.kind == kind]
            with ledger.session() as session, session.begin():
                for entry in batch:
                    status = entry.values["record_status"]
                    values = {**entry.values, "pairing": pairing}
                    if status == ARCHIVED:
                        values["record_status"] = "已核实"
                    record = records.add_record(session, kind, values)
                    for number, (name, role, caption, content) in enumerate(_evidence(year, entry, rendered)):
                        source = Path(scratch) / str(number) / name
                        source.parent.mkdir(exist_ok=True)
                        source.write_bytes(content)
                        evidence.attach(session, ledger.evidence_dir, record, [source], role=role, caption=caption)
                        attached += 1
                    if status == ARCHIVED:
                        # Archived once its evidence is in, as a clerk does: an archived record is locked.
                        records.update_record(session, record, {"record_status": ARCHIVED})
                    done += 1
                    job.report(done / len(entries), f"正在生成{spec.label}（{done}/{len(entries)}）")
            counts[spec.label] = len(batch)
        with ledger.session() as session, session.begin():
            job.report(1.0, "正在导入年度计划")
            plans.import_plan(session, _plan_workbook(Path(scratch)), pairing=pairing, year=year.year)
    with ledger.session() as session, session.begin():
        # Written last: the command line takes a ledger with this setting for a finished demo.
        session.add(Setting(key="demo_seed", value=str(seed)))
    counts["佐证材料"] = attached
    return counts
