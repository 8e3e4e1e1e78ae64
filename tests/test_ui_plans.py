"""The 年度计划 view driven as a user would: a task list previewed then imported, a target corrected and cleared
through its dialog, records linked to a task and unlinked, a plan deleted; the ledger is checked through
`ledger.plans.store` (and `ledger.plans.progress`) after each step."""

from __future__ import annotations

import re
import shutil
from datetime import date
from decimal import Decimal

import openpyxl
import pytest
from plan_samples import HESHAN_LONGZHOU_2020, ZHANJIANG_LIUZHOU_2020, retitled, write_xlsx
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QTreeWidget
from samples import VALID

from ledger import audit_entries, records
from ledger.kinds import KINDS
from ledger.plans import store as plans
from ledger.plans.plan_json import plan_json, target_label, target_params
from ledger.plans.progress import task_progress
from ledger.plans.reading import read_task_list
from ledger.storage.folder import Ledger
from ui.context import LedgerContext
from ui.plans.import_preview import PlanImportPreview
from ui.plans.links_dialog import TaskLinksDialog
from ui.plans.target_dialog import TargetDialog
from ui.plans.view import PlanView

PAIRING = "鹤山市—龙州县"


class Asked:
    """What the view would have shown in message boxes, and the answer its confirmations get."""

    def __init__(self, view: PlanView):
        self.warnings: list[str] = []
        self.confirmations: list[str] = []
        self.answer = True
        view._warn = lambda title, text: self.warnings.append(text)
        view._confirm = lambda title, text, detail: self.confirmations.append(text) or self.answer


def _view(context: LedgerContext, qtbot, scope: tuple[str | None, int | None] | None = None) -> PlanView:
    """The view, on `scope` (pairing, year) when given: chosen first, as a user would."""
    if scope is not None:
        context.set_scope(*scope)
    view = PlanView(context)
    # As the main window does: every view reloads when the ledger or the scope changes.
    context.changed.connect(view.reload)
    context.scope_changed.connect(view.reload)
    qtbot.addWidget(view)
    view.resize(1200, 680)
    view.show()
    return view


@pytest.fixture
def demo_context(demo_build, tmp_path):
    path = tmp_path / "demo"
    shutil.copytree(demo_build[0], path)
    ledger = Ledger.open(path, author="测试员")
    yield LedgerContext(ledger)
    ledger.close()


@pytest.fixture
def context(ledger):
    return LedgerContext(ledger)


@pytest.fixture
def changes(context) -> list[int]:
    emitted: list[int] = []
    context.changed.connect(lambda: emitted.append(1))
    return emitted


@pytest.fixture
def task_list(tmp_path):
    return write_xlsx(HESHAN_LONGZHOU_2020, tmp_path / "工作要点清单.xlsx")


def _plans(context: LedgerContext) -> list[tuple[str, int, int]]:
    """Each plan's title, tasks and targets, as the ledger holds them."""
    with context.session() as session:
        return [
            (plan.title, len(plan.tasks), sum(len(task.targets) for task in plan.tasks))
            for plan in plans.list_plans(session)
        ]


def _targets(context: LedgerContext, task_id) -> list[tuple[str, dict, Decimal]]:
    with context.session() as session:
        task = plans.get_task(session, str(task_id))
        return [(t.measure, target_params(t), t.threshold) for t in task.targets]


def _items(box) -> list[str]:
    """A combo box's choices, as listed."""
    return [box.itemText(i) for i in range(box.count())]


def _plain(text: str) -> str:
    return re.sub(r"<[^>]+>", "", text)


def _row(view: PlanView, seq: str) -> int:
    (row,) = [row for row, task in enumerate(view.task_rows) if task.seq == seq]
    return row


def test_the_demo_plan_shows_every_task_with_its_targets(demo_context, qtbot):
    view = _view(demo_context, qtbot)
    with demo_context.session() as session:
        (plan,) = plans.list_plans(session, pairing=PAIRING, year=2020)
        tasks = [(task.seq, task.item, [target_label(t) for t in task.targets]) for task in plan.tasks]
        plan_id = plan.id

    assert view.plan_box.count() == 1 and view.current_plan_id() == plan_id
    assert view.table.rowCount() == len(tasks) > 0
    for row, (seq, item, labels) in enumerate(tasks):
        assert view.table.item(row, 0).text() == seq
        assert view.table.item(row, 2).text() == item
        shown = view.table.item(row, 6).text()
        assert all(label in shown for label in labels) and (labels or shown == "—")
    assert f"工作任务 {len(tasks)} 项" in view.facts.text()
    assert view.current_task_id() is not None and view.target_button.isEnabled()


