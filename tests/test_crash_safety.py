"""Crash safety: a writer killed with SIGKILL at random moments never damages the ledger or loses a write.

`crash_writer` adds records, attaches files and imports workbooks, saying after each commit what is now
durable. It is killed hundreds of times, at random moments after it is ready, inside file copies,
transactions and imports and between them. After each kill the ledger is opened as the next start of the
program would open it, and must pass `ledger check`, hold every write reported done, and have no
temporary or unnamed file in its store. One ledger takes every kill, so damage would accumulate.

The writer is forked from this process after the imports (`forked`).
"""

from __future__ import annotations

import os
import random
import shutil
import signal
import time
import uuid
from collections import Counter
from pathlib import Path

import pytest
from crash_writer import AUTHOR, parse, run, values_digest
from forked import run_and_kill
from PIL import Image
from sqlalchemy import func
from sqlalchemy import select as sql_select

from ledger.check import check_ledger
from ledger.evidence_store import TEMP, sha256_of, stored_files
from ledger.kinds import KINDS
from ledger.models import Attachment, EvidenceFile, Record
from ledger.record_rows import value_rows
from ledger.records import RecordScope
from ledger.storage.folder import Ledger

pytestmark = pytest.mark.skipif(
    not hasattr(os, "fork") or not hasattr(signal, "SIGKILL"),
    reason="the kill harness forks its writer and kills it with SIGKILL, which this platform lacks",
)

KILLS = 200
SEED = 20200420
#: Kill times after the writer is ready: long enough for several writes, spread over all their moments.
LONGEST_DELAY = 0.3


def test_writes_reported_done_survive_sigkill(template_ledger, tmp_path, figures):
    ledger_path = tmp_path / "ledger"
    shutil.copytree(template_ledger, ledger_path)
    sources = _evidence_sources(tmp_path / "sources", random.Random(SEED))
    rng = random.Random(SEED)
    durable = Durable()
    moments: Counter[str] = Counter()
    set_aside = 0
    killed_imports: Counter[str] = Counter()
    started = time.monotonic()
    for number in range(KILLS):
        scratch = tmp_path / "scratch" / str(number)
        lines = _run_and_kill(ledger_path, sources, scratch, SEED + number, rng.uniform(0, LONGEST_DELAY))
        shutil.rmtree(scratch, ignore_errors=True)
        report = parse(lines)
        assert not report["errors"], f"kill {number}: the writer failed on its own: {report['errors']}"
        moments[report["moment"]] += 1
        durable.add(report)

        with Ledger.open(ledger_path, author=AUTHOR) as ledger:
            set_aside += durable.verify(ledger, f"after kill {number}")
            if report["importing"]:
                killed_imports[_landed(ledger, *report["importing"], f"after kill {number}")] += 1

    seconds = time.monotonic() - started
    inside = sum(count for moment, count in moments.items() if moment != "between writes")
    figures["kills survived"] = f"{KILLS}/{KILLS}"
    figures["kill test: writes verified"] = (
        f"{durable.added} records added, {len(durable.attachments)} attachments, {durable.imported} imported rows"
    )
    figures["kill test: where the kills landed"] = (
        f"{inside} inside a write ({moments['add']} adding, {moments['attach']} attaching, "
        f"{moments['import']} importing), {moments['between writes']} between writes; "
        f"{set_aside} placed files set aside as uncommitted; {seconds:.0f} s"
    )
    figures["kill test: imports killed"] = (
        f"{killed_imports['whole']} landed whole (killed before reporting), {killed_imports['none']} not at all"
    )


