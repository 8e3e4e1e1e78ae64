"""`ledger roster`: the real-name roster of a labour record (`ledger.rosters`), imported from a workbook and shown."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ledger.cli.support import Command, command_adder, open_ledger, print_json, print_table
from ledger.jobs import Job
from ledger.rosters.store import RosterChange, import_roster, roster, shown_id_number
from ledger.values import format_money

#: Names listed per kind of change; the rest are counted.
_NAMES_SHOWN = 20


def register(command: Command, common: argparse.ArgumentParser) -> None:
    sub = command("roster", None, "劳务协作记录的实名花名册：从工作簿导入，列出")
    action = command_adder(sub.add_subparsers(title="操作", metavar="ACTION", required=True), common)

    sub = action("import", _import, "从工作簿导入花名册：花名册变为文件所列的人，有问题的行全部列出、不作修改")
    sub.add_argument("record", metavar="RECORD", help="劳务协作记录的编号（可只写前几位）")
    sub.add_argument("file", metavar="FILE", type=Path, help="花名册工作簿（.xlsx）")
    sub.add_argument("--dry-run", action="store_true", help="只检查并报告将有的变化，不写入")

    sub = action("show", _show, "列出花名册及合计：人数、其中脱贫户、监测对象")
    sub.add_argument("record", metavar="RECORD", help="劳务协作记录的编号（可只写前几位）")
    sub.add_argument("--json", action="store_true")
    sub.add_argument("--no-mask-personal", dest="mask", action="store_false", help="身份证号完整列出（默认打码）")


def _import(args) -> None:
    with open_ledger(args) as ledger, ledger.session() as session:
        try:
            change = import_roster(session, args.record, args.file, dry_run=args.dry_run, job=_job())
        finally:
            if sys.stderr.isatty():
                print(file=sys.stderr)  # ends the line of progress
        title = change.record.title
    print(f"{'试导入（未写入）' if change.dry_run else '已导入'}花名册：{title}")
    for label, names in (("新增", change.added), ("更新", change.updated), ("移除", change.removed)):
        if names:
            more = f" 等 {len(names)} 人" if len(names) > _NAMES_SHOWN else ""
            print(f"  {label} {len(names)} 人：{'、'.join(names[:_NAMES_SHOWN])}{more}")
    print(_summary(change))


def _job() -> Job:
    """Progress on one line of the terminal, only when someone is watching it."""
    if not sys.stderr.isatty():
        return Job()
    return Job(lambda fraction, message: print(f"\r{fraction:4.0%} {message}".ljust(60), end="", file=sys.stderr))


def _summary(change: RosterChange) -> str:
    if not (change.added or change.updated or change.removed):
        return f"没有变化，花名册共 {change.people} 人"
    return f"花名册共 {change.people} 人（未变 {change.unchanged} 人）"


def _show(args) -> None:
    with open_ledger(args) as ledger, ledger.session() as session:
        found = roster(session, args.record)
        if args.json:
            print_json(found.json(mask=args.mask))
            return
        rows = [
            [
                str(entry.position + 1),
                entry.name,
                entry.gender,
                shown_id_number(entry, mask=args.mask) or "（无）",
                "".join((entry.hukou_county, entry.hukou_town, entry.hukou_village)),
                entry.poverty_status,
                "".join((entry.work_province, entry.work_city)),
                entry.employer,
                entry.post,
                entry.start_date.isoformat() if entry.start_date else "",
                entry.end_date.isoformat() if entry.end_date else "",
                format_money(entry.monthly_income) if entry.monthly_income is not None else "",
                entry.placement,
            ]
            for entry in found.entries
        ]
        headers = ["序号", "姓名", "性别", "身份证号", "户籍", "类别", "就业地", "单位", "岗位"]
        print_table([*headers, "起始日期", "终止日期", "月收入", "输出方式"], rows)
        print(found.totals_text())
