"""The `ledger plan`, `measures`, `framework` and `progress` commands: annual plans, their targets, the
assessment frameworks, and how far the plans are met."""

from __future__ import annotations

import argparse
import json
from datetime import date
from pathlib import Path

from ledger import records
from ledger.assessment import frameworks
from ledger.cli.support import Command, assignments, command_adder, open_ledger, print_json, print_table, warn
from ledger.errors import InvalidInput
from ledger.fields import Problem
from ledger.plans import store as plans
from ledger.plans.measures import MEASURES
from ledger.plans.plan_json import plan_json, target_label
from ledger.plans.progress import STATES, plan_progress, progress_json
from ledger.plans.target_years import BASES
from ledger.storage.outputs import refuse_inside_ledger, replacing, write_synced
from ledger.values import parse_date


def register(command: Command, common: argparse.ArgumentParser) -> None:
    plan = command("plan", None, "年度计划：导入任务清单、查看、修改指标、关联记录")
    action = command_adder(plan.add_subparsers(title="操作", metavar="ACTION", required=True), common)

    sub = action("import", _import, "从 Excel（.xlsx）或 Word（.docx）任务清单导入年度计划")
    sub.add_argument("file", metavar="FILE", type=Path)
    sub.add_argument("--pairing", help="结对关系（台账只有一个时可省略）")
    sub.add_argument("--year", type=int, required=True)
    sub.add_argument("--title", help="计划标题（默认取表格标题行）")
    sub.add_argument("--doc-no", help="文号")
    sub.add_argument("--dry-run", action="store_true", help="只显示读到的内容，不写入")

    sub = action("list", _list, "列出年度计划")
    sub.add_argument("--pairing")
    sub.add_argument("--year", type=int)
    sub.add_argument("--json", action="store_true")

    sub = action("show", _show, "显示一个计划的全部任务和指标")
    sub.add_argument("id", metavar="PLAN_ID")
    sub.add_argument("--json", action="store_true")

    sub = action("delete", _delete, "删除一个计划（可重新导入）")
    sub.add_argument("id", metavar="PLAN_ID")

    sub = action("set-target", _set_target, "设置或清除一项任务的量化指标")
    sub.add_argument("task", metavar="TASK_ID")
    sub.add_argument("--measure", choices=list(MEASURES), help="指标，见 ledger measures")
    sub.add_argument("--min", dest="minimum", metavar="N", help="目标值（不少于）；与上年比较时可为 0")
    sub.add_argument(
        "--basis",
        choices=["上年", "增长"],
        default="",
        help="与上年比较：上年＝不低于上年，增长＝高于上年（按本台账上一年度的同一指标）",
    )
    sub.add_argument(
        "--where",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="指标条件，可重复，如 meeting_type=党政联席会议",
    )
    sub.add_argument("--clear", action="store_true", help="清除该任务的指标（给了 --measure 时只清除这一种）")

    for name, run, help in (
        ("link", _link, "把记录关联到任务：此后该任务只按关联的记录计算"),
        ("unlink", _unlink, "取消记录与任务的关联"),
    ):
        sub = action(name, run, help)
        sub.add_argument("task", metavar="TASK_ID")
        sub.add_argument("records", metavar="RECORD_ID", nargs="+")

    sub = command("measures", _measures, "列出可用的量化指标及其条件")
    sub.add_argument("--json", action="store_true")

    framework = command("framework", None, "考核指标体系：佐证材料、汇总表和缺项按它分章；可导入本组自己的")
    action = command_adder(framework.add_subparsers(title="操作", metavar="ACTION", required=True), common)
    sub = action("list", _framework_list, "列出可用的考核指标体系：随程序提供的和台账中保存的")
    sub.add_argument("--json", action="store_true")
    sub = action("show", _framework_show, "显示一个考核指标体系的各小节、收录的记录、指标和应有的佐证材料")
    sub.add_argument("name", nargs="?", help="指标体系名称，见 ledger framework list")
    sub.add_argument("--json", action="store_true", help="完整的体系（叠加文件已叠加到它的基础体系上）")
    sub = action("import", _framework_import, "检查本组的考核指标体系文件（完整的或叠加文件）并保存到台账")
    sub.add_argument("file", metavar="FILE", type=Path)
    sub = action("export", _framework_export, "把一个考核指标体系写成 JSON 文件，供复制修改后导入")
    sub.add_argument("name", help="指标体系名称，见 ledger framework list")
    sub.add_argument("file", metavar="FILE", type=Path)
    sub.add_argument("--full", action="store_true", help="叠加文件也写成完整的体系")
    sub = action("remove", _framework_remove, "删除台账中保存的考核指标体系（同名的随程序提供的体系重新适用）")
    sub.add_argument("name")

    sub = command("progress", _progress, "计算年度计划的完成进度")
    sub.add_argument("--pairing")
    sub.add_argument("--year", type=int)
    sub.add_argument("--as-of", metavar="DATE", help="按哪一天判断是否逾期（默认今天）")
    sub.add_argument("--json", action="store_true")