def test_a_task_list_is_previewed_written_only_on_confirm_and_then_shown(
    context, changes, task_list, qtbot, monkeypatch
):
    view = _view(context, qtbot)
    Asked(view)
    assert view.plan_box.count() == 0 and view.hint.isVisibleTo(view)
    expected = read_task_list(task_list, 2020).tasks
    seen = {}

    def confirm_in_preview(preview: PlanImportPreview) -> int:
        # The preview lists every task read, with its proposed targets ticked; nothing is written yet.
        assert preview.tree.topLevelItemCount() == len(expected)
        assert [preview.tree.topLevelItem(i).text(0) for i in range(len(expected))] == [t.seq for t in expected]
        assert preview.tree.topLevelItem(1).text(1) == "组织领导"
        targets = preview.target_items()
        assert len(targets) == sum(len(task.targets) for task in preview.reading.tasks) > 0
        assert all(item.checkState(2) == Qt.CheckState.Checked for item in targets)
        joint_meetings = [item.text(2) for item in targets if "党政联席会议" in item.text(2)]
        assert joint_meetings and "≥ 2次" in joint_meetings[0]
        assert "第27行" in preview.warnings.toPlainText()  # 5.1 cut by a page break
        assert _plans(context) == [] and changes == []

        targets[0].setCheckState(2, Qt.CheckState.Unchecked)  # the user drops one proposal
        preview.title_edit.setText("鹤山—龙州2020年工作要点")
        seen["targets"] = len(targets)
        preview.import_button.click()
        return preview.result()

    monkeypatch.setattr(PlanImportPreview, "exec", confirm_in_preview)
    plan_id = view.import_file(task_list)

    assert plan_id is not None and changes
    assert _plans(context) == [("鹤山—龙州2020年工作要点", len(expected), seen["targets"] - 1)]
    assert view.current_plan_id() == plan_id
    assert view.table.rowCount() == len(expected)


def test_with_no_scope_chosen_the_title_chooses_pairing_and_year_without_asking(context, task_list, qtbot, monkeypatch):
    with context.session() as session, session.begin():
        records.add_pairing(session, "江海区", "大新县")
    view = _view(context, qtbot, scope=(None, None))

    def choose(preview: PlanImportPreview) -> int:
        # 「粤桂扶贫协作（鹤山-龙州）2020年 工作要点清单」
        assert (preview.pairing_box.currentText(), preview.year_box.currentText()) == (PAIRING, "2020")
        assert (preview.reading.pairing.name, preview.reading.year) == (PAIRING, 2020)
        assert _plain(preview.scope_text.text()) == "结对关系和年度按标题选定：鹤山市—龙州县 2020年。"
        assert not preview.answers.isVisibleTo(preview) and preview.import_button.isEnabled()
        preview.pairing_box.setCurrentIndex(preview.pairing_box.findData("江海区—大新县"))  # read again
        assert preview.reading.pairing.name == "江海区—大新县"
        preview.pairing_box.setCurrentIndex(preview.pairing_box.findData(PAIRING))
        preview.import_button.click()
        return preview.result()

    monkeypatch.setattr(PlanImportPreview, "exec", choose)
    plan_id = view.import_file(task_list)
    with context.session() as session:
        plan = plans.get_plan(session, str(plan_id))
        assert (plan.pairing.name, plan.year) == (PAIRING, 2020)
    assert (context.pairing, context.year) == (None, None)  # 全部 stays 全部
    assert view.current_plan_id() == plan_id and PAIRING in view.plan_box.currentText()


@pytest.fixture
def zhanjiang_list(tmp_path):
    return write_xlsx(ZHANJIANG_LIUZHOU_2020, tmp_path / "计划表.xlsx")  # 2020年湛江市—柳州市扶贫协作重点工作计划表


