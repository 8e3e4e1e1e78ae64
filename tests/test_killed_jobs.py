"""The long jobs killed at random moments: a restore, a merge, a full backup, an export and a binder in volumes,
each run in a forked child and killed with SIGKILL at a random point of its run, one small ledger taking every
kill so damage would accumulate. After each kill the ledger opens as the program's next start would open it and
passes `ledger check`; no work folder, half copy or output temporary is left; and every output under its final
name is whole — the full backup and the workbook readable to their end, the binder's volumes one set, old or new,
never a mix. `test_crash_safety` does the same to the writes that add, attach and import."""

from __future__ import annotations

import os
import random
import re
import shutil
import signal
import tempfile
import time
import zipfile
from collections import Counter
from collections.abc import Callable
from pathlib import Path

import pytest
from forked import run_and_kill
from hostile_packages import make_sources
from hostile_samples import noise_photo
from pypdf import PdfReader
from python_calamine import CalamineWorkbook
from samples import VALID

from ledger import evidence, evidence_store, records
from ledger.check import check_ledger
from ledger.excel.export import export_workbook
from ledger.excel.sheets import SHEET_NAMES
from ledger.exchange.merge import merge_package
from ledger.pdf.binder import BinderOptions, build_binder
from ledger.storage import backup
from ledger.storage.folder import Ledger

pytestmark = pytest.mark.skipif(
    not hasattr(os, "fork") or not hasattr(signal, "SIGKILL"),
    reason="the jobs run in a forked child killed with SIGKILL, which this platform lacks",
)

KILLS = 100
SEED = 20201231
#: Pages per volume of the binder, taken in turn: a different count of volumes each time, so a mix would show.
VOLUME_PAGES = (4, 9)


@pytest.fixture
def office(template_ledger, tmp_path):
    """The ledger (a few records with photos), the files the jobs read, and the folder they write to."""
    path = tmp_path / "ledger"
    shutil.copytree(template_ledger, path)
    photos = tmp_path / "photos"
    photos.mkdir()
    with Ledger.open(path, author="办公室") as ledger, ledger.session() as session, session.begin():
        for number, kind in enumerate(("meeting", "training", "disbursement", "cadre", "labour", "consumption")):
            record = records.add_record(session, kind, VALID[kind])
            pictures = []
            for index in range(2):
                picture = photos / f"{kind}-{index}.jpg"
                picture.write_bytes(noise_photo((320 + 16 * number + index, 240)))
                pictures.append(picture)
            evidence.attach(session, ledger.evidence_dir, record, pictures, role="照片")
    sources = make_sources(template_ledger, tmp_path / "laptop", tmp_path / "unused.xlsx")
    with Ledger.open(path) as ledger:
        full = ledger.full_backup(tmp_path / "usb" / "完整备份.zip")
    out = tmp_path / "out"
    out.mkdir()
    return path, sources.package, full, out


def _jobs(path: Path, package: Path, full: Path, out: Path) -> dict[str, Callable[[int], None]]:
    """Each job as the command that does it would run it, taking the number of its run."""

    def restore(run: int) -> None:
        restored, _ = Ledger.restore(path, full)
        restored.close()

    def merge(run: int) -> None:
        with Ledger.open(path) as ledger:
            merge_package(ledger, package)

    def full_backup(run: int) -> None:
        with Ledger.open(path) as ledger:
            ledger.full_backup(out / "完整备份.zip")

    def export(run: int) -> None:
        with Ledger.open(path) as ledger, ledger.session() as session:
            export_workbook(session, out / "台账.xlsx")

    def binder(run: int) -> None:
        options = BinderOptions(year=2020, gaps=False, volume_pages=VOLUME_PAGES[run % len(VOLUME_PAGES)])
        with Ledger.open(path) as ledger, ledger.session() as session:
            build_binder(ledger, session, out / "佐证材料.pdf", options)

    return {"restore": restore, "merge": merge, "full backup": full_backup, "export": export, "binder": binder}