def _import(args) -> None:
    with open_ledger(args) as ledger, ledger.session() as session, session.begin():
        reading = plans.import_plan(
            session,
            args.file,
            pairing=args.pairing,
            year=args.year,
            title=args.title,
            doc_no=args.doc_no,
            dry_run=args.dry_run,
        )
        targets = sum(len(task.targets) for task in reading.tasks)
        print(f"计划：{reading.title}（{reading.pairing.name} {reading.year}年）")
        _print_title_scope(reading)
        print(f"工作任务 {len(reading.tasks)} 项，重点工作 {len(reading.areas)} 类：{'、'.join(reading.areas)}")
        dated = sum(1 for task in reading.tasks if task.task.deadline)
        print(f"完成时限读出 {dated} 项；量化指标 {targets} 个")
        for task_reading in reading.tasks:
            task = task_reading.task
            deadline = task.deadline.isoformat() if task.deadline else task.deadline_text or "—"
            print(f"  {task.seq or '·'} {_short(task.item, 30)}  时限：{deadline}")
            for target in task_reading.targets:
                label = MEASURES[target.measure].describe(
                    target.params, year=reading.year, compared=BASES[target.basis]
                )
                print(f"      指标：{label} ≥ {plans.number_text(target.threshold)}{target.unit}（{target.source}）")
            for words in task_reading.unmatched:
                print(f"      未识别为指标：{words}")
        for warning in reading.warnings:
            print(f"注意：{warning}")
        if args.dry_run:
            print("（试读，未写入台账）")
        else:
            print(f"已导入，计划编号 {reading.plan.id}")


def _print_title_scope(reading: plans.PlanReading) -> None:
    """The pairing and year the list's title names, and a warning where --pairing or --year says otherwise."""
    scope = reading.title_scope
    if not (scope.pairing or scope.year):
        return
    print(f"标题写的是：{' '.join(filter(None, [scope.pairing, f'{scope.year}年' if scope.year else '']))}")
    for difference in reading.differences():
        print(f"注意：{difference}，请核对 --pairing 和 --year")
    if scope.pairing and not scope.known:
        command = "ledger pairing add {} {}".format(*scope.places) if scope.complete else "ledger pairing add 东部 西部"
        hint = "" if scope.complete else "（地名写全称，如 鹤山市 龙州县）"
        print(f"注意：台账里还没有结对关系“{scope.pairing}”，可先用 {command} 登记{hint}")


def _short(text: str, length: int) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= length else flat[: length - 1] + "…"


def _list(args) -> None:
    with open_ledger(args) as ledger, ledger.session() as session:
        found = plans.list_plans(session, pairing=args.pairing, year=args.year)
        if args.json:
            print_json([plan_json(plan, tasks=False) for plan in found])
            return
        rows = [
            [str(plan.id)[:8], plan.pairing.name, str(plan.year), plan.title, str(len(plan.tasks))] for plan in found
        ]
        print_table(["编号", "结对关系", "年度", "标题", "任务数"], rows)


