"""Ledger speed on 100,000 records: bulk insert rate and a filtered, sorted page of 200 rows.

Figures are printed, not asserted, each beside a floor measured in the same run on the same
machine (plain sqlite3 doing the same work), so the ratio means something on a busy machine. The other benches
take their meeting rows, their filled ledger and their steps run apart (`in_own_process`) from here.

    python bench/ledger_bench.py [--records 100000]
"""

from __future__ import annotations

import argparse
import multiprocessing
import random
import sqlite3
import statistics
import sys
import tempfile
import time
import uuid
from datetime import date, timedelta
from pathlib import Path

from ledger import records
from ledger.storage.folder import Ledger

TITLE_WORDS = ("联席会议", "推进会", "调研对接", "座谈会", "常委会", "常务会议", "领导小组会议", "互访", "整改")
TYPES = ("党政联席会议", "工作推进会", "调研对接/互访", "座谈会", "党委常委会会议", "其他")


def meeting_rows(count: int, rng: random.Random) -> list[dict]:
    start = date(2018, 1, 1)
    rows = []
    for number in range(count):
        day = start + timedelta(days=rng.randrange(5 * 365))
        rows.append(
            {
                "pairing": "鹤山市—龙州县",
                "title": f"鹤山—龙州{rng.choice(TITLE_WORDS)}第{number}次",
                "date": day,
                "meeting_type": rng.choice(TYPES),
                "summary": "研究扶贫协作工作" + rng.choice(TITLE_WORDS),
                "responsible_units": [rng.choice(("鹤山市扶贫办", "龙州县扶贫办", "鹤山市教育局"))],
                "record_status": "已核实",
            }
        )
    return rows


def fill(folder: Path, count: int) -> None:
    """A new ledger in `folder` holding `count` meetings, for the benches that measure what reads it."""
    rows = meeting_rows(count, random.Random(7))
    with Ledger.create(folder, author="bench") as ledger:
        with ledger.session() as session, session.begin():
            records.add_pairing(session, "鹤山市", "龙州县")
        for offset in range(0, len(rows), 5000):
            with ledger.session() as session, session.begin():
                records.add_many(session, "meeting", rows[offset : offset + 5000])


def in_own_process(start: str, measured, step, *args):
    """What `measured(step, queue, *args)` puts on the queue, run in a process of its own started by the
    multiprocessing method `start` ("fork", "spawn"); a failing step ends the bench."""
    context = multiprocessing.get_context(start)
    queue = context.Queue()
    process = context.Process(target=measured, args=(step, queue, *args))
    process.start()
    outcome = queue.get()
    process.join()
    if process.exitcode:
        sys.exit(f"step {step.__name__} failed")
    return outcome


def timed(action) -> float:
    began = time.perf_counter()
    action()
    return time.perf_counter() - began


def bench_insert(folder: Path, rows: list[dict], batch: int) -> float:
    with Ledger.create(folder, author="bench") as ledger:
        with ledger.session() as session, session.begin():
            records.add_pairing(session, "鹤山市", "龙州县")

        def insert_all() -> None:
            for offset in range(0, len(rows), batch):
                with ledger.session() as session, session.begin():
                    records.add_many(session, "meeting", rows[offset : offset + batch])

        return timed(insert_all)


def floor_insert(folder: Path, rows: list[dict], batch: int) -> float:
    """Plain sqlite3 writing the same rows to two tables, with the ledger's durability settings."""
    db = sqlite3.connect(folder / "floor.sqlite", isolation_level=None)
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("PRAGMA synchronous=FULL")
    db.execute("CREATE TABLE record (id TEXT PRIMARY KEY, kind, year, title, summary, date, status)")
    db.execute("CREATE INDEX ix ON record (kind, year, date)")
    db.execute("CREATE TABLE meeting (id TEXT PRIMARY KEY, meeting_type)")

    def insert_all() -> None:
        for offset in range(0, len(rows), batch):
            chunk = rows[offset : offset + batch]
            ids = [uuid.uuid4().hex for _ in chunk]
            db.execute("BEGIN")
            db.executemany(
                "INSERT INTO record VALUES (?, 'meeting', ?, ?, ?, ?, ?)",
                [
                    (i, r["date"].year, r["title"], r["summary"], r["date"].isoformat(), r["record_status"])
                    for i, r in zip(ids, chunk, strict=True)
                ],
            )
            db.executemany(
                "INSERT INTO meeting VALUES (?, ?)", [(i, r["meeting_type"]) for i, r in zip(ids, chunk, strict=True)]
            )
            db.execute("COMMIT")

    elapsed = timed(insert_all)
    db.close()
    return elapsed


def bench_query(folder: Path, repeats: int) -> tuple[float, int]:
    with Ledger.open(folder) as ledger, ledger.session() as session:
        found = records.list_records(session, "meeting", year=2020, text="联席", limit=200)
        times = [
            timed(lambda: records.list_records(session, "meeting", year=2020, text="联席", limit=200))
            for _ in range(repeats)
        ]
    return statistics.median(times), len(found)


def floor_query(folder: Path, repeats: int) -> float:
    db = sqlite3.connect(folder / "floor.sqlite")
    sql = (
        "SELECT * FROM record JOIN meeting USING (id) WHERE kind = 'meeting' AND year = 2020 "
        "AND (title LIKE '%联席%' OR summary LIKE '%联席%') ORDER BY date LIMIT 200"
    )
    times = [timed(lambda: db.execute(sql).fetchall()) for _ in range(repeats)]
    db.close()
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=100_000)
    parser.add_argument("--batch", type=int, default=5_000)
    parser.add_argument("--repeats", type=int, default=20)
    args = parser.parse_args()

    rows = meeting_rows(args.records, random.Random(7))
    with tempfile.TemporaryDirectory() as scratch:
        folder = Path(scratch)
        ledger_seconds = bench_insert(folder / "ledger", rows, args.batch)
        floor_seconds = floor_insert(folder, rows, args.batch)
        query_seconds, found = bench_query(folder / "ledger", args.repeats)
        floor_query_seconds = floor_query(folder, args.repeats)

    print(f"records inserted           {args.records:>10,}  (batches of {args.batch:,}, validated and audited)")
    print(f"ledger insert rate         {args.records / ledger_seconds:>10,.0f} records/s  ({ledger_seconds:.2f} s)")
    print(f"sqlite3 floor insert rate  {args.records / floor_seconds:>10,.0f} records/s  ({floor_seconds:.2f} s)")
    print(f"insert time ratio          {ledger_seconds / floor_seconds:>10.1f} x floor")
    print(f"query (year+kind+text, sorted, 200 rows; got {found})")
    print(f"ledger query               {query_seconds * 1000:>10.1f} ms (median of {args.repeats})")
    print(f"sqlite3 floor query        {floor_query_seconds * 1000:>10.1f} ms")
    print(f"query time ratio           {query_seconds / floor_query_seconds:>10.1f} x floor")


if __name__ == "__main__":
    main()