def test_long_jobs_killed_at_random_points_leave_a_whole_ledger_and_whole_outputs(office, figures):
    path, package, full, out = office
    jobs = _jobs(path, package, full, out)
    # How long each job takes here, run to its end, bounds the moments of its kills.
    seconds = {}
    for name, job in jobs.items():
        started = time.monotonic()
        lines = _run(job, 0, float("inf"))
        assert lines[-1:] == ["done"], f"{name} failed on its own: {lines}"
        seconds[name] = time.monotonic() - started
    rng = random.Random(SEED)
    landed: Counter[str] = Counter()
    finished: Counter[str] = Counter()
    started = time.monotonic()
    for number in range(KILLS):
        name = list(jobs)[number % len(jobs)]
        delay = rng.uniform(0, seconds[name])
        lines = _run(jobs[name], number // len(jobs), delay)
        assert not [line for line in lines if line.startswith("error")], f"kill {number} ({name}): {lines}"
        landed[name] += 1
        finished[name] += lines[-1:] == ["done"]
        when = f"after kill {number}, {delay:.2f} s into the {name}"
        with Ledger.open(path) as ledger:
            assert check_ledger(ledger) == [], when
        _assert_nothing_left(path, out, when)
        _assert_outputs_whole(out, when)
    figures["long jobs killed"] = (
        f"{KILLS} ({', '.join(f'{name} {landed[name]}' for name in jobs)}); "
        f"{sum(finished.values())} had finished before their kill; {time.monotonic() - started:.0f} s"
    )


def _assert_nothing_left(path: Path, out: Path, when: str) -> None:
    cache = path / "cache"
    work = [p.name for pattern in ("restore-*", "merge-*") for p in cache.glob(pattern)]
    assert not work, f"{when}: work folders left in the cache: {work}"
    assert not list((path / "backups").glob("*.part")), f"{when}: a half copy left in backups"
    assert not (path / "ledger.sqlite.restore").exists(), f"{when}: a restore's copy left beside the database"
    temporary = [p.name for p in out.iterdir() if p.name.startswith(".~")]
    assert not temporary, f"{when}: output temporaries left: {temporary}"
    temp = path / "evidence" / evidence_store.TEMP
    assert not temp.is_dir() or not any(temp.iterdir()), f"{when}: temporary files left in the store"


def _assert_outputs_whole(out: Path, when: str) -> None:
    full = out / "完整备份.zip"
    if full.exists():
        with zipfile.ZipFile(full) as archive:
            assert archive.testzip() is None, f"{when}: the full backup is damaged"
        with tempfile.TemporaryDirectory() as work:
            backup.unpack_verified(full, Path(work), backup.FULL_FORMAT, "完整备份", "ledger.sqlite")
    book = out / "台账.xlsx"
    if book.exists():
        sheets = CalamineWorkbook.from_path(str(book))
        assert set(SHEET_NAMES.values()) <= set(sheets.sheet_names), f"{when}: the workbook lacks sheets"
        for name in sheets.sheet_names:
            sheets.get_sheet_by_name(name).to_python()
    volumes = sorted(out.glob("佐证材料-第*册.pdf"))
    single = out / "佐证材料.pdf"
    if volumes:
        assert not single.exists(), f"{when}: a single binder beside volumes"
        counts = set()
        for volume in volumes:
            reader = PdfReader(volume)
            assert len(reader.pages) > 0, f"{when}: {volume.name} is empty"
            cover = reader.pages[0].extract_text()
            found = re.search(r"第(\d+)册\s*共(\d+)册", cover)
            assert found, f"{when}: {volume.name} has no volume line on its cover"
            assert f"第{found[1]}册" in volume.name, f"{when}: {volume.name} is volume {found[1]}"
            counts.add(int(found[2]))
            for page in reader.pages:
                page.get_contents()  # every page's content readable: the file is whole
        assert counts == {len(volumes)}, f"{when}: volumes of different builds: {[v.name for v in volumes]}"


def _run(job: Callable[[int], None], run: int, delay: float) -> list[str]:
    """Runs `job(run)` in a child killed `delay` seconds after it starts; the lines it said, "done" last if it
    finished first."""

    def work(say):
        say("ready")
        job(run)
        say("done")

    return run_and_kill(work, delay)[0]
