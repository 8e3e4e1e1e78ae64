"""`ledger export` and `ledger import`: the Excel ledger (台账) out and back in."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from ledger.cli.support import Command, conflicts_option, open_ledger
from ledger.excel import export as excel_export
from ledger.excel import importing as excel_import
from ledger.kinds import KINDS
from ledger.values import parse_date


def register(command: Command) -> None:
    sub = command("export", _export, "导出 Excel 台账（每类记录一张表，另有指标完成情况和佐证材料目录）")
    sub.add_argument("file", metavar="FILE.xlsx", type=Path)
    sub.add_argument("--pairing", help="只导出这个结对关系")
    sub.add_argument("--year", type=int, help="只导出这一年度")
    sub.add_argument("--kinds", help=f"只导出这些类别，逗号分隔：{','.join(KINDS)}")
    sub.add_argument("--as-of", metavar="DATE", help="指标完成情况按哪一天判断是否逾期（默认今天）")

    sub = command("import", _import, "导入 Excel 台账：有记录编号的行更新该记录，没有的行新增；有任何错误则全部不导入")
    sub.add_argument("file", metavar="FILE.xlsx", type=Path)
    sub.add_argument("--dry-run", action="store_true", help="只检查并报告将会怎样导入，不写入")
    conflicts_option(
        sub, excel_import.CONFLICT_RULES, "stop", "导出以后台账里又改过的记录（冲突）怎样处理：", "（默认 stop）"
    )


def _export(args) -> None:
    kinds = [kind.strip() for kind in args.kinds.split(",") if kind.strip()] if args.kinds else None
    as_of = parse_date(args.as_of) if args.as_of else date.today()
    with open_ledger(args) as ledger, ledger.session() as session:
        summary = excel_export.export_workbook(
            session, args.file, pairing=args.pairing, year=args.year, kinds=kinds, as_of=as_of
        )
    print(f"已导出：{summary.path}")
    for sheet, count in summary.sheets:
        unit = (
            "项任务"
            if sheet == excel_export.PROGRESS_SHEET
            else "个文件"
            if sheet == excel_export.EVIDENCE_SHEET
            else "条"
        )
        print(f"  {sheet}：{count} {unit}")


def _import(args) -> None:
    with open_ledger(args) as ledger, ledger.session() as session:
        report = excel_import.import_workbook(session, args.file, dry_run=args.dry_run, conflicts=args.conflicts)
    print("\n".join(report.lines()))
