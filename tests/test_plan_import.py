"""Reading the seed plans' task lists as offices send them, from .xlsx and .docx alike."""

import dataclasses
from datetime import date

import openpyxl
import pytest
from plan_samples import (
    DOUMEN_MEITAN_2022,
    GUANGZHOU_QIANNAN_2018,
    HESHAN_LONGZHOU_2020,
    JIANGHAI_DAXIN_2019,
    LEFT,
    UP,
    ZHANJIANG_LIUZHOU_2020,
    Layout,
    retitled,
    write_docx,
    write_xlsx,
)
from samples import VALID
from sqlalchemy import select

from ledger import records
from ledger.errors import LedgerError
from ledger.models import AuditEntry, Plan, RecordTask
from ledger.plans import snapshots
from ledger.plans import store as plans
from ledger.plans.plan_json import plan_json
from ledger.plans.reading import ImportedTask, read_task_list
from ledger.plans.title_scope import TitleScope, place_forms, read_title_scope

WRITERS = {"xlsx": write_xlsx, "docx": write_docx}
OLD_OFFICE = b"\xd0\xcf\x11\xe0"  # how an .xls or .doc file begins


def _read(tmp_path, layout, year, suffix="xlsx"):
    return read_task_list(WRITERS[suffix](layout, tmp_path / f"plan.{suffix}"), year)


def test_zhanjiang_plan_with_merged_columns_date_cells_and_items_side_by_side(tmp_path):
    plan = _read(tmp_path, ZHANJIANG_LIUZHOU_2020, 2020)

    assert plan.title == "2020年湛江市—柳州市扶贫协作重点工作计划表"
    assert plan.warnings == []
    assert [task.seq for task in plan.tasks] == ["一", "一", "二", "二", "二", "三", "三", "三", "九", "九", "十"]
    assert [task.area for task in plan.tasks] == ["组织领导"] * 2 + ["资金支持"] * 3 + ["产业协作"] * 3 + [
        "社会扶贫协作"
    ] * 2 + ["扶贫宣传"]
    first = plan.tasks[0]
    assert first.item.startswith("在湛江市、柳州市分别召开湛江—柳州扶贫协作联席会议。")
    # Excel stored the typed "2020年9月" as 1 September; the plan means the whole month.
    assert (first.deadline, first.deadline_text) == (date(2020, 9, 30), "2020年9月")
    assert first.responsible_units[:3] == ["两市市委", "政府办公室", "扶贫办"]
    assert plan.tasks[2].responsible_units == ["两市扶贫办"]
    assert plan.tasks[4].item.split("\n") == [
        "制定粤桂扶贫协作资金项目计划并按照自治区规定的进度要求，推动粤桂扶贫协作项目实施。",
        "研究进一步完善粤桂扶贫协作项目减贫带贫机制及后续利益分配方案。",
    ]

    industry = plan.tasks[5:8]
    assert [task.item[:12] for task in industry] == [
        "组织协调广东企业到融安进",
        "引进东部企业入驻廉江-融",
        "吴川与三江共建江川扶贫生",
    ]
    assert [task.deadline for task in industry] == [date(2020, 9, 30), date(2020, 9, 30), date(2020, 7, 31)]
    assert [task.responsible_units for task in industry] == [
        ["遂溪", "融安县党委和人民政府"],
        ["廉江市", "融水县党委和人民政府"],
        ["吴川市", "三江县委和人民政府"],
    ]

    donation = plan.tasks[8]
    assert (donation.deadline, donation.deadline_text) == (date(2020, 6, 30), "2020年6月30日")
    assert donation.responsible_units == ["两市工商联", "湛江市", "柳州市各县（市、区）党委和人民政府"]
    assert plan.tasks[-1].deadline == date(2020, 12, 31)


