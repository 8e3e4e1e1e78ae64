"""`ledger person`: the directory of people that cadre and dispatch records name (`ledger.persons`)."""

from __future__ import annotations

import argparse

from ledger.cli.support import Command, command_adder, open_ledger, print_json, print_table
from ledger.persons import directory, years_text


def register(command: Command, common: argparse.ArgumentParser) -> None:
    person = command("person", None, "人员名录：干部挂职和专业技术人才记录中的人员，同一身份证号为同一人")
    action = command_adder(person.add_subparsers(title="操作", metavar="ACTION", required=True), common)

    sub = action("list", _list, "列出人员：性别、身份证号、电话、派出单位、记录数和年度")
    sub.add_argument("--json", action="store_true")
    sub.add_argument("--no-mask-personal", dest="mask", action="store_false", help="身份证号、电话完整列出（默认打码）")


def _list(args) -> None:
    with open_ledger(args) as ledger, ledger.session() as session:
        entries = directory(session)
        if args.json:
            print_json([entry.json(mask=args.mask) for entry in entries])
            return
        rows = [
            [
                entry.person.name,
                entry.person.gender,
                entry.shown("id_number", mask=args.mask) or "（身份未核）",
                entry.shown("phone", mask=args.mask),
                entry.person.unit,
                str(entry.records),
                years_text(entry.years),
            ]
            for entry in entries
        ]
        print_table(["姓名", "性别", "身份证号", "联系电话", "派出单位", "记录数", "年度"], rows)
        print(f"共 {len(entries)} 人")
