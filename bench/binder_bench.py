"""Evidence binder speed and memory on a year of 1,000 records with 2,000 camera photos of 4000×3000 pixels.

The ledger is made first, through the project's own API: records of every kind, and photos as a camera
writes them (JPEG with EXIF, 1 to 2 MB, every one distinct, a sixth stored sideways) attached at random.
The binder is then built twice: with an empty image cache (every photo decoded, turned upright and scaled
down in the worker pool) and again with the cache the first build left (layout and assembly only). The
floor, measured in the same run on the same stored files, is img2pdf packing them untouched into one PDF, a
photo a page; the ratios say how many times the floor's time each build takes. The floor moves every photo
whole (gigabytes) where the binder embeds print-size copies, so it is bound by reading and writing, the
binder by its work: a ratio near 1 says the binder costs about what copying the photos does.

Each build and the floor run in a fresh process, so each peak is its own. `process peak` is that process's
RSS high-water mark (RUSAGE_SELF). `largest child` is the highest among the children it waited for (the
image workers; fontconfig's fc-list), the largest single one, not a sum (RUSAGE_CHILDREN). On Linux a
child's high-water mark starts at its parent's RSS when it was forked to run its program, so that figure is
at least the builder's size when the pool started and may overstate a worker's own. Figures are printed,
not asserted.

    pip install -e ".[bench]"
    python bench/binder_bench.py [--records 1000] [--photos 2000] [--keep]
"""

from __future__ import annotations

import argparse
import functools
import importlib.util
import io
import multiprocessing
import random
import resource
import shutil
import sys
import tempfile
import time
from datetime import date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

from PIL import Image, ImageChops, ImageDraw, ImageFont
from sqlalchemy import func, select

from ledger import evidence, records
from ledger.demo.files import demo_photo
from ledger.kinds import KINDS
from ledger.models import EvidenceFile, Record
from ledger.pdf.binder import BinderOptions, build_binder
from ledger.storage.folder import Ledger

YEAR = 2020
PAIRING = ("鹤山市", "龙州县")
#: Records of each kind per 20, roughly as a year's ledger has them: few cadres, many meetings and trainings.
SHARES = {"meeting": 6, "cadre": 1, "dispatch": 5, "training": 5, "disbursement": 3}
PHOTO_SIZE = (4000, 3000)
#: How much larger than a photo a base scene is; each photo is a different crop of one.
MARGIN = (240, 180)
#: The sensor grain of each base scene (Gaussian sigma): without it the flat drawn scene compresses to a tenth
#: of a camera photo; with it photos come out at 1.1 to 2 MB at quality 90, the darker rooms grainier.
GRAIN = (1.5, 2.0, 2.5, 3.0)
UNITS = ("鹤山市扶贫办", "龙州县扶贫办", "鹤山市教育局", "龙州县卫生健康局", "鹤山市财政局")


# The ledger ----------------------------------------------------------------------------------------------


def _day(rng: random.Random) -> date:
    return date(YEAR, 1, 1) + timedelta(days=rng.randrange(350))


def _row(kind: str, number: int, rng: random.Random) -> dict:
    """Valid values of `kind` for the bench year: the required fields and a few that the binder prints."""
    pairing = "—".join(PAIRING)
    common = {"pairing": pairing, "responsible_units": rng.sample(UNITS, 2), "record_status": "已核实"}
    start = _day(rng)
    end = start + timedelta(days=rng.randrange(3, 120))
    person = f"{rng.choice('李王张刘陈杨黄赵')}{rng.choice(('晓明', '丽华', '建国', '秀英', '志强', '海燕'))}"
    if kind == "meeting":
        return {
            **common,
            "title": f"鹤山—龙州扶贫协作会议第{number}次",
            "date": start,
            "meeting_type": rng.choice(KINDS["meeting"].by_name["meeting_type"].choices),
            "level": "县",
            "held_in": rng.choice(("东部", "西部")),
            "summary": "研究部署东西部扶贫协作工作，听取各单位工作进展汇报。" * 3,
        }
    if kind == "cadre":
        return {
            **common,
            "person_name": person,
            "direction": "东部派往西部",
            "rank": "科级",
            "host_unit": "龙州县扶贫办",
            "host_post": "副主任",
            "start_date": start,
            "end_date": end,
        }
    if kind == "dispatch":
        return {
            **common,
            "person_name": person,
            "field": rng.choice(("教育", "医疗卫生", "农业技术")),
            "role": "其他",
            "direction": "东部选派到西部",
            "host_institution": "龙州县人民医院",
            "start_date": start,
            "end_date": end,
        }
    if kind == "training":
        return {
            **common,
            "title": f"龙州县劳动力技能培训班第{number}期",
            "training_type": rng.choice(KINDS["training"].by_name["training_type"].choices),
            "start_date": start,
            "end_date": start + timedelta(days=5),
            "participants": rng.randint(20, 200),
        }
    return {
        **common,
        "title": f"{YEAR}年财政援助资金第{number}批",
        "fund_type": rng.choice(("财政援助资金", "社会帮扶资金")),
        "fund_level": "县区",
        "amount": Decimal(rng.randint(10, 500) * 10_000),
        "date": start,
    }