def test_jianghai_plan_with_heading_rows_remarks_and_a_repeated_header(tmp_path):
    plan = _read(tmp_path, JIANGHAI_DAXIN_2019, 2019)

    assert plan.title == "2019年江海区对口大新县粤桂扶贫协作工作方案清单"
    assert plan.warnings == []
    assert [task.seq for task in plan.tasks] == [
        "1.1", "1.2", "1.3", "2.1", "2.2", "2.4", "5.2", "5.2", "6.1", "6.2", "7.1"
    ]  # fmt: skip
    assert [task.area for task in plan.tasks] == ["组织领导"] * 3 + ["人才交流"] * 3 + ["产业协作"] * 2 + [
        "劳务协作"
    ] * 2 + ["社会扶贫协作"]
    assert plan.tasks[0].source == "第5行"
    assert plan.tasks[1].remarks.startswith("建议区党政领导5月和9月到大新县")
    assert plan.tasks[3].deadline == date(2019, 8, 31)
    subsidies = plan.tasks[5]
    assert subsidies.responsible_units == ["江海区委组织部"]
    assert subsidies.assisting_units == ["财政局", "教育局", "卫生健康局", "扶贫办"]
    # 5.2 is merged over two items that number themselves: both keep 5.2 and their own text.
    state_owned, private = plan.tasks[6:8]
    assert state_owned.item.startswith("1.国有企业帮扶。")
    assert private.item.startswith("2.民营企业帮扶。")
    assert private.responsible_units == ["两地工商联"]
    assert private.assisting_units == ["江海区经济促进局", "大新县投资促进局", "大新县工信局", "大新县商务口岸局"]
    assert (plan.tasks[9].deadline, plan.tasks[9].deadline_text) == (date(2019, 11, 30), "2019 年 11 月")
    assert plan.tasks[10].responsible_units[3:5] == ["工会", "江海区外海街道"]


def test_heshan_plan_through_page_breaks_repeated_headers_and_a_split_row(tmp_path):
    plan = _read(tmp_path, HESHAN_LONGZHOU_2020, 2020)

    assert plan.title == "粤桂扶贫协作（鹤山-龙州）2020年工作要点清单"
    assert [task.seq for task in plan.tasks] == [
        "1.1", "1.2", "1.3", "1.4", "1.5", "2.1", "2.2", "2.3", "2.4", "2.5",
        "3.1", "3.2", "3.3", "3.4", "4.4", "4.5", "5.1", "5.2", "5.7", "5.8",
    ]  # fmt: skip
    assert [task.area for task in plan.tasks] == ["组织领导"] * 5 + ["人才支援"] * 5 + ["资金支持"] * 4 + [
        "产业协作"
    ] * 2 + ["劳务协作"] * 4
    meeting = plan.tasks[1]
    assert meeting.item == "鹤山—龙州扶贫协作党政联席会议。"
    assert meeting.target_text == "两地联合召开联席会议2次。"
    assert meeting.deadline == date(2020, 6, 30)
    assert meeting.responsible_units == ["两地党委办公室", "政府办公室", "扶贫办"]
    assert (
        plan.tasks[6].target_text
        == "鹤山市每年不少于4人次，龙州县每年不少于8人次。\n选派老师跟岗学习交流时间不少于1个月。"
    )
    assert plan.tasks[8].deadline == date(2020, 4, 30)
    assert (plan.tasks[10].target_text, plan.tasks[11].target_text) == ("260万元。", "")
    assert plan.tasks[12].item.endswith("确保资金发挥实效。\n做好财政帮扶资金的管理和监督检查。")
    assert (plan.tasks[14].deadline, plan.tasks[14].deadline_text) == (date(2020, 6, 30), "2020 的 6 月")

    # 5.1's last unit went over the page break into a row of its own.
    stable_jobs = plan.tasks[16]
    assert stable_jobs.responsible_units == ["两地人社局", "交通运输局", "残联", "扶贫办", "龙州县十二个乡镇"]
    assert plan.warnings == ["第27行：没有具体事项，已并入上一项（第24行），请核对"]


def test_guangzhou_plan_with_heading_rows_assisting_units_and_a_deadline_that_is_no_date(tmp_path):
    plan = _read(tmp_path, GUANGZHOU_QIANNAN_2018, 2018)

    assert plan.title == "广州市东西部扶贫协作对口帮扶黔南州2018年度工作要点任务分解表"
    assert [(task.area, task.seq) for task in plan.tasks] == [
        ("组织领导", "1"), ("组织领导", "2"), ("资金支持", "1"), ("资金支持", "2"), ("人才支援", "1"),
        ("人才支援", "2"), ("人才支援", "5"), ("人才支援", "6"), ("产业合作", "3"), ("劳务协作", "2"),
        ("劳务协作", "4"), ("携手奔小康", "5"),
    ]  # fmt: skip
    visit = plan.tasks[0]
    assert visit.item.startswith("市领导赴黔南州调研对接工作。")
    assert (visit.deadline, visit.deadline_text) == (date(2018, 11, 30), "11月前")
    assert visit.responsible_units == ["市协作办", "广东省第一扶贫协作工作组黔南组"]
    assert visit.assisting_units == ["市委办公厅", "市政府办公厅"]
    assert plan.tasks[2].deadline == date(2018, 7, 31)
    assert plan.tasks[-1].deadline == date(2018, 12, 31)
    cadres = plan.tasks[4]
    assert (cadres.deadline, cadres.deadline_text) == (None, "按组织部门统一安排")
    assert plan.warnings == ["第10行：无法识别的完成时限“按组织部门统一安排”，未设期限"]


