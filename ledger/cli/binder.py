"""`ledger binder`: the evidence binder (佐证材料) of a year as one PDF."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ledger.assessment import frameworks
from ledger.assessment.gaps import find_gaps, scope, unverified_persons
from ledger.cli.support import Command, open_ledger, print_json, print_table
from ledger.jobs import Job
from ledger.kinds import KINDS
from ledger.pdf.binder import BinderOptions, build_binder
from ledger.pdf.labels import SPINE_WIDTHS, LabelOptions, labels_for_binder
from ledger.settings import AUTHOR, MASK_PERSONAL, read_setting
from ledger.values import parse_date


def register(command: Command) -> None:
    sub = command("binder", _binder, "编制佐证材料 PDF：封面、目录、指标完成情况、按考核指标体系排列的记录和材料")
    sub.add_argument("file", metavar="OUT.pdf", type=Path)
    _layout_options(sub)
    mask = sub.add_mutually_exclusive_group()
    mask.add_argument(
        "--mask-personal", dest="mask", action="store_true", default=None, help="身份证号、电话打码（默认，见 config）"
    )
    mask.add_argument("--no-mask-personal", dest="mask", action="store_false", help="身份证号、电话完整印出")
    sub.add_argument("--dpi", type=int, default=150, help="照片的打印分辨率（默认 150）")
    sub.add_argument("--duplex", action="store_true", help="双面打印：装订边左右交替")
    sub.add_argument("--as-of", metavar="DATE", help="指标完成情况按哪一天判断是否逾期（默认今天）")

    sub = command("labels", _labels, "档案盒盒脊、封面和备考表（DA/T 22-2015），每个考核指标大项一盒")
    sub.add_argument("file", metavar="OUT.pdf", type=Path)
    _layout_options(sub)
    sub.add_argument("--retention", default="30年", help="保管期限：永久、30年、10年（默认 30年）")
    sub.add_argument("--fonds", default="", metavar="全宗号", help="全宗号（默认空，留待手填）")
    sub.add_argument("--spine", type=int, choices=SPINE_WIDTHS, default=40, help="盒脊厚度，毫米（默认 40）")
    sub.add_argument("--compiled-by", metavar="姓名", help="整理人（默认台账设置的修改人）")
    sub.add_argument("--checked-by", metavar="姓名", default="", help="检查人（默认空，留待手填）")

    sub = command("gaps", _gaps, "列出缺少考核要求的佐证材料的记录，以及没有身份证号的人员（身份未核）")
    sub.add_argument("--pairing", help="结对关系（台账只有一个时可省略）")
    sub.add_argument("--year", type=int, help="年度（默认取有记录的最近一年）")
    sub.add_argument("--framework", help="考核指标体系名称（默认按年度选择）")
    sub.add_argument("--json", action="store_true")


def _layout_options(sub: argparse.ArgumentParser) -> None:
    """What decides where the binder's pages fall, shared by the binder and its box labels."""
    sub.add_argument("--pairing", help="结对关系（台账只有一个时可省略）")
    sub.add_argument("--year", type=int, help="年度（默认取有记录的最近一年）")
    sub.add_argument("--framework", help="考核指标体系名称（默认按年度选择），见 ledger framework list")
    sub.add_argument("--sections", nargs="+", metavar="编号", default=[], help="只编这些小节，如 一 2.1")
    sub.add_argument("--no-evidence", dest="evidence", action="store_false", help="只要登记表，不附照片和扫描件")
    sub.add_argument("--no-gaps", dest="gaps", action="store_false", help="不在开头列出缺少佐证材料的记录")
    sub.add_argument(
        "--volume-pages", type=int, metavar="N", help="分册：每册正文约 N 页，在小节之间分开，每册有封面和目录"
    )
    sub.add_argument("--font", help="正文字体文件或字体名（默认取台账设置或本机的宋体等中文字体）")


def _options(args, **more) -> BinderOptions:
    return BinderOptions(
        pairing=args.pairing,
        year=args.year,
        framework=args.framework,
        sections=args.sections,
        evidence=args.evidence,
        gaps=args.gaps,
        font=args.font,
        volume_pages=args.volume_pages,
        **more,
    )


def _binder(args) -> None:
    with open_ledger(args) as ledger, ledger.session() as session:
        options = _options(
            args,
            mask_personal=args.mask if args.mask is not None else read_setting(session, MASK_PERSONAL),
            dpi=args.dpi,
            duplex=args.duplex,
            as_of=parse_date(args.as_of) if args.as_of else None,
        )
        result = build_binder(ledger, session, args.file, options, job=_job())
    if len(result.volumes) > 1:
        print(f"\r已编制 {len(result.volumes)} 册（{result.records} 件记录，共 {result.pages} 页）：")
        for path in result.volumes:
            print(f"  {path}")
    else:
        print(f"\r已编制：{result.path}（{result.records} 件记录，共 {result.pages} 页）")
    for warning in result.warnings:
        print(f"注意：{warning}")
    if result.problems:
        print(f"以下 {len(result.problems)} 个材料未能附入，已在其位置注明：")
        for problem in result.problems:
            print(f"  {problem}")


def _labels(args) -> None:
    with open_ledger(args) as ledger, ledger.session() as session:
        options = LabelOptions(
            fonds=args.fonds,
            retention=args.retention,
            spine_mm=args.spine,
            compiled_by=args.compiled_by if args.compiled_by is not None else read_setting(session, AUTHOR),
            checked_by=args.checked_by,
        )
        boxes, pages = labels_for_binder(ledger, session, args.file, _options(args), options, job=_job())
    print(f"\r已生成：{args.file}（{len(boxes)} 盒，共 {pages} 页；页数按同样选项编制的佐证材料计算）")
    rows = [[str(b.number), b.heading, f"{b.first_item}—{b.last_item}", str(b.items), str(b.pages)] for b in boxes]
    print_table(["盒号", "内容", "起止件号", "件数", "页数"], rows)


def _gaps(args) -> None:
    with open_ledger(args) as ledger, ledger.session() as session:
        pairing, year = scope(session, args.pairing, args.year)
        framework = frameworks.load(args.framework, session) if args.framework else frameworks.for_year(year, session)
        gaps = find_gaps(session, framework, pairing, year)
        people = unverified_persons(session, pairing, year)
        if args.json:
            print_json([gap.json() for gap in gaps] + [person.json() for person in people])
            return
        if not gaps:
            print(f"{pairing.name} {year}年的记录都有{framework.title}要求的佐证材料。")
        else:
            print(f"{pairing.name} {year}年有 {len(gaps)} 件记录缺少佐证材料（按{framework.title}）：")
            rows = [
                [str(gap.record.id)[:8], KINDS[gap.record.kind].label, gap.record.title, "、".join(gap.missing)]
                for gap in gaps
            ]
            print_table(["编号", "台账", "事项", "缺少"], rows)
        if people:
            print(f"身份未核：{len(people)} 人没有身份证号，只凭姓名和单位区分，请在其记录中补全：")
            rows = [
                [
                    person.person.name,
                    person.person.unit,
                    "；".join(f"{str(record.id)[:8]} {record.title}" for record in person.records),
                ]
                for person in people
            ]
            print_table(["姓名", "派出单位", "记录"], rows)


def _job() -> Job:
    """Progress on one line of the terminal, only when someone is watching it."""
    if not sys.stderr.isatty():
        return Job()

    def show(fraction: float, message: str) -> None:
        print(f"\r{fraction:4.0%} {message}".ljust(60), end="", file=sys.stderr, flush=True)

    return Job(show)