@pytest.mark.parametrize(
    ("answer", "wanted", "note"),
    [
        (
            "by_title",
            ("湛江市—柳州市", 2020),
            "结对关系和年度按标题选定：湛江市—柳州市 2020年；导入后窗口转到该结对关系和年度。",
        ),
        ("by_scope", ("鹤山市—龙州县", 2021), "标题写的是 湛江市—柳州市 2020年；将导入到 鹤山市—龙州县 2021年。"),
    ],
)
def test_a_title_naming_another_pairing_and_year_is_asked_about_and_imported_as_answered(
    context, zhanjiang_list, qtbot, monkeypatch, answer, wanted, note
):
    with context.session() as session, session.begin():
        records.add_pairing(session, "湛江市", "柳州市")
    view = _view(context, qtbot, scope=(PAIRING, 2021))
    seen = {}

    def answer_then_import(preview: PlanImportPreview) -> int:
        # Proposed from the title, and asked about: the window follows another pairing and year.
        assert (preview.pairing_box.currentText(), preview.year_box.currentText()) == ("湛江市—柳州市", "2020")
        assert preview.scope_note.isVisibleTo(preview) and preview.answers.isVisibleTo(preview)
        assert _plain(preview.scope_text.text()) == (
            "标题写的是 湛江市—柳州市 2020年，当前选的是 鹤山市—龙州县 2021年。按标题导入？"
        )
        assert preview.by_title_button.text() == "按标题导入：湛江市—柳州市 2020年"
        assert preview.by_scope_button.text() == "按当前选择导入：鹤山市—龙州县 2021年"
        assert not preview.import_button.isEnabled()
        preview.confirm()  # Enter, or a click that slipped through, imports nothing while the question waits
        assert preview.plan_id is None and _plans(context) == []

        getattr(preview, f"{answer}_button").click()
        assert preview.import_button.isEnabled() and not preview.answers.isVisibleTo(preview)
        seen["reading"] = (preview.reading.pairing.name, preview.reading.year)
        seen["note"] = _plain(preview.scope_text.text())
        preview.import_button.click()
        return preview.result()

    monkeypatch.setattr(PlanImportPreview, "exec", answer_then_import)
    plan_id = view.import_file(zhanjiang_list)

    assert seen["reading"] == wanted
    assert seen["note"] == note
    with context.session() as session:
        plan = plans.get_plan(session, str(plan_id))
        assert (plan.pairing.name, plan.year) == wanted
    # The window turns to where the plan went, so it is seen.
    assert (context.pairing, context.year) == wanted
    assert view.current_plan_id() == plan_id


def test_a_pairing_the_ledger_lacks_is_offered_added_with_the_plan_and_kept_on_undo(
    context, zhanjiang_list, qtbot, monkeypatch
):
    view = _view(context, qtbot, scope=(PAIRING, 2020))

    def add_and_import(preview: PlanImportPreview) -> int:
        assert _plain(preview.scope_text.text()) == (
            "标题写的是 湛江市—柳州市 2020年，台账里还没有这个结对关系（东部 湛江市，西部 柳州市），"
            "当前选的是 鹤山市—龙州县 2020年。新增这个结对关系并按标题导入？"
        )
        assert _items(preview.pairing_box) == ["鹤山市—龙州县", "湛江市—柳州市（新增）"]
        assert preview.pairing_box.currentText() == "湛江市—柳州市（新增）"
        assert preview.by_title_button.text() == "新增结对关系并按标题导入：湛江市—柳州市 2020年"
        assert context.pairings() == [PAIRING]  # reading adds nothing
        preview.by_title_button.click()
        preview.import_button.click()
        return preview.result()

    monkeypatch.setattr(PlanImportPreview, "exec", add_and_import)
    plan_id = view.import_file(zhanjiang_list)

    assert context.pairings() == ["湛江市—柳州市", PAIRING]
    assert (context.pairing, context.year) == ("湛江市—柳州市", 2020) and view.current_plan_id() == plan_id
    context.undo_stack.undo()
    assert _plans(context) == [] and context.pairings() == ["湛江市—柳州市", PAIRING]