@functools.cache
def _base(index: int) -> Image.Image:
    """A meeting-room scene as the demo draws it, larger than a photo and grained like a camera sensor."""
    width, height = PHOTO_SIZE[0] + MARGIN[0], PHOTO_SIZE[1] + MARGIN[1]
    drawn = demo_photo(random.Random(index), caption=str(index), taken_at=datetime(YEAR, 1, 1), size=(width, height))
    scene = Image.open(io.BytesIO(drawn)).convert("RGB")
    grain = Image.effect_noise((width, height), GRAIN[index])  # grey around 128
    return ImageChops.add(scene, Image.merge("RGB", (grain, grain, grain)), offset=-128)


def _photo(number: int, taken: datetime, rng: random.Random) -> bytes:
    """A 4000×3000 JPEG with a camera's EXIF, a distinct crop of a base scene and a date stamp. One in six is
    stored sideways with the orientation tag to undo it, as cameras do."""
    left, top = rng.randrange(MARGIN[0] + 1), rng.randrange(MARGIN[1] + 1)
    image = _base(number % len(GRAIN)).crop((left, top, left + PHOTO_SIZE[0], top + PHOTO_SIZE[1]))
    ImageDraw.Draw(image).text(
        (PHOTO_SIZE[0] - 900, PHOTO_SIZE[1] - 160),
        f"{taken:%Y/%m/%d %H:%M}",
        fill=(255, 150, 40),
        font=ImageFont.load_default(size=110),
    )
    orientation = rng.choice((6, 8, 3)) if rng.random() < 1 / 6 else 1
    if orientation != 1:
        image = image.transpose(
            {3: Image.Transpose.ROTATE_180, 6: Image.Transpose.ROTATE_90, 8: Image.Transpose.ROTATE_270}[orientation]
        )
    exif = Image.Exif()
    stamp = taken.strftime("%Y:%m:%d %H:%M:%S")
    exif[0x010F], exif[0x0110], exif[0x0112], exif[0x0132] = "Canon", "Canon EOS 80D", orientation, stamp
    exif.get_ifd(0x8769).update({0x9003: stamp, 0xA420: f"{number:032x}"})  # DateTimeOriginal, ImageUniqueID
    output = io.BytesIO()
    image.save(output, "JPEG", quality=90, exif=exif)
    return output.getvalue()


def fill(folder: Path, record_count: int, photo_count: int) -> None:
    """A ledger of `record_count` records of the bench year, with `photo_count` photos attached at random."""
    rng = random.Random(7)
    total = sum(SHARES.values())
    counts = {kind: record_count * share // total for kind, share in SHARES.items()}
    counts["meeting"] += record_count - sum(counts.values())
    scratch = folder.parent / "incoming"
    scratch.mkdir()
    with Ledger.create(folder, author="bench") as ledger:
        with ledger.session() as session, session.begin():
            records.add_pairing(session, *PAIRING)
            ids = [
                record_id
                for kind, count in counts.items()
                for record_id in records.add_many(session, kind, [_row(kind, n, rng) for n in range(1, count + 1)])
            ]
        owners = sorted(rng.randrange(len(ids)) for _ in range(photo_count))
        photos: dict[int, list[int]] = {}
        for number, owner in enumerate(owners):
            photos.setdefault(owner, []).append(number)
        for batch_start in range(0, len(ids), 50):
            # Committed 50 records at a time, each time with a line of progress: the photos take minutes.
            with ledger.session() as session, session.begin():
                for owner in range(batch_start, min(batch_start + 50, len(ids))):
                    record = session.get(Record, ids[owner])
                    day = getattr(record, KINDS[record.kind].date_field)
                    sources = []
                    for number in photos.get(owner, ()):
                        taken = datetime.combine(day, datetime.min.time()) + timedelta(
                            hours=rng.randint(8, 17), minutes=rng.randrange(60), seconds=rng.randrange(60)
                        )
                        source = scratch / f"IMG_{number:04d}.JPG"
                        source.write_bytes(_photo(number, taken, rng))
                        sources.append(source)
                    if sources:
                        evidence.attach(
                            session, ledger.evidence_dir, record, sources, role="照片", caption=f"{record.title}现场"
                        )
                    for source in sources:  # the store has its copy; the disk need not hold two
                        source.unlink()
            print(f"  {min(batch_start + 50, len(ids))}/{len(ids)} records with their photos", file=sys.stderr)
    scratch.rmdir()


def stored_photos(folder: Path) -> tuple[list[Path], int]:
    """The stored photo files, in the store's order, and their total size in bytes."""
    with Ledger.open(folder) as ledger, ledger.session() as session:
        files = session.scalars(select(EvidenceFile).order_by(EvidenceFile.sha256)).all()
        total = session.scalar(select(func.sum(EvidenceFile.size))) or 0
        return [ledger.evidence_path(stored.relative_path) for stored in files], total


# The measured steps, each in a fresh process -------------------------------------------------------------


def build(folder: Path, out: Path) -> tuple[int, int]:
    with Ledger.open(folder, author="bench") as ledger, ledger.session() as session:
        result = build_binder(ledger, session, out, BinderOptions(year=YEAR))
    if result.problems:
        raise RuntimeError(f"{len(result.problems)} photos left out, the first: {result.problems[0]}")
    return result.pages, sum(path.stat().st_size for path in result.volumes)


def floor(paths: list[Path], out: Path) -> tuple[int, int]:
    import img2pdf

    with out.open("wb") as stream:
        img2pdf.convert([str(path) for path in paths], outputstream=stream)
    return len(paths), out.stat().st_size


def idle() -> None:
    """The footprint of a fresh process that has imported everything and done nothing: every peak below
    includes it."""


def _measured(step, queue, *args) -> None:
    began = time.perf_counter()
    result = step(*args)
    seconds = time.perf_counter() - began
    peaks = [resource.getrusage(who).ru_maxrss / 1024 for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN)]
    queue.put((seconds, *peaks, result))


