"""`ledger backup`, `restore`, `pack` and `merge`: copies of a ledger, putting one back, merging the team's."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from ledger.cli.support import Command, conflicts_option, open_ledger, print_table, warn
from ledger.exchange.merge import CONFLICT_RULES, merge_package
from ledger.exchange.merge_report import MergeReport, describe_value
from ledger.exchange.pack import write_pack
from ledger.kinds import KINDS
from ledger.storage import backup
from ledger.storage.folder import Ledger, resolve_ledger_path
from ledger.values import parse_date


def register(command: Command) -> None:
    sub = command(
        "backup",
        _backup,
        "备份台账：数据库存入 backups 文件夹或 --to 指定的文件夹；--full 连同全部佐证材料写成一个 zip",
    )
    where = sub.add_mutually_exclusive_group()
    where.add_argument("--to", metavar="DIR", type=Path, help="备份到这个文件夹（如 U 盘），不参与轮换")
    where.add_argument("--full", metavar="OUT.zip", type=Path, help="完整备份：数据库和全部佐证材料，附 SHA-256 清单")
    where.add_argument("--list", action="store_true", help="列出 backups 文件夹中的备份")

    sub = command("restore", _restore, "从备份恢复台账：先核验备份，当前数据库另存为备份后再替换")
    sub.add_argument(
        "source", metavar="BACKUP", help="数据库备份（.sqlite，可只写 backups 中的文件名）或完整备份（.zip）"
    )

    sub = command("pack", _pack, "打包交换：记录（含回收站）、佐证材料和计划写成一个 zip，供工作组其他电脑合并")
    sub.add_argument("file", metavar="OUT.zip", type=Path)
    sub.add_argument("--pairing", help="只打包这个结对关系的")
    sub.add_argument("--year", type=int, help="只打包这一年度的")
    sub.add_argument("--since", metavar="DATE", help="只打包这一天以来新增或修改的")

    sub = command("merge", _merge, "合并交换包：新记录加入，一方修改的更新，双方都改的按规则处理并报告")
    sub.add_argument("file", metavar="IN.zip", type=Path)
    sub.add_argument("--dry-run", action="store_true", help="只报告会有哪些变化，不写入")
    conflicts_option(sub, CONFLICT_RULES, "newer", "双方都修改过的记录：", "（默认 newer，另一版本记入修改记录）")


def _backup(args) -> None:
    with open_ledger(args) as ledger:
        if args.list:
            rows = [
                [
                    item.made.strftime("%Y-%m-%d %H:%M:%S"),
                    item.label,
                    f"{item.path.stat().st_size / 1e6:.1f} MB",
                    item.path.name,
                ]
                for item in backup.list_backups(ledger.backups_dir)
            ]
            print_table(["时间", "原因", "大小", "文件"], rows)
            return
        path = ledger.full_backup(args.full) if args.full else ledger.backup("manual", to=args.to)
        print(f"已备份到 {path}")


def _restore(args) -> None:
    ledger, kept = Ledger.restore(
        resolve_ledger_path(getattr(args, "ledger", None)), args.source, author=getattr(args, "author", None)
    )
    ledger.on_warning = warn
    with ledger:
        print(f"已从“{Path(args.source).name}”恢复台账 {ledger.path}")
        if kept:
            print(f"恢复前的数据库已另存为 {kept}")


def _pack(args) -> None:
    since = parse_date(args.since) if args.since else None
    with open_ledger(args) as ledger:
        summary = write_pack(ledger, args.file, pairing=args.pairing, year=args.year, since=since)
    print(
        f"已打包 {summary.records} 条记录、{summary.attachments} 份佐证材料（{summary.files} 个文件）、"
        f"{summary.plans} 个计划：{summary.path}"
    )


def _merge(args) -> int:
    with open_ledger(args) as ledger:
        report = merge_package(ledger, args.file, dry_run=args.dry_run, conflicts=args.conflicts)
    for line in merge_lines(report):
        print(line)
    return 0


def merge_lines(report: MergeReport) -> list[str]:
    """What a merge did (or would do), as the command prints it."""
    verb = "将" if report.dry_run else "已"
    lines = [
        f"交换包“{report.package}”（{report.author or '未署名'} 打包）：",
        f"  {verb}新增记录 {len(report.added)} 条，更新 {len(report.updated)} 条，未变 {report.unchanged} 条；"
        f"冲突 {len(report.conflicts)} 条",
        f"  {verb}新增佐证材料 {report.attachments_added} 份（文件 {report.files_added} 个），"
        f"更新 {report.attachments_updated} 份；计划新增 {report.plans_added} 个、更新 {report.plans_updated} 个；"
        f"关联 {report.links_added} 条",
    ]
    if report.frameworks:
        lines.append(f"  {verb}采用考核指标体系：{'、'.join(report.frameworks)}")
    for conflict in report.conflicts:
        kept = {"ours": "保留本机的", "theirs": "采用对方的", None: "未处理，请人工核对"}[conflict.kept]
        lines.append(
            f"  冲突：{KINDS[conflict.kind].label}“{conflict.title}”（{str(conflict.record_id)[:8]}）{kept}；"
            f"本机 {_who(conflict.ours)}，对方 {_who(conflict.theirs)}"
        )
        for label, (ours, theirs) in conflict.fields.items():
            lines.append(f"    {label}：本机 {describe_value(ours)} ／ 对方 {describe_value(theirs)}")
    if report.backup:
        lines.append(f"  合并前的数据库已备份为 {report.backup}")
    if report.dry_run:
        lines.append("  （试运行，未写入）")
    return lines


def _who(change: tuple[str, datetime]) -> str:
    author, at = change
    return f"{author or '未署名'} {at.astimezone():%Y-%m-%d %H:%M} 修改"