@pytest.mark.parametrize(
    ("layout", "year"),
    [(ZHANJIANG_LIUZHOU_2020, 2020), (JIANGHAI_DAXIN_2019, 2019), (HESHAN_LONGZHOU_2020, 2020),
     (GUANGZHOU_QIANNAN_2018, 2018)],
)  # fmt: skip
def test_a_document_reads_as_its_workbook_twin(tmp_path, layout, year):
    workbook = _read(tmp_path, layout, year, "xlsx")
    document = _read(tmp_path, layout, year, "docx")

    assert document.title == workbook.title
    assert [dataclasses.replace(task, source="") for task in document.tasks] == [
        dataclasses.replace(task, source="") for task in workbook.tasks
    ]
    assert len(document.warnings) == len(workbook.warnings)
    assert all(warning.startswith("表") for warning in document.warnings)
    assert document.tasks[0].source.startswith("表1第")


TWO_LEVELS = Layout(
    title=[],
    pages=[
        [
            ["具体事项", "完成时限", "责任单位"],
            ["一、组织领导", LEFT, LEFT],
            ["（一）加强组织领导，坚持高位推进", LEFT, LEFT],
            ["1.召开鹤山-龙州扶贫协作党政联席会议。", "2020年6月", "两地党委办公室、政府办公室、扶贫办"],
            ["2.开展扶贫协作调研对接。", "2020年6月", "两地党委办公室、政府办公室、扶贫办"],
            ["二、人才支援", LEFT, LEFT],
            ["（二）加强人才支援，注入发展活力", LEFT, LEFT],
            ["1.开展学校结对帮扶。", "2020年6月", "两地教育局"],
        ]
    ],
)


# The same headings typed into the first cell, without merging the row.
TWO_LEVELS_UNMERGED = Layout(
    title=[], pages=[[[None if cell == LEFT else cell for cell in row] for row in TWO_LEVELS.pages[0]]]
)


@pytest.mark.parametrize("suffix", WRITERS)
@pytest.mark.parametrize("layout", [TWO_LEVELS, TWO_LEVELS_UNMERGED], ids=["merged", "unmerged"])
def test_with_two_levels_of_headings_tasks_are_filed_under_the_outer_one(tmp_path, suffix, layout):
    plan = _read(tmp_path, layout, 2020, suffix)

    assert [(task.area, task.seq, task.item) for task in plan.tasks] == [
        ("组织领导", "1", "召开鹤山-龙州扶贫协作党政联席会议。"),
        ("组织领导", "2", "开展扶贫协作调研对接。"),
        ("人才支援", "1", "开展学校结对帮扶。"),
    ]
    assert plan.title is None and plan.warnings == []


def test_a_heading_row_wins_over_the_area_column(tmp_path):
    layout = Layout(
        title=[],
        pages=[
            [
                ["重点工作", "具体事项", "完成时限", "责任单位"],
                ["一、组织领导", LEFT, LEFT, LEFT],
                ["加强组织领导，坚持高位推进", "1.召开党政联席会议。", "2020年6月", "两地党委办公室"],
                [UP, "2.开展扶贫协作调研对接。", "2020年6月", "两地党委办公室"],
            ]
        ],
    )
    assert [task.area for task in _read(tmp_path, layout, 2020).tasks] == ["组织领导", "组织领导"]


