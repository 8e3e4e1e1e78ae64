"""The writer that `test_crash_safety` kills: it opens a ledger and writes to it until it is killed.

It loops over a random mix of adding a record, attaching files and importing a workbook, and after each
commit returns it writes one line saying what is now durable, so the killer knows what must survive:

    ready                                   the ledger is open; kill times count from here
    begin add|attach|import                 a write has started (where a kill lands)
    rows <token> <count>                    the workbook about to be imported: its rows' titles hold the token
    done add <id>=<digest>                  a record and the digest of its values
    done attach <record id> <id>=<sha256>…  attachments and their files' content
    done import <id>=<digest>…              the records one workbook brought in
    error <message>                         the writer failed on its own: the test fails

Each line is written whole in one system call, far below the pipe's atomic size, so a kill never
leaves half of one. Run on its own: python tests/crash_writer.py LEDGER FILES SCRATCH SEED
"""

from __future__ import annotations

import hashlib
import json
import random
import sys
import time
import traceback
import uuid
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from excel_samples import ledger_sheet, row, workbook
from samples import VALID
from sqlalchemy import func, select

from ledger.evidence import attach
from ledger.excel.importing import import_workbook
from ledger.kinds import KINDS, MODELS
from ledger.models import Record
from ledger.records import add_record, record_values
from ledger.storage.folder import Ledger

AUTHOR = "崩溃测试"
#: Kinds an imported workbook holds: ones whose title is typed, so the import's rows can be found again.
IMPORTED_KINDS = ("meeting", "training", "disbursement")
ROLES = ("照片", "会议纪要", "签到表", "其他")


def values_digest(kind: str, values: Mapping[str, Any]) -> str:
    """A short digest of a record's field values as `records.record_values` gives them."""
    fields = {field.name: field.values.to_json(values[field.name]) for field in KINDS[kind].fields}
    text = json.dumps(fields, ensure_ascii=False, sort_keys=True, default=str)
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def run(ledger_path: Path, files: Path, scratch: Path, seed: int, say: Callable[[str], None]) -> None:
    """Writes until killed; `say` must put each line where the killer reads it before returning."""
    rng = random.Random(seed)
    scratch.mkdir(parents=True, exist_ok=True)
    sources = sorted(files.iterdir())
    with Ledger.open(ledger_path, author=AUTHOR) as ledger:
        say("ready")
        for number in range(10**9):
            token = f"{seed}-{number}"
            operation = rng.choices(("add", "attach", "import"), weights=(3, 4, 2))[0]
            say(f"begin {operation}")
            if operation == "add":
                say(_add(ledger, rng, token))
            elif operation == "attach":
                say(_attach(ledger, rng, sources, scratch, token))
            else:
                say(_import(ledger, rng, scratch, token, say))
            # A moment between writes, so that some kills land outside any write.
            time.sleep(rng.uniform(0, 0.005))


def _add(ledger: Ledger, rng: random.Random, token: str) -> str:
    kind = rng.choice(list(VALID))
    values = dict(VALID[kind])
    if "person_name" in values:
        values["person_name"] = rng.choice(["陈志强", "黄丽华", "李明", "王芳"])
    if "title" in values:  # the kinds that compose their title (from the person, the tie's parties) have none
        values["title"] = f"{values['title']}（{token}）"
    with ledger.session() as session, session.begin():
        record = add_record(session, kind, values)
        line = f"done add {record.id}={values_digest(kind, record_values(record))}"
    return line  # only once the commit has returned


def _attach(ledger: Ledger, rng: random.Random, sources: list[Path], scratch: Path, token: str) -> str:
    chosen = []
    for position in range(rng.randint(1, 3)):
        source = rng.choice(sources)
        if rng.random() < 0.5:
            # New content, so the file is copied in rather than found already stored: the same bytes with
            # a unique tail, which readers of JPEG and PDF ignore.
            variant = scratch / f"{token}-{position}{source.suffix}"
            variant.write_bytes(source.read_bytes() + f"\n%{token}-{position}\n".encode())
            source = variant
        chosen.append(source)
    with ledger.session() as session, session.begin():
        record_id = session.scalar(
            select(Record.id).where(Record.deleted_at.is_(None)).order_by(func.random()).limit(1)
        )
        if record_id is None:
            return "done attach none"
        record = session.get(Record, record_id)
        added = attach(session, ledger.evidence_dir, record, chosen, role=rng.choice(ROLES))
        line = f"done attach {record_id} " + " ".join(f"{a.id}={a.sha256}" for a in added)
    return line


def _import(ledger: Ledger, rng: random.Random, scratch: Path, token: str, say: Callable[[str], None]) -> str:
    book, expected = workbook(), 0
    for kind in rng.sample(IMPORTED_KINDS, rng.randint(1, 2)):
        count = rng.randint(2, 4)
        titles = (f"导入（{token}-{expected + number}）" for number in range(count))
        ledger_sheet(book, kind, [row(kind, dict(VALID[kind], title=title)) for title in titles])
        expected += count
    path = scratch / f"{token}.xlsx"
    book.save(path)
    say(f"rows {token} {expected}")  # so that a killed import can be shown to have landed whole or not at all
    with ledger.session() as session:
        import_workbook(session, path)  # its own transaction, committed when it returns
        pattern = f"导入（{token}-%"
        found = session.execute(select(Record.id, Record.kind).where(Record.title.like(pattern))).all()
        if len(found) != expected:
            return f"error import of {expected} rows committed {len(found)} records"
        digests = [
            f"{record_id}={values_digest(kind, record_values(session.get(MODELS[kind], record_id)))}"
            for record_id, kind in found
        ]
    return "done import " + " ".join(digests)


def parse(lines: list[str]) -> dict[str, Any]:
    """What a run's lines say: records {id: digest}, attachments {id: (record id, sha256)}, imported record
    ids, where the last write stood when the run ended, the import it was in (token, rows) if any, and any
    error the writer reported."""
    records: dict[uuid.UUID, str] = {}
    attachments: dict[uuid.UUID, tuple[uuid.UUID, str]] = {}
    imported: set[uuid.UUID] = set()
    moment, errors, importing = "before ready", [], None
    for line in lines:
        word, _, rest = line.partition(" ")
        if word == "ready":
            moment = "between writes"
        elif word == "begin":
            moment = rest
        elif word == "rows":
            token, count = rest.split()
            importing = (token, int(count))
        elif word == "done":
            moment, importing = "between writes", None
            operation, *items = rest.split()
            if operation == "attach" and items[0] != "none":
                record_id = uuid.UUID(items[0])
                for item in items[1:]:
                    attachment_id, sha256 = item.split("=")
                    attachments[uuid.UUID(attachment_id)] = (record_id, sha256)
            elif operation in ("add", "import"):
                for item in items:
                    record_id, digest = item.split("=")
                    records[uuid.UUID(record_id)] = digest
                    if operation == "import":
                        imported.add(uuid.UUID(record_id))
        else:
            errors.append(line)
    return {
        "records": records,
        "attachments": attachments,
        "imported": imported,
        "moment": moment,
        "importing": importing,
        "errors": errors,
    }


def main() -> None:
    ledger_path, files, scratch, seed = sys.argv[1:5]

    def say(line: str) -> None:
        print(line, flush=True)

    try:
        run(Path(ledger_path), Path(files), Path(scratch), int(seed), say)
    except Exception:
        say("error " + traceback.format_exc().replace("\n", " | "))
        raise


if __name__ == "__main__":
    main()