def test_a_pairing_the_title_writes_short_is_not_offered_but_explained(
    context, task_list, tmp_path, qtbot, monkeypatch
):
    path = write_xlsx(
        retitled(HESHAN_LONGZHOU_2020, "粤桂扶贫协作（恩平-龙州）2020年工作要点清单"), tmp_path / "恩平.xlsx"
    )
    view = _view(context, qtbot, scope=(PAIRING, 2020))

    def look(preview: PlanImportPreview) -> int:
        assert _plain(preview.scope_text.text()) == (
            "标题写的是 恩平—龙州 2020年，台账里没有这个结对关系，当前选的是 鹤山市—龙州县 2020年。"
            "如果是新的结对关系，请先在“设置”中登记（地名写全称，如 鹤山市—龙州县）再导入；否则按当前选择导入。"
        )
        assert _items(preview.pairing_box) == [PAIRING]
        assert preview.by_title_button.isHidden() and not preview.by_scope_button.isHidden()
        assert preview.by_scope_button.text() == "按当前选择导入：鹤山市—龙州县 2020年"
        assert not preview.import_button.isEnabled()
        return QDialog.DialogCode.Rejected

    monkeypatch.setattr(PlanImportPreview, "exec", look)
    assert view.import_file(path) is None and _plans(context) == []


def test_a_plan_import_is_undone_and_redone_with_its_tasks_and_targets(context, task_list, qtbot, monkeypatch):
    view = _view(context, qtbot)
    monkeypatch.setattr(PlanImportPreview, "exec", lambda preview: preview.import_button.click() or preview.result())
    plan_id = view.import_file(task_list)
    with context.session() as session:
        imported = plan_json(plans.get_plan(session, str(plan_id)))
    task_id = view.task_rows[_row(view, "1.2")].id
    # A change made on the plan after it: undone first, and redone on the same task.
    context.change_targets(task_id, lambda session, task: plans.set_target(session, task, "meetings", {}, 9))
    assert context.undo_stack.undoText() == "修改指标“1.2 鹤山—龙州扶贫协作党政联席会议。”"

    context.undo_stack.undo()
    assert context.undo_stack.undoText() == "导入计划“粤桂扶贫协作（鹤山-龙州）2020年工作要点清单”"
    context.undo_stack.undo()
    assert _plans(context) == [] and view.plan_box.count() == 0 and view.hint.isVisibleTo(view)

    context.undo_stack.redo()
    with context.session() as session:
        assert plan_json(plans.get_plan(session, str(plan_id))) == imported
    assert view.current_plan_id() == plan_id and view.table.rowCount() == len(imported["tasks"])
    context.undo_stack.redo()
    assert ("meetings", {}, Decimal(9)) in _targets(context, task_id)

    with context.session() as session:
        logged = [entry.action for entry in audit_entries.history(session, plan_id)][::-1]
    assert logged == ["insert", "delete", "insert"]


def test_the_year_box_lists_years_with_plans_or_records_and_takes_a_new_one(context, task_list, qtbot, monkeypatch):
    with context.session() as session, session.begin():
        records.add_record(session, "meeting", VALID["meeting"])  # 2020
        plans.import_plan(session, task_list, pairing=PAIRING, year=2018, title="2018年工作要点")
    view = _view(context, qtbot, scope=(PAIRING, 2020))
    last = date.today().year + 1

    def new_year(preview: PlanImportPreview) -> int:
        assert _items(preview.year_box) == ["2020", "2018"]
        preview.year_box.setEditText("1999")
        assert preview.error.text() == f"年度应为 2000–{last} 之间的四位数"
        assert not preview.import_button.isEnabled()
        preview.year_box.setEditText("2023")  # typed: no plan or record has this year yet
        assert (preview.reading.year, preview.error.text()) == (2023, "")
        assert _plain(preview.scope_text.text()) == (
            "标题写的是 鹤山市—龙州县 2020年；将导入到 鹤山市—龙州县 2023年；导入后窗口转到该结对关系和年度。"
        )
        preview.import_button.click()
        return preview.result()

    monkeypatch.setattr(PlanImportPreview, "exec", new_year)
    plan_id = view.import_file(task_list)

    with context.session() as session:
        assert plans.get_plan(session, str(plan_id)).year == 2023
    assert context.years() == [2023, 2020, 2018] and context.year == 2023


def test_cancelling_the_preview_writes_nothing(context, changes, task_list, qtbot, monkeypatch):
    view = _view(context, qtbot)
    monkeypatch.setattr(PlanImportPreview, "exec", lambda preview: QDialog.DialogCode.Rejected)

    assert view.import_file(task_list) is None
    assert _plans(context) == [] and changes == []