class Durable:
    """Everything the writers reported done, checked against the ledger after every kill."""

    def __init__(self):
        self.records: dict[uuid.UUID, str] = {}
        self.attachments: dict[uuid.UUID, tuple[uuid.UUID, str]] = {}
        self.added = self.imported = 0
        self.new_attachments: set[uuid.UUID] = set()
        self.whole_orphans: set[str] = set()

    def add(self, report: dict) -> None:
        self.records |= report["records"]
        self.added += len(report["records"]) - len(report["imported"])
        self.imported += len(report["imported"])
        self.new_attachments = set(report["attachments"]) - set(self.attachments)
        self.attachments |= report["attachments"]

    def verify(self, ledger: Ledger, when: str) -> int:
        """Asserts the ledger whole and holding every reported write; returns the files set aside on opening."""
        assert check_ledger(ledger) == [], when
        temp = ledger.evidence_dir / TEMP
        assert not temp.is_dir() or not any(temp.iterdir()), f"{when}: temporary files left in the store"
        with ledger.session() as session:
            digests = {
                record_id: values_digest(kind, values)
                for kind in KINDS
                for record_id, values in value_rows(session, RecordScope(kind))
            }
            columns = sql_select(Attachment.id, Attachment.record_id, Attachment.sha256)
            rows = {attachment_id: (record_id, sha256) for attachment_id, record_id, sha256 in session.execute(columns)}
            named = set(session.scalars(sql_select(EvidenceFile.sha256)))
        lost = [str(record_id) for record_id in self.records if record_id not in digests]
        assert not lost, f"{when}: records reported done are gone: {lost}"
        changed = [str(record_id) for record_id, digest in self.records.items() if digests[record_id] != digest]
        assert not changed, f"{when}: records reported done have other values: {changed}"
        wrong = [str(key) for key, value in self.attachments.items() if rows.get(key) != value]
        assert not wrong, f"{when}: attachments reported done are gone or changed: {wrong}"
        stored = {path.stem: path for path in stored_files(ledger.evidence_dir)}
        assert set(stored) == named, f"{when}: stored files and evidence rows differ"
        for attachment_id in self.new_attachments:
            sha256 = self.attachments[attachment_id][1]
            assert sha256_of(stored[sha256]) == sha256, f"{when}: attached file {sha256} is not intact"
        # Files set aside on opening were placed whole before the kill; none may be half of one.
        set_aside = 0
        if ledger.orphans_dir.is_dir():
            for path in ledger.orphans_dir.iterdir():
                if path.name not in self.whole_orphans:
                    assert sha256_of(path) == path.stem, f"{when}: a half-written file was set aside: {path.name}"
                    self.whole_orphans.add(path.name)
                    set_aside += 1
        return set_aside


def _landed(ledger: Ledger, token: str, rows: int, when: str) -> str:
    """Whether an import killed before it reported landed whole or not at all; a part of it fails the test."""
    with ledger.session() as session:
        found = session.scalar(sql_select(func.count()).where(Record.title.like(f"导入（{token}-%")))
    assert found in (0, rows), f"{when}: {found} of the {rows} rows of a killed import were kept"
    return "whole" if found else "none"


def _run_and_kill(ledger_path: Path, sources: Path, scratch: Path, seed: int, delay: float) -> list[str]:
    """Forks a writer, kills it `delay` seconds after it is ready, and returns the lines it wrote."""
    lines, status = run_and_kill(lambda say: run(ledger_path, sources, scratch, seed, say), delay)
    if not (os.WIFSIGNALED(status) and os.WTERMSIG(status) == signal.SIGKILL):
        lines.append(f"error the writer ended by itself with status {status}")
    return lines


def _evidence_sources(folder: Path, rng: random.Random) -> Path:
    """Photos and scans of a few hundred KB each, so copying one into the store takes a while."""
    folder.mkdir()
    for number in range(3):
        noise = Image.frombytes("RGB", (800, 600), rng.randbytes(800 * 600 * 3))
        noise.save(folder / f"现场照片{number}.jpg", quality=85)
    for number in range(2):
        noise = Image.frombytes("RGB", (700, 500), rng.randbytes(700 * 500 * 3))
        noise.save(folder / f"会议纪要{number}.pdf")
    return folder
