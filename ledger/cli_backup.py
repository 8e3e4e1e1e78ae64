"""`ledger backup` and `ledger restore`: copies of the ledger, and putting one back."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from pathlib import Path

from ledger import backup
from ledger.cli_support import open_ledger, print_table
from ledger.folder import Ledger, resolve_ledger_path

Command = Callable[..., argparse.ArgumentParser]


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
    with ledger:
        print(f"已从“{Path(args.source).name}”恢复台账 {ledger.path}")
        if kept:
            print(f"恢复前的数据库已另存为 {kept}")