def test_a_file_without_a_task_list_is_reported_not_raised(context, changes, tmp_path, qtbot):
    view = _view(context, qtbot)
    asked = Asked(view)
    path = tmp_path / "空表.xlsx"
    openpyxl.Workbook().save(path)

    assert view.import_file(path) is None
    assert len(asked.warnings) == 1 and "空表.xlsx" in asked.warnings[0]
    assert _plans(context) == [] and changes == []


def test_a_second_plan_of_the_same_title_is_refused_in_the_preview_until_renamed(
    demo_context, task_list, qtbot, monkeypatch
):
    view = _view(demo_context, qtbot)
    attempts = []

    def import_twice(preview: PlanImportPreview) -> int:
        preview.title_edit.setText(_plans(demo_context)[0][0])  # the demo's own plan has this title
        preview.import_button.click()
        attempts.append(preview.error.text())
        preview.title_edit.setText("第二份计划")
        preview.import_button.click()
        return preview.result()

    monkeypatch.setattr(PlanImportPreview, "exec", import_twice)
    assert view.import_file(task_list) is not None
    assert "已有同名的计划" in attempts[0]
    assert "第二份计划" in {title for title, _, _ in _plans(demo_context)}
    assert view.plan_box.count() == 2 and view.plan_box.currentText().startswith("第二份计划")


def test_a_target_is_corrected_added_refused_and_cleared_through_its_dialog(demo_context, qtbot, monkeypatch):
    view = _view(demo_context, qtbot)
    view.table.selectRow(_row(view, "1.2"))
    task_id = view.current_task_id()
    assert _targets(demo_context, task_id) == [("meetings", {"meeting_type": "党政联席会议"}, Decimal(2))]
    steps = {}

    def correct(dialog: TargetDialog) -> int:
        dialog.targets_list.setCurrentRow(0)  # loads the target into the editor
        assert dialog.measure_box.currentData() == "meetings"
        assert dialog.param_editors["meeting_type"].value() == "党政联席会议"
        dialog.minimum_edit.setText("3")
        dialog.save_button.click()
        steps["corrected"] = _targets(demo_context, task_id)

        dialog.param_editors["meeting_type"].set_value("座谈会")
        dialog.param_editors["held_in"].set_value("西部")
        dialog.minimum_edit.setText("1")
        dialog.save_button.click()
        steps["added"] = _targets(demo_context, task_id)

        dialog.minimum_edit.setText("两次")
        dialog.save_button.click()
        steps["refused"] = (dialog.status.text(), _targets(demo_context, task_id))

        dialog.measure_box.setCurrentIndex(dialog.measure_box.findData("funds"))
        assert not dialog.clear_button.isEnabled()  # the task has no 资金金额 target
        dialog.clear_all_button.click()
        steps["cleared"] = (dialog.targets_list.count(), dialog.clear_all_button.isEnabled())
        return QDialog.DialogCode.Rejected

    monkeypatch.setattr(TargetDialog, "exec", correct)
    view.edit_targets()

    assert steps["corrected"] == [("meetings", {"meeting_type": "党政联席会议"}, Decimal(3))]
    assert steps["added"][1] == ("meetings", {"meeting_type": "座谈会", "held_in": "西部"}, Decimal(1))
    status, unchanged = steps["refused"]
    assert "目标值" in status and unchanged == steps["added"]
    assert steps["cleared"] == (1, False)  # only the "(没有量化指标)" line
    assert _targets(demo_context, task_id) == []
    assert view.current_task_id() == task_id and view.table.item(_row(view, "1.2"), 6).text() == "—"

    # Each save or clear is one step back on the window's undo stack.
    stack = demo_context.undo_stack
    assert stack.undoText().startswith("修改指标“1.2")
    stack.undo()
    assert _targets(demo_context, task_id) == steps["added"]
    stack.undo()
    stack.undo()
    assert _targets(demo_context, task_id) == [("meetings", {"meeting_type": "党政联席会议"}, Decimal(2))]
    stack.redo()
    assert _targets(demo_context, task_id) == steps["corrected"]