@pytest.mark.parametrize("suffix", WRITERS)
def test_an_item_merged_down_over_rows_is_one_task_with_all_their_cells(tmp_path, suffix):
    layout = Layout(
        title=[],
        pages=[
            [
                ["重点工作", "具体事项", "任务指标", "完成时限", "责任单位"],
                [
                    "七、公益协作",
                    "7.2 全面推进社会扶贫。引导组织社会爱心人士和企业家到龙州开展农产品“以购代捐”、“万企帮万村”。",
                    "社会各界捐赠资金（含捐物折款）在130万元以上。",
                    "2020年6月",
                    "鹤山市农业农村局、鹤山市慈善会、龙州县委统战部，",
                ],
                [UP, UP, UP, UP, "两地扶贫办、民政局、总工会、团委、工商联、妇联、红十字会等"],
                [UP, "7.3 营造浓厚扶贫氛围。", None, "2020年10月", "两地宣传部"],
            ]
        ],
    )
    plan = _read(tmp_path, layout, 2020, suffix)

    assert plan.warnings == []
    assert [task.seq for task in plan.tasks] == ["7.2", "7.3"]
    donations = plan.tasks[0]
    assert donations.target_text == "社会各界捐赠资金（含捐物折款）在130万元以上。"
    assert (donations.deadline_text, donations.deadline) == ("2020年6月", date(2020, 6, 30))
    assert donations.responsible_units[2:5] == ["龙州县委统战部", "两地扶贫办", "民政局"]
    assert donations.responsible_units[-1] == "红十字会"


@pytest.mark.parametrize(
    "header",
    [
        ["序 号", "工作类别", "工作内容", "目标任务", "完成时间", "责任部门", "配合单位", "备注", "完成情况"],
        ["编号", "类别", "主要任务", "工作目标", "时间节点", "牵头单位", "协助单位", "备注", "完成情况"],
        ["序号", "项目", "任务", "指标", "时\n限", "责任单位（牵头）", "配合单位", "备注", "完成情况"],
    ],
)
def test_header_names_vary_from_office_to_office(tmp_path, header):
    row = [1, "组织领导", "召开鹤山—龙州扶贫协作党政联席会议。", "两地联合召开联席会议2次。", "2020年6月"]
    row += ["两地党委办公室、政府办公室", "两地扶贫办", "提供会议纪要", "已完成"]
    plan = _read(tmp_path, Layout(title=[], pages=[[header, row]]), 2020)

    assert plan.tasks == [
        ImportedTask(
            seq="1",
            area="组织领导",
            item="召开鹤山—龙州扶贫协作党政联席会议。",
            target_text="两地联合召开联席会议2次。",
            deadline=date(2020, 6, 30),
            deadline_text="2020年6月",
            responsible_units=["两地党委办公室", "政府办公室"],
            assisting_units=["两地扶贫办"],
            remarks="提供会议纪要",
            source="第2行",
        )
    ]


@pytest.mark.parametrize("suffix", WRITERS)
def test_a_header_of_two_rows_splits_responsible_into_leading_and_assisting(tmp_path, suffix):
    layout = Layout(
        title=[],
        pages=[
            [
                ["序号", "工作任务", "完成时间", "责任单位", LEFT],
                [UP, UP, UP, "牵头单位", "协助单位"],
                [1, "市领导赴黔南州调研对接工作。", "11月前", "市协作办", "市委办公厅、市政府办公厅"],
            ]
        ],
    )
    plan = _read(tmp_path, layout, 2018, suffix)

    assert [(task.responsible_units, task.assisting_units) for task in plan.tasks] == [
        (["市协作办"], ["市委办公厅", "市政府办公厅"])
    ]


def test_a_document_skips_tables_around_the_list_and_says_so_when_they_look_like_pages(tmp_path):
    list_page = GUANGZHOU_QIANNAN_2018.pages[0]
    layout = Layout(
        title=[],
        pages=[
            [["柳州市扶贫开发领导小组", "湛江市扶贫开发领导小组"]],
            list_page,
            [["柳州市扶贫开发领导小组办公室", "2020年4月30日印发"]],
        ],
    )
    plan = _read(tmp_path, layout, 2018, "docx")

    assert len(plan.tasks) == 5
    assert plan.tasks[0].source == "表2第3行"
    assert plan.warnings[-1] == "表3：没有表头，列数也与任务清单不同，已跳过"


