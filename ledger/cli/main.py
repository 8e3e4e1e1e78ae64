"""The `ledger` command: everything the window does, for scripts, tests and the impatient.

Errors are printed in Chinese on stderr with exit status 1 and leave the ledger as it was; a
mistyped command line exits with 2, as argparse does.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from sqlalchemy import select

from ledger import __version__, audit_entries, records
from ledger.audit_log import read_log
from ledger.cli import backup as cli_backup
from ledger.cli import binder as cli_binder
from ledger.cli import excel as cli_excel
from ledger.cli import persons as cli_persons
from ledger.cli import plans as cli_plans
from ledger.cli import rosters as cli_rosters
from ledger.cli.support import assignments, command_adder, open_ledger, print_json, print_table, warn
from ledger.errors import InvalidInput, LedgerError, NotALedger, NotFound, describe_argument, user_error
from ledger.evidence import attach, attachment_json, detach, live_attachments
from ledger.evidence_roles import guess_role
from ledger.evidence_store import discard_unreferenced
from ledger.fields import Problem
from ledger.kinds import KINDS, kind_spec
from ledger.models import EVIDENCE_ROLES, Attachment, Pairing, Setting, Unit
from ledger.pdf.fonts import find_fonts
from ledger.settings import SETTINGS, stored_settings, write_settings
from ledger.storage.folder import DATABASE, Ledger, is_ledger, resolve_ledger_path
from ledger.validation import parse_fields
from ledger.values import display_width


def main(argv: Sequence[str] | None = None) -> int:
    for stream in (sys.stdout, sys.stderr):
        if hasattr(stream, "reconfigure"):
            stream.reconfigure(errors="replace")
    # Bytes of another encoding arrive as lone surrogates, which nothing can save or print: refused at once.
    for argument in sys.argv[1:] if argv is None else argv:
        if (said := describe_argument(str(argument))) is not None:
            print(f"错误：{said}", file=sys.stderr)
            return 1
    parser = _parser()
    args = parser.parse_args(argv)
    try:
        return args.run(args) or 0
    except LedgerError as error:
        print(f"错误：{error}", file=sys.stderr)
        return 1
    except BrokenPipeError:
        # The reader (head, less) has gone; say nothing more, as other command-line tools do.
        sys.stdout = open(os.devnull, "w")  # noqa: SIM115
        return 0
    except LookupError as error:
        print(f"错误：{error.args[0] if error.args else error}", file=sys.stderr)
        return 1
    except Exception as error:
        # A full disk, a refused permission, a failing USB stick, text in the wrong encoding: one sentence naming
        # the file (the ledger's database for SQLite's errors); "damaged" only when integrity_check says so.
        told = user_error(error, database=_database(args), target=_target(args))
        if not isinstance(told, LedgerError):
            raise  # a bug: its traceback is what a report needs
        print(f"错误：{told}", file=sys.stderr)
        return 1


def _database(args: argparse.Namespace) -> Path:
    """The database the command works on: `init` and `demo` name their folder, the rest use --ledger."""
    given = getattr(args, "path", None)
    return (Path(given) if given else resolve_ledger_path(getattr(args, "ledger", None))) / DATABASE


def _target(args: argparse.Namespace) -> Path | None:
    """The file a command reads or writes besides the ledger, named when an error of the disk names none."""
    for name in ("full", "to", "file"):
        if isinstance(value := getattr(args, name, None), Path | str):
            return Path(value)
    return None


def _parser() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--ledger", metavar="PATH", default=argparse.SUPPRESS, help="台账文件夹（默认取 XIEZUO_LEDGER 或用户默认台账）"
    )
    common.add_argument("--author", default=argparse.SUPPRESS, help="本次修改的署名（默认取设置或登录名）")

    parser = argparse.ArgumentParser(prog="ledger", description="协作台账：东西部协作工作台账", parents=[common])
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    command = command_adder(parser.add_subparsers(title="命令", metavar="COMMAND", required=True), common)

    sub = command("init", _init, "新建台账文件夹")
    sub.add_argument("path", nargs="?", help="文件夹（默认同 --ledger）")
    sub.add_argument("--pairing", help="同时登记结对关系，如 鹤山市—龙州县")

    sub = command("demo", _demo, "新建一个装有示范数据（鹤山市—龙州县 2020年）的台账")
    sub.add_argument("path", nargs="?", help="文件夹（默认同 --ledger）")
    sub.add_argument("--seed", type=int, default=2020, help="随机种子：同一种子生成同样的台账")

    sub = command("fields", _fields, "列出一种记录的字段")
    sub.add_argument("kind", choices=list(KINDS))

    sub = command("add", _add, "新增一条记录，输出其编号")
    sub.add_argument("kind", choices=list(KINDS))
    _set_option(sub)
    sub.add_argument("--json", action="store_true", help="输出新记录的 JSON")

    sub = command("update", _update, "修改一条记录")
    sub.add_argument("id", help="记录编号（可只写前几位）")
    _set_option(sub)
    sub.add_argument("--json", action="store_true", help="输出修改后记录的 JSON")

    sub = command("delete", _delete, "把记录移入回收站")
    sub.add_argument("id")

    sub = command("restore-deleted", _restore, "从回收站恢复记录")
    sub.add_argument("id")

    sub = command("list", _list, "列出某种记录")
    sub.add_argument("kind", choices=list(KINDS))
    sub.add_argument("--year", type=int)
    sub.add_argument("--pairing")
    sub.add_argument("--search", metavar="TEXT", help="在文字字段中查找")
    sub.add_argument("--deleted", action="store_true", help="列出回收站中的记录")
    sub.add_argument("--json", action="store_true")

    sub = command("show", _show, "显示一条记录及其佐证材料")
    sub.add_argument("id")
    sub.add_argument("--json", action="store_true")

    sub = command("attach", _attach, "为记录添加佐证材料")
    sub.add_argument("id", metavar="RECORD_ID")
    sub.add_argument("files", metavar="FILE", nargs="+", type=Path)
    sub.add_argument("--role", choices=EVIDENCE_ROLES, help="材料类型（默认按文件名逐个判断）")
    sub.add_argument("--caption", help="说明文字")

    sub = command("detach", _detach, "移除一份佐证材料（可在回收站恢复）")
    sub.add_argument("id", metavar="ATTACHMENT_ID")

    command("check", _check, "检查数据库和佐证材料是否完整")

    sub = command("history", _history, "查看修改记录")
    sub.add_argument("id", nargs="?", help="只看这条记录的")
    sub.add_argument("--search", metavar="WORDS", help="按修改人、事项或修改内容查找（空格分开多个词），以文字列出")
    sub.add_argument("--limit", type=int, default=50)

    sub = command("pairing", _pairing, "结对关系：列出、添加，或填写覆盖的受援县")
    sub.add_argument("action", choices=["list", "add", "counties"])
    sub.add_argument(
        "names",
        nargs="*",
        help="add：东部 西部，如 鹤山市 龙州县；counties：结对关系 受援县…，如 广州市—黔南州 都匀市、福泉市",
    )

    command("units", _units, "列出单位名录")
    cli_persons.register(command, common)
    cli_rosters.register(command, common)

    cli_plans.register(command, common)
    cli_excel.register(command)
    cli_binder.register(command)
    cli_backup.register(command)

    sub = command("config", _config, "查看或修改台账设置：" + "；".join(f"{k} {v.label}" for k, v in SETTINGS.items()))
    sub.add_argument("key", nargs="?", choices=list(SETTINGS))
    sub.add_argument("value", nargs="?")
    return parser


def _set_option(sub: argparse.ArgumentParser) -> None:
    sub.add_argument(
        "--set",
        dest="assignments",
        metavar="FIELD=VALUE",
        action="append",
        default=[],
        help="字段=值，可重复；字段名见 ledger fields KIND",
    )


# Commands -------------------------------------------------------------------------------------


def _init(args) -> None:
    path = Path(args.path) if args.path else resolve_ledger_path(getattr(args, "ledger", None))
    with Ledger.create(path, author=getattr(args, "author", None)) as ledger:
        ledger.on_warning = warn
        if args.pairing:
            parts = records.split_pairing(args.pairing)
            if parts is None:
                raise InvalidInput([Problem("pairing", "结对关系", args.pairing, "应写作 东部—西部，如 鹤山市—龙州县")])
            with ledger.session() as session, session.begin():
                records.add_pairing(session, *parts)
    print(f"已新建台账：{path}")


def _demo(args) -> None:
    from ledger.demo.build import build_demo

    path = Path(args.path) if args.path else resolve_ledger_path(getattr(args, "ledger", None))
    if is_ledger(path):
        with Ledger.open(path) as ledger, ledger.session() as session:
            seed = session.scalar(select(Setting.value).where(Setting.key == "demo_seed"))
        if seed is None:
            raise NotALedger(f"“{path}”已经是一个台账，示范数据只能生成到新的文件夹。")
        if int(seed) != args.seed:
            raise NotALedger(f"“{path}”里已有用种子 {seed} 生成的示范台账；要用种子 {args.seed}，请另选新文件夹。")
        print(f"示范台账已存在：{path}")
        return
    summary = build_demo(path, seed=args.seed)
    print(f"已生成示范台账：{path}")
    for label, count in summary.items():
        print(f"  {label}：{count}")


def _fields(args) -> None:
    spec = kind_spec(args.kind)
    rows = []
    for field in spec.fields:
        notes = ["必填" if spec.must_fill(field) else "", "自动计算" if field.derived else ""]
        if field.follows_date:
            notes.append(f"不填时取{spec.field(spec.date_field).label}所在年份")
        if field.choices:
            notes.append("可选：" + "、".join(field.choices))
        rows.append((field.name, field.label, field.type.value, "；".join(note for note in notes if note)))
    print_table(("字段", "名称", "类型", "说明"), rows)


def _add(args) -> None:
    spec = kind_spec(args.kind)
    values, problems = parse_fields(spec, assignments(args.assignments))
    with open_ledger(args) as ledger, ledger.session() as session:
        with session.begin():
            if "pairing" not in values and not any(p.field == "pairing" for p in problems):
                values["pairing"] = _only_pairing(session)
            record = records.add_record(session, args.kind, values, input_problems=problems)
        if args.json:
            print_json(records.record_json(record))
        else:
            print(record.id)


def _only_pairing(session) -> str | None:
    """A ledger of one pairing needs no --set pairing=…"""
    names = session.scalars(select(Pairing.name).limit(2)).all()
    return names[0] if len(names) == 1 else None


def _update(args) -> None:
    with open_ledger(args) as ledger, ledger.session() as session, session.begin():
        record = records.get_record(session, args.id)
        values, problems = parse_fields(KINDS[record.kind], assignments(args.assignments))
        changes = records.update_record(session, record, values, input_problems=problems)
        if args.json:
            print_json(records.record_json(record))
        elif changes:
            spec = KINDS[record.kind]
            for name in changes:
                print(f"已修改 {spec.field(name).label}")
        else:
            print("没有变化")


def _delete(args) -> None:
    with open_ledger(args) as ledger, ledger.session() as session, session.begin():
        record = records.get_record(session, args.id)
        records.delete_record(session, record)
        print(f"已移入回收站：{record.title}（可用 ledger restore-deleted {str(record.id)[:8]} 恢复）")


def _restore(args) -> None:
    with open_ledger(args) as ledger, ledger.session() as session, session.begin():
        record = records.get_record(session, args.id)
        records.restore_record(session, record)
        print(f"已恢复：{record.title}")


def _list(args) -> None:
    spec = kind_spec(args.kind)
    with open_ledger(args) as ledger, ledger.session() as session:
        found = records.list_records(
            session, args.kind, year=args.year, pairing=args.pairing, text=args.search, deleted=args.deleted
        )
        if args.json:
            print_json([records.record_json(record) for record in found])
            return
        date_field = spec.field(spec.date_field)
        rows = [
            (
                str(record.id)[:8],
                date_field.values.display(getattr(record, spec.date_field)),
                record.title,
                record.record_status,
            )
            for record in found
        ]
        print_table(("编号", date_field.label, "事项", "状态"), rows)
        print(f"共 {len(found)} 条{spec.label}记录")


def _show(args) -> None:
    with open_ledger(args) as ledger, ledger.session() as session:
        record = records.get_record(session, args.id)
        spec = KINDS[record.kind]
        attachments = live_attachments(record)
        if args.json:
            print_json(
                {
                    **records.record_json(record),
                    "created_at": record.created_at.isoformat(),
                    "created_by": record.created_by,
                    "updated_at": record.updated_at.isoformat(),
                    "updated_by": record.updated_by,
                    "deleted": record.deleted,
                    "attachments": [attachment_json(attachment) for attachment in attachments],
                }
            )
            return
        print(f"{spec.label}  {record.id}" + ("  （在回收站中）" if record.deleted else ""))
        values = records.record_values(record)
        width = max(display_width(field.label) for field in spec.fields)
        for field in spec.fields:
            label = field.label + " " * (width - display_width(field.label))
            # A tie's activities and other texts of several lines stay in the value's column.
            shown = field.values.display(values[field.name]).replace("\n", "\n" + " " * (width + 4))
            print(f"  {label}  {shown}")
        print(f"  最后修改：{record.updated_by} {record.updated_at.astimezone():%Y-%m-%d %H:%M}")
        if attachments:
            print(f"佐证材料（{len(attachments)}）：")
            for attachment in attachments:
                caption = f"  {attachment.caption}" if attachment.caption else ""
                print(f"  {str(attachment.id)[:8]}  [{attachment.role}] {attachment.original_name}{caption}")


def _attach(args) -> None:
    with open_ledger(args) as ledger, ledger.session() as session:
        try:
            with session.begin():
                record = records.get_record(session, args.id)
                # Without --role each file's type is guessed from its name and the record's kind.
                roles = [args.role or guess_role(path, record.kind) for path in args.files]
                captions = [args.caption] * len(args.files)
                added = attach(session, ledger.evidence_dir, record, args.files, roles=roles, captions=captions)
        except BaseException:
            with ledger.session() as cleanup:
                discard_unreferenced(cleanup, ledger.evidence_dir)
            raise
        for attachment in added:
            print(f"{attachment.id}  {attachment.original_name}")
            if attachment.warning:
                print(f"注意：{attachment.original_name}：{attachment.warning}", file=sys.stderr)


def _detach(args) -> None:
    with open_ledger(args) as ledger, ledger.session() as session, session.begin():
        attachment = _attachment(session, args.id)
        detach(session, attachment)
        print(f"已移除：{attachment.original_name}")


def _attachment(session, key: str) -> Attachment:
    attachment = records.by_id(session, Attachment, key)
    if attachment is None:
        raise NotFound(f"没有编号为 {key} 的佐证材料")
    return attachment


def _check(args) -> int:
    from ledger.check import check_ledger

    with open_ledger(args) as ledger:
        problems = check_ledger(ledger)
    for problem in problems:
        print(problem)
    if problems:
        print(f"发现 {len(problems)} 个问题。", file=sys.stderr)
        return 1
    print("检查通过：数据库、记录和佐证材料均完好。")
    return 0


def _history(args) -> None:
    if args.search is not None:
        with open_ledger(args) as ledger, ledger.session() as session:
            lines = read_log(session, args.search.split(), limit=args.limit)
        rows = [
            [line.at.astimezone().strftime("%Y-%m-%d %H:%M"), line.author, line.action, line.what, line.summary]
            for line in lines
        ]
        print_table(["时间", "修改人", "操作", "对象", "内容"], rows)
        return
    with open_ledger(args) as ledger, ledger.session() as session:
        target = records.get_record(session, args.id).id if args.id else None
        for entry in audit_entries.history(session, target, limit=args.limit):
            when = entry.at.astimezone().strftime("%Y-%m-%d %H:%M:%S")
            print(
                f"{when}  {entry.author}  {entry.action:<8} {entry.target} {str(entry.target_id)[:8]}  {entry.changes}"
            )


def _pairing(args) -> None:
    with open_ledger(args) as ledger, ledger.session() as session:
        if args.action == "add":
            if len(args.names) != 2:
                raise InvalidInput(
                    [Problem("pairing", "结对关系", "", "请写出东部和西部，如：ledger pairing add 鹤山市 龙州县")]
                )
            with session.begin():
                pairing = records.add_pairing(session, *args.names)
            print(f"结对关系：{pairing.name}")
            return
        if args.action == "counties":
            if not args.names:
                raise InvalidInput(
                    [Problem("pairing", "结对关系", "", "请写出结对关系和受援县，如：广州市—黔南州 都匀市、福泉市")]
                )
            with session.begin():
                pairing = records.find_pairing(session, args.names[0])
                if pairing is None:
                    raise NotFound(f"没有结对关系“{args.names[0]}”")
                counties = records.set_pairing_counties(session, pairing, "、".join(args.names[1:]))
            print(f"{pairing.name}的受援县：{'、'.join(counties) or '（无，只有一个县）'}")
            return
        for pairing in session.scalars(select(Pairing).order_by(Pairing.name)):
            counties = records.pairing_counties(pairing)
            print(f"{pairing.name}（受援县：{'、'.join(counties)}）" if counties else pairing.name)


def _units(args) -> None:
    with open_ledger(args) as ledger, ledger.session() as session:
        for name in session.scalars(select(Unit.name).order_by(Unit.name)):
            print(name)


def _config(args) -> None:
    with open_ledger(args) as ledger, ledger.session() as session:
        if args.key and args.value is not None:
            with session.begin():
                write_settings(session, {args.key: args.value})
            value = stored_settings(session, [args.key]).get(args.key, "")
            print(f"已设置 {SETTINGS[args.key].label}：{value}")
            if args.key == "pdf_font":
                fonts = find_fonts(value)
                for warning in fonts.warnings:
                    print(f"注意：{warning}")
                print(f"佐证材料将使用字体：{fonts.main.name}")
            return
        stored = stored_settings(session, SETTINGS)
        for key, spec in SETTINGS.items():
            if args.key in (None, key):
                print(f"{key}  {spec.label}：{stored.get(key, '（未设置）')}")


if __name__ == "__main__":
    sys.exit(main())