def _show(args) -> None:
    with open_ledger(args) as ledger, ledger.session() as session:
        plan = plans.get_plan(session, args.id)
        if args.json:
            print_json(plan_json(plan))
            return
        print(f"{plan.title}（{plan.pairing.name} {plan.year}年）{plan.doc_no or ''}")
        area = None
        for task in plan.tasks:
            if task.area != area:
                area = task.area
                print(f"【{area or '未分类'}】")
            deadline = task.deadline.isoformat() if task.deadline else task.deadline_text or "—"
            print(f"  {str(task.id)[:8]}  {task.seq or '·'} {_short(task.item, 40)}  时限：{deadline}")
            for target in task.targets:
                unit = MEASURES[target.measure].unit
                print(f"      指标：{target_label(target, plan.year)} ≥ {plans.number_text(target.threshold)}{unit}")


def _delete(args) -> None:
    with open_ledger(args) as ledger, ledger.session() as session, session.begin():
        plan = plans.get_plan(session, args.id)
        title = plan.title
        plans.delete_plan(session, plan)
    print(f"已删除计划：{title}")


def _set_target(args) -> None:
    with open_ledger(args) as ledger, ledger.session() as session, session.begin():
        task = plans.get_task(session, args.task)
        if args.clear:
            count = plans.clear_targets(session, task, args.measure)
            print(f"已清除 {count} 个指标")
            return
        if not args.measure or (args.minimum is None and not args.basis):
            wanted = "请给出 --measure 和 --min（或 --basis），或用 --clear"
            raise InvalidInput([Problem("measure", "指标", "", wanted)])
        where = assignments(args.where, "--where", "条件=值")
        minimum = args.minimum if args.minimum is not None else 0
        target = plans.set_target(session, task, args.measure, where, minimum, args.basis)
        unit = MEASURES[target.measure].unit
        print(f"已设置：{target_label(target)} ≥ {plans.number_text(target.threshold)}{unit}")


def _records(session, keys: list[str]) -> list:
    return [records.get_record(session, key) for key in keys]


def _link(args) -> None:
    with open_ledger(args) as ledger, ledger.session() as session, session.begin():
        task = plans.get_task(session, args.task)
        count = plans.link_records(session, task, _records(session, args.records))
    print(f"已关联 {count} 条记录")


def _unlink(args) -> None:
    with open_ledger(args) as ledger, ledger.session() as session, session.begin():
        task = plans.get_task(session, args.task)
        count = plans.unlink_records(session, task, _records(session, args.records))
    print(f"已取消关联 {count} 条记录")


def _measures(args) -> None:
    if args.json:
        print_json(
            [
                {
                    "measure": measure.name,
                    "label": measure.label,
                    "unit": measure.unit,
                    "kind": measure.kind,
                    "counting": measure.counting,
                    "params": [
                        {"name": param.name, "label": param.label, "kind": param.kind, "choices": list(param.choices)}
                        for param in measure.params
                    ],
                }
                for measure in MEASURES.values()
            ]
        )
        return
    for measure in MEASURES.values():
        print(f"{measure.name}  {measure.label}（{measure.unit}）{measure.help}")
        print(f"    计法：{measure.counting}")
        for param in measure.params:
            values = "：" + "、".join(param.choices) if param.choices and param.kind == "choice" else ""
            hint = {"bool": "：是/否", "days": "：天数", "months": "：月数", "text": "：文字"}.get(param.kind, values)
            print(f"    {param.name}  {param.label}{hint}")