def run(step, *args) -> tuple[float, float, float, object]:
    """(seconds, own peak MB, largest child's peak MB, result) of `step(*args)` in a fresh process."""
    context = multiprocessing.get_context("spawn")
    queue = context.Queue()
    process = context.Process(target=_measured, args=(step, queue, *args))
    process.start()
    process.join()
    if process.exitcode:
        sys.exit(f"step {step.__name__} failed")
    return queue.get()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=1_000)
    parser.add_argument("--photos", type=int, default=2_000)
    parser.add_argument("--keep", action="store_true", help="keep the ledger and the PDFs, and say where")
    args = parser.parse_args()
    if importlib.util.find_spec("img2pdf") is None:
        print('The floor needs img2pdf: pip install -e ".[bench]"', file=sys.stderr)
        sys.exit(2)

    scratch = Path(tempfile.mkdtemp(prefix="binder-bench-"))
    try:
        ledger = scratch / "ledger"
        print(f"making a ledger of {args.records:,} records and {args.photos:,} photos", file=sys.stderr)
        # In a process of its own, as every step: a child's peak RSS starts at this process's size when it was
        # started, so this one never holds a photo.
        setup = run(fill, ledger, args.records, args.photos)[0]
        paths, stored = stored_photos(ledger)
        print("first build, second build, floor", file=sys.stderr)
        base = run(idle)
        steps = {
            "first build (cold cache)": run(build, ledger, scratch / "binder-1.pdf"),
            "second build (warm cache)": run(build, ledger, scratch / "binder-2.pdf"),
            "floor: img2pdf, untouched": run(floor, paths, scratch / "floor.pdf"),
        }
    finally:
        if args.keep:
            print(f"kept in {scratch}", file=sys.stderr)
        else:
            shutil.rmtree(scratch, ignore_errors=True)

    print(f"records                       {args.records:>9,}  (year {YEAR}; ledger made in {setup:.0f} s)")
    print(f"photos stored                 {len(paths):>9,}  ({stored / 2**20:,.0f} MB of 4000×3000 JPEG)")
    print(f"{'':<29} {'wall':>9}  {'output':>10}  {'pages':>6}  {'process peak':>12}  {'largest child':>13}")
    print(f"{'idle process (imports only)':<29} {'':>9}  {'':>10}  {'':>6}  {base[1]:>9,.0f} MB  {'—':>13}")
    for name, (seconds, own, child, (pages, size)) in steps.items():
        children = f"{child:,.0f} MB" if child else "—"
        print(f"{name:<29} {seconds:>7.1f} s  {size / 2**20:>7,.1f} MB  {pages:>6,}  {own:>9,.0f} MB  {children:>13}")
    floor_seconds = steps["floor: img2pdf, untouched"][0]
    print(f"first build / floor           {steps['first build (cold cache)'][0] / floor_seconds:>7.1f} x")
    print(f"second build / floor          {steps['second build (warm cache)'][0] / floor_seconds:>7.1f} x")


if __name__ == "__main__":
    main()