def test_the_list_is_found_on_a_later_sheet(tmp_path):
    path = write_xlsx(HESHAN_LONGZHOU_2020, tmp_path / "plan.xlsx")
    workbook = openpyxl.load_workbook(path)
    notes = workbook.create_sheet("填表说明", 0)
    notes.append(["请各单位于11月15日前报送完成情况。"])
    workbook.save(path)

    assert len(read_task_list(path, 2020).tasks) == 20


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("清单.pdf", b"%PDF-1.4", "不能导入 清单.pdf：任务清单应为 .xlsx 或 .docx 文件"),
        ("清单.xls", OLD_OFFICE, "旧格式文件：请在 Excel、Word 或 WPS 中另存为 .xlsx 或 .docx"),
        ("清单.doc", OLD_OFFICE, "旧格式文件"),
        ("清单.xlsx", b"not a workbook", "无法打开 清单.xlsx：文件已损坏"),
        ("清单.docx", b"not a document", "无法打开 清单.docx：文件已损坏"),
    ],
)
def test_files_that_are_no_task_list_are_refused_in_chinese(tmp_path, name, content, message):
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(LedgerError, match=message):
        read_task_list(path, 2020)


def test_a_missing_file_a_table_without_the_item_column_and_an_empty_list_are_refused(tmp_path):
    with pytest.raises(LedgerError, match="找不到文件"):
        read_task_list(tmp_path / "无.xlsx", 2020)

    no_items = Layout(title=[], pages=[[["序号", "重点工作", "完成时限"], [1, "组织领导", "2020年6月"]]])
    with pytest.raises(LedgerError, match="没有找到任务清单：需要一行表头，其中有“具体事项”"):
        _read(tmp_path, no_items, 2020)

    empty = Layout(
        title=["2020年工作要点清单"], pages=[[["重点工作", "具体事项", "完成时限"], ["组织领导", None, None]]]
    )
    with pytest.raises(LedgerError, match="任务清单是空的"):
        _read(tmp_path, empty, 2020, "docx")


def test_rows_without_an_item_that_belong_nowhere_are_skipped_with_a_warning(tmp_path):
    layout = Layout(
        title=[],
        pages=[
            [
                ["序号", "重点工作", "具体事项", "完成时限", "责任单位"],
                [None, None, None, "2019年11月", "两地扶贫办"],
                ["1.5", None, None, None, None],
                ["1.6", "组织领导", "召开扶贫开发领导小组研究粤桂扶贫协作会议", "2019年11月", "扶贫办"],
            ]
        ],
    )
    plan = _read(tmp_path, layout, 2019)

    assert [task.seq for task in plan.tasks] == ["1.6"]
    assert plan.tasks[0].responsible_units == ["扶贫办"]
    assert plan.warnings == [
        "第2行：没有具体事项，上面也没有可并入的任务，已跳过",
        "第3行：没有具体事项，已跳过（1.5）",
    ]


# The pairing and year a title names ----------------------------------------------------------------------

# Titles as the seeds' offices word them, each as its list would carry it.
TITLED = [
    (ZHANJIANG_LIUZHOU_2020, "湛江市—柳州市", 2020),  # 2020年湛江市—柳州市扶贫协作重点工作计划表
    (JIANGHAI_DAXIN_2019, "江海区—大新县", 2019),  # 2019年江海区对口大新县粤桂扶贫协作工作方案清单
    (HESHAN_LONGZHOU_2020, "鹤山—龙州", 2020),  # 粤桂扶贫协作（鹤山-龙州）2020年 / 工作要点清单
    (GUANGZHOU_QIANNAN_2018, "广州市—黔南州", 2018),  # 广州市东西部扶贫协作对口帮扶黔南州2018年度工作要点…
    (DOUMEN_MEITAN_2022, None, 2022),  # 珠海市斗门区2022年东西部协作工作计划任务清单: one place only
    (retitled(HESHAN_LONGZHOU_2020, "鹤山市与龙州县2021年东西部协作工作要点清单"), "鹤山市—龙州县", 2021),
    (retitled(ZHANJIANG_LIUZHOU_2020, "湛江市对口帮扶柳州市二〇二一年工作计划表"), "湛江市—柳州市", 2021),
    (retitled(ZHANJIANG_LIUZHOU_2020, "附件", "2020年湛江市-柳州市扶贫协作 重点工作计划"), "湛江市—柳州市", 2020),
    (retitled(DOUMEN_MEITAN_2022, "斗门·湄潭2023年东西部协作工作计划"), "斗门—湄潭", 2023),
]


