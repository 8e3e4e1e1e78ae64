"""The two sheets of the exported workbook beside the records: 指标完成情况, the progress of each annual plan's
tasks against their targets as of a day, and 佐证材料, a list of every evidence file with its record. Both are
for reading and printing; the import leaves them alone.
"""

from __future__ import annotations

from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from sqlalchemy import func, select

from ledger.excel.export_scope import Scope, chinese_date
from ledger.excel.export_style import (
    BODY_FONT,
    BORDER,
    CENTER,
    HEADER_FONT,
    HEADER_ROW,
    ID_FONT,
    RIGHT,
    TOTAL_FILL,
    Column,
    append_row,
    column_cell,
    new_sheet,
    put,
    row_height,
    text_cell,
    write_heading,
)
from ledger.excel.sheets import EVIDENCE_SHEET, ID_HEADER, PROGRESS_SHEET, SHEET_NAMES
from ledger.field_types import DATE_FORMAT
from ledger.kinds import KINDS, MODELS
from ledger.models import Attachment, Plan, Record
from ledger.plans.measures import MEASURES
from ledger.plans.plan_json import target_label
from ledger.plans.progress import STATES, plan_progress
from ledger.plans.store import list_plans

_STATE_FONTS = {
    "done": Font(name="宋体", size=10, color="00703C"),
    "overdue": Font(name="宋体", size=10, bold=True, color="C00000"),
}


# 指标完成情况 ----------------------------------------------------------------------------------

_PROGRESS_COLUMNS = [
    Column("序号", 6, alignment=CENTER),
    Column("重点工作", 12),
    Column("具体事项", 40),
    Column("完成时限", 12, DATE_FORMAT, CENTER),
    Column("量化指标", 36),
    Column("目标", 9, "0.##", RIGHT),
    Column("完成", 9, "0.##", RIGHT),
    Column("单位", 6, alignment=CENTER),
    Column("完成率", 9, "0%", RIGHT),
    Column("状态", 10, alignment=CENTER),
]


def progress_sheet(workbook: Workbook, scope: Scope) -> int:
    plans: list[Plan] = list_plans(scope.session, pairing=scope.pairing, year=scope.year)
    columns = [*_PROGRESS_COLUMNS, Column(ID_HEADER, 38, "@", font=ID_FONT)]
    sheet = new_sheet(workbook, PROGRESS_SHEET, columns)
    as_of = f"截至{chinese_date(scope.as_of)}"
    write_heading(sheet, columns, scope.title(PROGRESS_SHEET), scope.note(f"{as_of}，共 {len(plans)} 个年度计划"))
    written = HEADER_ROW
    if not plans:
        sheet.append([text_cell(sheet, "台账里还没有年度计划。可用“ledger plan import”导入任务清单。")])
        written += 1
    cells = [column_cell(sheet, column) for column in columns]
    tasks = 0
    for plan in plans:
        heading = text_cell(sheet, f"{plan.title}（{plan.pairing.name} {plan.year}年）")
        heading.font, heading.fill, heading.border = HEADER_FONT, TOTAL_FILL, BORDER
        sheet.append([heading])
        written += 1
        sheet.merged_cells.add(f"A{written}:{get_column_letter(len(columns) - 1)}{written}")
        for task in plan_progress(scope.session, plan, scope.as_of):
            tasks += 1
            # One row per target; the task's own cells only on its first row.
            measured_rows = [
                [
                    target_label(m.target),
                    m.required,
                    m.actual,
                    MEASURES[m.target.measure].unit,
                    m.ratio,
                ]
                for m in task.targets
            ] or [["—", None, None, None, None]]
            own = [task.task.seq, task.task.area, task.task.item, task.task.deadline or task.task.deadline_text]
            for number, measured in enumerate(measured_rows):
                first = number == 0
                row = [
                    *(own if first else [None] * len(own)),
                    *measured,
                    STATES[task.state] if first else None,
                    str(task.task.id),
                ]
                for cell, value in zip(cells, row, strict=True):
                    put(cell, value)
                cells[9].font = _STATE_FONTS.get(task.state, BODY_FONT)
                written += 1
                append_row(sheet, written, cells, row_height(row, columns))
    sheet.print_area = f"A1:{get_column_letter(len(columns) - 1)}{written}"
    return tasks


# 佐证材料 --------------------------------------------------------------------------------------

_EVIDENCE_COLUMNS = [
    Column("序号", 6, alignment=CENTER),
    Column("台账", 16),
    Column("事项", 36),
    Column("日期", 12, DATE_FORMAT, CENTER),
    Column("材料类别", 10, alignment=CENTER),
    Column("说明", 24),
    Column("原文件名", 30),
    Column("大小（KB）", 10, "#,##0", RIGHT),
    Column("页数或尺寸", 12, alignment=CENTER),
    Column("拍摄时间", 18, "yyyy-mm-dd hh:mm", CENTER),
]


def evidence_sheet(workbook: Workbook, scope: Scope, kinds: list[str]) -> int:
    columns = [*_EVIDENCE_COLUMNS, Column(ID_HEADER, 38, "@", font=ID_FONT)]
    count = 0
    per_kind = []
    for kind in kinds:
        ids = scope.query(kind).with_only_columns(MODELS[kind].id)
        query = (
            select(Attachment)
            .join(Record, Attachment.record_id == Record.id)
            .where(Attachment.record_id.in_(ids), Attachment.deleted_at.is_(None))
            .order_by(Record.year, Record.date, Record.start_date, Record.created_at, Record.id, Attachment.position)
        )
        per_kind.append((kind, query))
        count += scope.session.scalar(select(func.count()).select_from(query.subquery()))
    sheet = new_sheet(workbook, EVIDENCE_SHEET, columns)
    write_heading(sheet, columns, scope.title("佐证材料目录"), scope.note(f"共 {count} 个文件"))
    cells = [column_cell(sheet, column) for column in columns]
    number = 0
    for kind, query in per_kind:
        spec = KINDS[kind]
        for attachment in scope.session.scalars(query.execution_options(yield_per=1000)):
            number += 1
            record, stored = attachment.record, attachment.file
            extent = (
                f"{stored.page_count}页"
                if stored.page_count
                else f"{stored.width}×{stored.height}"
                if stored.width and stored.height
                else None
            )
            row = [
                number,
                SHEET_NAMES[kind],
                record.title,
                getattr(record, spec.date_field),
                attachment.role,
                attachment.caption,
                attachment.original_name,
                max(1, round(stored.size / 1024)),
                extent,
                stored.taken_at,
                str(record.id),
            ]
            for cell, value in zip(cells, row, strict=True):
                put(cell, value)
            append_row(sheet, HEADER_ROW + number, cells, row_height(row, columns))
    end = HEADER_ROW + number
    sheet.auto_filter.ref = f"A{HEADER_ROW}:{get_column_letter(len(columns))}{max(end, HEADER_ROW + 1)}"
    sheet.print_area = f"A1:{get_column_letter(len(columns) - 1)}{end}"
    return number
