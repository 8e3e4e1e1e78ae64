"""What the demo ledger puts out — the workbook's values, the binder's text page by page, `progress --json` — as
one JSON file, to compare before and after a change that must not change them:

    python tests/demo_outputs.py save BEFORE.json
    python tests/demo_outputs.py compare BEFORE.json     # exit 1 and the differences when they differ

The day is pinned with --as-of; what differs from one build to the next is left out: the dates the outputs are
made on (编制日期, 导出日期), and record ids and stored file names, which are numbered in order of appearance."""

from __future__ import annotations

import contextlib
import io
import json
import re
import subprocess
import sys
import tempfile
from pathlib import Path

from python_calamine import CalamineWorkbook

from ledger.cli.main import main

AS_OF = "2020-12-31"
YEAR = "2020"
_MADE_ON = re.compile(r"(编制日期|导出日期|编制时间|导出时间)[:：\s]*\S+")
_UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
_SHA = re.compile(r"[0-9a-f]{64}")


def snapshot(folder: Path) -> dict:
    ledger = folder / "ledger"
    _run("demo", str(ledger))
    book, binder = folder / "台账.xlsx", folder / "佐证材料.pdf"
    _run("--ledger", str(ledger), "export", str(book), "--as-of", AS_OF)
    _run("--ledger", str(ledger), "binder", str(binder), "--year", YEAR, "--as-of", AS_OF)
    progress = json.loads(_run("--ledger", str(ledger), "progress", "--year", YEAR, "--as-of", AS_OF, "--json"))
    workbook = CalamineWorkbook.from_path(str(book))
    sheets = {name: workbook.get_sheet_by_name(name).to_python() for name in workbook.sheet_names}
    pages = _pdf_pages(binder)
    return _numbered({"workbook": sheets, "binder": pages, "progress": progress})


def _run(*args: str) -> str:
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        status = main(list(args))
    if status != 0:
        raise SystemExit(f"ledger {' '.join(args)} failed with status {status}")
    return out.getvalue()


def _pdf_pages(path: Path) -> list[str]:
    text = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True).stdout
    return [_MADE_ON.sub(r"\1", page) for page in text.split("\f")]


def _numbered(value):
    """`value` with ids and stored file names numbered in order of appearance, and output dates dropped."""
    seen: dict[str, str] = {}

    def number(found: re.Match) -> str:
        return seen.setdefault(found[0], f"<{len(seen) + 1}>")

    def walk(item):
        if isinstance(item, dict):
            return {key: walk(inner) for key, inner in item.items()}
        if isinstance(item, list):
            return [walk(inner) for inner in item]
        if isinstance(item, str):
            return _UUID.sub(number, _SHA.sub(number, _MADE_ON.sub(r"\1", item)))
        return item if isinstance(item, int | float | bool) or item is None else str(item)

    return walk(value)


def differences(before: dict, after: dict, where: str = "") -> list[str]:
    if isinstance(before, dict) and isinstance(after, dict):
        found = []
        for key in dict.fromkeys([*before, *after]):
            if key not in before or key not in after:
                found.append(f"{where}/{key}: only {'after' if key in after else 'before'}")
            else:
                found += differences(before[key], after[key], f"{where}/{key}")
        return found
    if isinstance(before, list) and isinstance(after, list):
        found = [f"{where}: {len(before)} items before, {len(after)} after"] if len(before) != len(after) else []
        for index, (old, new) in enumerate(zip(before, after, strict=False)):
            found += differences(old, new, f"{where}[{index}]")
        return found
    return [] if before == after else [f"{where}: {before!r} → {after!r}"]


def _main(argv: list[str]) -> int:
    command, path = argv
    with tempfile.TemporaryDirectory() as folder:
        now = snapshot(Path(folder))
    if command == "save":
        Path(path).write_text(json.dumps(now, ensure_ascii=False, indent=1), encoding="utf-8")
        return 0
    found = differences(json.loads(Path(path).read_text(encoding="utf-8")), now)
    for line in found[:200]:
        print(line)
    print(f"{len(found)} differences")
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(_main(sys.argv[1:]))