def _framework_list(args) -> None:
    with open_ledger(args) as ledger, ledger.session() as session:
        problems: list[str] = []
        found = frameworks.available(session, problems)
    if args.json:
        print_json(
            [
                {"name": f.name, "title": f.title, "years": list(f.years), "base": f.base, "stored": f.stored}
                for f in found
            ]
        )
        return
    rows = [[f.name, f.title, f.years_text, f.base or "—", "台账中保存" if f.stored else "随程序提供"] for f in found]
    print_table(["名称", "标题", "适用年度", "基础体系", "来源"], rows)
    for problem in problems:
        warn(f"以下考核指标体系无法使用：\n{problem}")


def _framework_show(args) -> None:
    if not args.name:
        raise InvalidInput([Problem("name", "指标体系", "", "请写出名称，见 ledger framework list")])
    with open_ledger(args) as ledger, ledger.session() as session:
        framework = frameworks.load(args.name, session)
    if args.json:
        print_json(frameworks.framework_json(framework))
    else:
        print("\n".join(frameworks.framework_lines(framework)))


def _framework_import(args) -> None:
    with open_ledger(args) as ledger, ledger.session() as session, session.begin():
        framework, done = frameworks.import_framework(session, args.file)
    said = {
        "new": "已保存到台账",
        "shipped": "已保存到台账，本台账此后用它代替随程序提供的同名体系",
        "replaced": "已保存到台账，替换了台账中原有的同名体系",
        "same": "台账中已保存了内容相同的这个体系，未作修改",
    }[done]
    base = f"，在 {framework.base} 的基础上增改" if framework.base else ""
    print(f"考核指标体系“{framework.title}”（{framework.name}，{framework.years_text}{base}）{said}。")


def _framework_export(args) -> None:
    with open_ledger(args) as ledger, ledger.session() as session:
        framework = frameworks.load(args.name, session)
        refuse_inside_ledger(args.file, ledger.path, "考核指标体系文件")
        data = frameworks.framework_json(framework) if args.full else framework.source
        text = json.dumps(data, ensure_ascii=False, indent=2) + "\n"
        with replacing(args.file, ledger.cache_dir) as (handle, _):
            write_synced(handle, lambda stream: stream.write(text.encode("utf-8")))
    print(f"已写出：{args.file}（{framework.title}）。修改后可用 ledger framework import 导入。")


def _framework_remove(args) -> None:
    with open_ledger(args) as ledger, ledger.session() as session, session.begin():
        frameworks.remove_framework(session, args.name)
    print(f"已从台账中删除考核指标体系 {args.name}。")


def _progress(args) -> None:
    as_of = parse_date(args.as_of) if args.as_of else date.today()
    with open_ledger(args) as ledger, ledger.session() as session:
        found = plans.list_plans(session, pairing=args.pairing, year=args.year)
        results = [(plan, plan_progress(session, plan, as_of)) for plan in found]
        if args.json:
            print_json([progress_json(task) for _, tasks in results for task in tasks])
            return
        if not results:
            print("没有年度计划。可用 ledger plan import 导入任务清单。")
        for plan, tasks in results:
            counts = {state: sum(1 for task in tasks if task.state == state) for state in STATES}
            summary = "，".join(f"{label} {counts[state]}" for state, label in STATES.items() if counts[state])
            print(f"{plan.title}（{plan.pairing.name} {plan.year}年，截至 {as_of.isoformat()}）：{summary}")
            rows = []
            for task in tasks:
                if not task.targets:
                    rows.append([task.task.seq, _short(task.task.item, 24), "—", "", STATES[task.state]])
                for number, measured in enumerate(task.targets):
                    unit = MEASURES[measured.target.measure].unit
                    done = f"{plans.number_text(measured.actual)}/{plans.number_text(measured.required)}{unit}"
                    if measured.pending:
                        done += f"（草稿另有{plans.number_text(measured.pending)}）"
                    rows.append(
                        [
                            task.task.seq if number == 0 else "",
                            _short(task.task.item, 24) if number == 0 else "",
                            target_label(measured.target, plan.year),
                            done,
                            STATES[task.state] if number == 0 else "",
                        ]
                    )
            print_table(["序号", "事项", "指标", "完成/目标", "状态"], rows)