def test_clearing_one_measure_keeps_the_others(demo_context, qtbot, monkeypatch):
    view = _view(demo_context, qtbot)
    view.table.selectRow(_row(view, "2.2"))
    task_id = view.current_task_id()

    def add_then_clear(dialog: TargetDialog) -> int:
        dialog.measure_box.setCurrentIndex(dialog.measure_box.findData("trainees"))
        dialog.minimum_edit.setText("20")
        dialog.save_button.click()
        dialog.measure_box.setCurrentIndex(dialog.measure_box.findData("dispatches"))
        dialog.clear_button.click()
        return QDialog.DialogCode.Rejected

    assert {measure for measure, _, _ in _targets(demo_context, task_id)} == {"dispatches"}
    monkeypatch.setattr(TargetDialog, "exec", add_then_clear)
    view.edit_targets()
    assert _targets(demo_context, task_id) == [("trainees", {}, Decimal(20))]


def test_a_target_set_against_last_year_is_saved_loaded_and_undone(demo_context, qtbot, monkeypatch):
    view = _view(demo_context, qtbot)
    view.table.selectRow(_row(view, "2.2"))
    task_id = view.current_task_id()
    shown = {}

    def against_last_year(dialog: TargetDialog) -> int:
        dialog.measure_box.setCurrentIndex(dialog.measure_box.findData("trainees"))
        dialog.minimum_edit.setText("")  # no number of its own: last year's figure is the threshold
        dialog.basis_box.setCurrentIndex(dialog.basis_box.findData("增长"))
        dialog.save_button.click()
        shown["status"] = dialog.status.text()
        dialog.basis_box.setCurrentIndex(0)
        dialog.targets_list.setCurrentRow(dialog.targets_list.count() - 1)  # loads it back
        shown["loaded"] = (dialog.basis_box.currentText(), dialog.minimum_edit.text())
        return QDialog.DialogCode.Rejected

    monkeypatch.setattr(TargetDialog, "exec", against_last_year)
    view.edit_targets()
    assert shown["status"] == "已保存：培训人次（高于上年） ≥ 0人次（可用 Ctrl+Z 撤销）"
    assert shown["loaded"] == ("高于上年", "0")
    with demo_context.session() as session:
        assert [t.basis for t in plans.get_task(session, str(task_id)).targets][-1] == "增长"
    demo_context.undo_stack.undo()
    with demo_context.session() as session:
        assert "增长" not in [t.basis for t in plans.get_task(session, str(task_id)).targets]


def test_a_target_with_filters_loads_into_the_editor(demo_context, qtbot):
    view = _view(demo_context, qtbot)
    view.table.selectRow(_row(view, "1.1"))
    dialog = TargetDialog(demo_context, view.current_task_id(), view)
    qtbot.addWidget(dialog)
    measure, params, threshold = _targets(demo_context, dialog.task_id)[0]

    dialog.targets_list.setCurrentRow(0)
    assert dialog.measure_box.currentData() == measure
    assert dialog.params() == params and params["main_leader_present"] is True
    assert dialog.minimum_edit.text() == plans.number_text(threshold)


def test_f2_opens_the_target_dialog(demo_context, qtbot, monkeypatch):
    view = _view(demo_context, qtbot)
    opened = []
    monkeypatch.setattr(TargetDialog, "exec", lambda dialog: opened.append(dialog.task_id) or 0)
    view.activateWindow()
    qtbot.waitUntil(view.isActiveWindow)  # shortcuts reach only the active window
    view.table.setFocus()
    qtbot.keyClick(view.table, Qt.Key.Key_F2)
    assert opened == [view.current_task_id()]


def _linked(context: LedgerContext, task_id) -> tuple[set, list[Decimal]]:
    """The records filed under the task, and each target's actual as progress computes it."""
    with context.session() as session:
        task = plans.get_task(session, str(task_id))
        actuals = [measured.actual for measured in task_progress(session, task, date(2020, 12, 31)).targets]
        return set(plans.linked_record_ids(session, task)), actuals


def _shown(tree: QTreeWidget) -> list[str]:
    """The record ids a list of the links dialog shows (its placeholder line has none)."""
    items = [tree.topLevelItem(row) for row in range(tree.topLevelItemCount())]
    return [found for item in items if (found := item.data(0, Qt.ItemDataRole.UserRole))]


def _select(tree: QTreeWidget, record_ids) -> None:
    tree.clearSelection()
    for row in range(tree.topLevelItemCount()):
        item = tree.topLevelItem(row)
        item.setSelected(item.data(0, Qt.ItemDataRole.UserRole) in {str(i) for i in record_ids})