@pytest.mark.parametrize("suffix", WRITERS)
@pytest.mark.parametrize(("layout", "pairing", "year"), TITLED, ids=[layout.title[-1] for layout, _, _ in TITLED])
def test_the_title_names_the_pairing_and_the_year(tmp_path, suffix, layout, pairing, year):
    plan = _read(tmp_path, layout, 2019, suffix)

    assert (plan.pairing_in_title, plan.year_in_title) == (pairing, year)
    assert plan.title_texts[0] == plan.title


@pytest.mark.parametrize("suffix", WRITERS)
def test_without_a_title_the_file_name_names_them(tmp_path, suffix):
    path = WRITERS[suffix](retitled(HESHAN_LONGZHOU_2020), tmp_path / f"附件2：2021年鹤山-龙州工作要点.{suffix}")
    plan = read_task_list(path, 2021)

    assert plan.title is None
    assert (plan.pairing_in_title, plan.year_in_title) == ("鹤山—龙州", 2021)


def test_a_document_without_a_title_row_is_named_by_its_opening_notice(tmp_path):
    layout = retitled(
        ZHANJIANG_LIUZHOU_2020, notice="现将《2020年湛江市—柳州市扶贫协作重点工作计划》印发给你们，请认真贯彻落实。"
    )
    plan = _read(tmp_path, layout, 2020, "docx")

    assert plan.title is None
    assert (plan.pairing_in_title, plan.year_in_title) == ("湛江市—柳州市", 2020)


KNOWN = [
    ("鹤山市—龙州县", "鹤山市", "龙州县"),
    ("江门市—崇左市", "江门市", "崇左市"),
    ("江门市江海区—崇左市大新县", "江门市江海区", "崇左市大新县"),
    ("广州市—黔南布依族苗族自治州", "广州市", "黔南布依族苗族自治州"),
    ("珠海市斗门区—遵义市湄潭县", "珠海市斗门区", "遵义市湄潭县"),
]


@pytest.mark.parametrize(
    ("title", "pairing", "year"),
    [
        ("粤桂扶贫协作（鹤山-龙州）2020年\n工作要点清单", "鹤山市—龙州县", 2020),
        ("2020 年度粤桂扶贫协作（鹤山－龙州）工作要点", "鹤山市—龙州县", 2020),
        ("2019年江海区对口大新县粤桂扶贫协作工作方案清单", "江门市江海区—崇左市大新县", 2019),
        ("江门市江海区对口帮扶崇左市大新县2019年工作方案", "江门市江海区—崇左市大新县", 2019),  # not 江门市—崇左市
        ("江门—崇左扶贫协作三年行动方案（2018-2020年）", "江门市—崇左市", None),  # 2020 ends a span: no year
        ("广州市东西部扶贫协作对口帮扶黔南州2018年度工作要点", "广州市—黔南布依族苗族自治州", 2018),
        ("珠海市斗门区2022年东西部协作工作计划", "珠海市斗门区—遵义市湄潭县", 2022),  # the one pairing of 斗门区
        ("斗门·湄潭2023年东西部协作工作计划", "珠海市斗门区—遵义市湄潭县", 2023),
    ],
)
def test_a_title_is_matched_to_the_ledgers_pairing(title, pairing, year):
    found = read_title_scope([title], KNOWN)

    assert (found.pairing, found.known, found.year) == (pairing, True, year)
    assert found.text == title


def test_a_pairing_the_ledger_lacks_is_given_as_written_and_whether_it_can_be_added():
    zhanjiang = read_title_scope(["2020年湛江市—柳州市扶贫协作重点工作计划表"], KNOWN)
    short = read_title_scope(["粤桂扶贫协作（恩平-龙州）2020年工作要点清单"], KNOWN)

    assert zhanjiang == TitleScope("湛江市—柳州市", False, 2020, "2020年湛江市—柳州市扶贫协作重点工作计划表")
    assert (zhanjiang.places, zhanjiang.complete) == (("湛江市", "柳州市"), True)
    assert (short.pairing, short.known, short.places, short.complete) == ("恩平—龙州", False, ("恩平", "龙州"), False)