def test_records_are_linked_and_unlinked_through_the_links_dialog(demo_context, qtbot, monkeypatch):
    view = _view(demo_context, qtbot)
    row = _row(view, "1.2")  # 党政联席会议 ≥ 2次, met by the year's two joint meetings
    view.table.selectRow(row)
    task_id = view.current_task_id()
    with demo_context.session() as session:
        meetings = records.list_records(session, "meeting", pairing=PAIRING, year=2020)
        joint = next(r.id for r in meetings if r.meeting_type == "党政联席会议")
        other = next(r.id for r in meetings if r.meeting_type != "党政联席会议")
        total = sum(len(records.list_records(session, kind, pairing=PAIRING, year=2020)) for kind in KINDS)
    assert _linked(demo_context, task_id) == (set(), [Decimal(2)])
    assert view.table.item(row, 7).text() == "—"
    steps = {}

    def link_two_then_unlink_one(dialog: TaskLinksDialog) -> int:
        # At first only the kind the target counts is offered; every kind is a choice away.
        assert dialog.kind_box.currentText().startswith("指标所计")
        assert len(_shown(dialog.candidates)) == len(meetings)
        dialog.kind_box.setCurrentIndex(dialog.kind_box.findText("全部类型"))
        assert len(_shown(dialog.candidates)) == total
        dialog.filter_edit.setText("联席会议")
        assert str(joint) in _shown(dialog.candidates) and str(other) not in _shown(dialog.candidates)
        dialog.filter_edit.clear()
        assert "全部记录" in dialog.progress_label.text()

        _select(dialog.candidates, [joint, other])
        dialog.link_button.click()
        steps["linked"] = (_linked(demo_context, task_id), set(_shown(dialog.linked)), dialog.status.text())
        assert {str(joint), str(other)}.isdisjoint(_shown(dialog.candidates))
        assert "关联的 2 条记录" in dialog.progress_label.text() and "现计 1次" in dialog.progress_label.text()

        _select(dialog.linked, [joint])
        dialog.unlink_button.click()
        steps["unlinked"] = (_linked(demo_context, task_id), _shown(dialog.linked))
        assert str(joint) in _shown(dialog.candidates)
        return QDialog.DialogCode.Rejected

    monkeypatch.setattr(TaskLinksDialog, "exec", link_two_then_unlink_one)
    view.edit_links()

    (ids, actuals), shown, status = steps["linked"]
    assert ids == {joint, other} and shown == {str(joint), str(other)} and status == "已关联 2 条记录"
    assert actuals == [Decimal(1)]  # only the linked joint meeting counts now
    assert steps["unlinked"] == (({other}, [Decimal(0)]), [str(other)])
    assert view.current_task_id() == task_id and view.table.item(row, 7).text() == "1 条"

    stack = demo_context.undo_stack
    assert stack.undoText().startswith("取消关联 1 条记录")
    stack.undo()
    assert _linked(demo_context, task_id)[0] == {joint, other}
    stack.undo()
    assert _linked(demo_context, task_id) == (set(), [Decimal(2)])
    assert view.table.item(row, 7).text() == "—"


def test_f3_opens_the_links_dialog(demo_context, qtbot, monkeypatch):
    view = _view(demo_context, qtbot)
    opened = []
    monkeypatch.setattr(TaskLinksDialog, "exec", lambda dialog: opened.append(dialog.task_id) or 0)
    view.activateWindow()
    qtbot.waitUntil(view.isActiveWindow)
    view.table.setFocus()
    qtbot.keyClick(view.table, Qt.Key.Key_F3)
    assert opened == [view.current_task_id()] and view.links_button.isEnabled()


def test_deleting_a_plan_asks_first(demo_context, qtbot):
    view = _view(demo_context, qtbot)
    asked = Asked(view)
    title = _plans(demo_context)[0][0]

    asked.answer = False
    view.delete_plan()
    assert asked.confirmations == [f"删除计划“{title}”？"] and len(_plans(demo_context)) == 1

    asked.answer = True
    view.delete_plan()
    assert _plans(demo_context) == []
    assert view.plan_box.count() == 0 and view.hint.isVisibleTo(view) and not view.delete_button.isEnabled()
    assert asked.warnings == []