def test_what_names_no_pairing_or_year_gives_none():
    # A date line is no plan year, two offices side by side no pairing, and a place shared by two pairings
    # chooses neither.
    assert read_title_scope(["2020年4月30日", "柳扶领发〔2020〕7号", "任务清单"]) == TitleScope()
    assert read_title_scope(["柳州市扶贫开发领导小组 湛江市扶贫开发领导小组 文件"]).pairing is None
    shared = [*KNOWN, ("珠海市斗门区—铜仁市石阡县", "珠海市斗门区", "铜仁市石阡县")]
    assert read_title_scope(["珠海市斗门区2022年东西部协作工作计划"], shared) == TitleScope(
        None, False, 2022, "珠海市斗门区2022年东西部协作工作计划"
    )


def test_a_place_is_found_by_its_short_forms():
    assert place_forms("江门市江海区") == ["江门市江海区", "江海区", "江海"]
    assert place_forms("黔南布依族苗族自治州") == ["黔南布依族苗族自治州", "黔南州", "黔南"]
    assert place_forms("广州市番禺区") == ["广州市番禺区", "番禺区", "番禺"]
    assert place_forms("柳州市") == ["柳州市", "柳州"]
    assert place_forms("泸县") == ["泸县"]


# Reading against the ledger, a new pairing, and a deleted plan put back -----------------------------------


def test_the_reading_says_what_the_title_names_and_how_the_choice_differs(ledger, tmp_path):
    path = write_xlsx(HESHAN_LONGZHOU_2020, tmp_path / "清单.xlsx")
    with ledger.session() as session:
        reading = plans.read_plan(session, path, pairing="鹤山市—龙州县", year=2021)

    assert (reading.title_scope.pairing, reading.title_scope.year) == ("鹤山市—龙州县", 2020)
    assert reading.differences() == ["标题写的是2020年，选定的是2021年"]


def test_a_pairing_named_by_the_title_is_added_with_its_plan(ledger, tmp_path):
    path = write_docx(ZHANJIANG_LIUZHOU_2020, tmp_path / "计划表.docx")
    with ledger.session() as session, session.begin():
        reading = plans.read_plan(session, path, pairing="湛江市—柳州市", year=2020, new_pairing=True)
        assert reading.pairing_is_new and reading.differences() == []
        assert records.find_pairing(session, "湛江市—柳州市") is None  # nothing written by reading
        plan = plans.add_plan(session, reading, source_name=path.name)
        assert (plan.pairing.name, plan.pairing.east, plan.pairing.west) == ("湛江市—柳州市", "湛江市", "柳州市")
        logged = session.execute(select(AuditEntry.action, AuditEntry.target).order_by(AuditEntry.at)).all()
    assert logged[-2:] == [("insert", "pairing"), ("insert", "plan")]


def test_without_new_pairing_an_unknown_pairing_is_refused(ledger, tmp_path):
    path = write_xlsx(ZHANJIANG_LIUZHOU_2020, tmp_path / "计划表.xlsx")
    with ledger.session() as session, pytest.raises(LedgerError, match="没有结对关系“湛江市—柳州市”"):
        plans.read_plan(session, path, pairing="湛江市—柳州市", year=2020)


def test_a_deleted_plan_is_put_back_with_its_ids_tasks_targets_and_links(ledger, tmp_path):
    path = write_xlsx(HESHAN_LONGZHOU_2020, tmp_path / "清单.xlsx")
    with ledger.session() as session, session.begin():
        plan = plans.import_plan(session, path, pairing="鹤山市—龙州县", year=2020).plan
        record = records.add_record(session, "meeting", VALID["meeting"])
        plans.link_records(session, plan.tasks[0], [record])
        before = plan_json(plan)
        plan_id, task_ids = plan.id, [task.id for task in plan.tasks]
        snapshot = snapshots.plan_snapshot(session, plan)
        plans.delete_plan(session, plan)
    with ledger.session() as session, session.begin():
        assert session.get(Plan, plan_id) is None and session.scalars(select(RecordTask)).all() == []
        snapshots.put_back_plan(session, snapshot)
        with pytest.raises(LedgerError, match="已在台账中"):
            snapshots.put_back_plan(session, snapshot)
    with ledger.session() as session:
        plan = plans.get_plan(session, str(plan_id))
        assert plan_json(plan) == before
        assert [task.id for task in plan.tasks] == task_ids
        assert plans.linked_record_ids(session, plan.tasks[0]) == [record.id]
        logged = (
            session.execute(select(AuditEntry.action).where(AuditEntry.target_id == plan_id).order_by(AuditEntry.at))
            .scalars()
            .all()
        )
    assert logged == ["insert", "delete", "insert"]
