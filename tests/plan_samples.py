"""Task lists (清单) of the seed plans, as offices send them, written to .xlsx and .docx by the tests.

The text is the seeds' own (shared/seeds/000–004), cut to a few areas each. A layout is a list of pages, each
a list of rows; UP marks a cell merged with the one above, LEFT one merged with the one to its left. The same
layout is written as a workbook (pages one after another, with the page-number rows a printout pasted into
Excel leaves) and as a document (one table per page, the title as paragraphs). `retitled` gives a layout the
title of another office's wording, for the pairing and year a title names.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date, datetime
from pathlib import Path

import docx
import openpyxl

UP = "↑merged"
LEFT = "←merged"


@dataclass(frozen=True)
class Month:
    """A month typed into Excel, which stores it as the 1st of the month shown as 2020年9月."""

    year: int
    month: int


@dataclass
class Layout:
    title: list[str]
    pages: list[list[list[object]]]
    page_numbers: list[str] = field(default_factory=list)  # workbook only: a row after each page
    notice: str | None = None  # document only: body text above the title


def retitled(layout: Layout, *title: str, notice: str | None = None) -> Layout:
    """`layout` under another title (none when no lines are given), with `notice` as the document's opening."""
    return replace(layout, title=list(title), notice=notice)


def write_xlsx(layout: Layout, path: Path) -> Path:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "清单"
    width = max(len(row) for page in layout.pages for row in page)
    top = 1
    for line in layout.title:
        sheet.cell(top, 1, line)
        sheet.merge_cells(start_row=top, start_column=1, end_row=top, end_column=width)
        top += 1
    for number, page in enumerate(layout.pages):
        for i, row in enumerate(page):
            for j, value in enumerate(row):
                if value in (UP, LEFT) or value is None:
                    continue
                cell = sheet.cell(top + i, j + 1)
                if isinstance(value, Month):
                    cell.value, cell.number_format = datetime(value.year, value.month, 1), 'yyyy"年"m"月"'
                elif isinstance(value, date):
                    cell.value, cell.number_format = value, "yyyy/m/d"
                else:
                    cell.value = value
                height, span = _extent(page, i, j)
                if height > 1 or span > 1:
                    sheet.merge_cells(
                        start_row=top + i, start_column=j + 1, end_row=top + i + height - 1, end_column=j + span
                    )
        top += len(page)
        if number < len(layout.page_numbers):
            sheet.cell(top, width // 2 + 1, int(layout.page_numbers[number]))
            top += 1
    workbook.save(path)
    return path


def write_docx(layout: Layout, path: Path) -> Path:
    document = docx.Document()
    if layout.notice:
        document.add_paragraph(layout.notice)
    for line in layout.title:
        document.add_paragraph(line)
    for number, page in enumerate(layout.pages):
        if number:
            document.add_page_break()
        table = document.add_table(rows=len(page), cols=max(len(row) for row in page))
        for i, row in enumerate(page):
            for j, value in enumerate(row):
                if value in (UP, LEFT):
                    continue
                height, span = _extent(page, i, j)
                cell = table.cell(i, j)
                if height > 1 or span > 1:
                    cell = cell.merge(table.cell(i + height - 1, j + span - 1))
                first, *rest = _document_text(value).split("\n")
                cell.paragraphs[0].text = first
                for line in rest:
                    cell.add_paragraph(line)
    document.save(path)
    return path


def _extent(page: list[list[object]], i: int, j: int) -> tuple[int, int]:
    height = 1
    while i + height < len(page) and page[i + height][j] == UP:
        height += 1
    span = 1
    while j + span < len(page[i]) and page[i][j + span] == LEFT:
        span += 1
    return height, span


def _document_text(value: object) -> str:
    if isinstance(value, Month):
        return f"{value.year}年{value.month}月"
    if isinstance(value, date):
        return f"{value.year}年{value.month}月{value.day}日"
    return "" if value is None else str(value)


# 000: 湛江市—柳州市 2020 计划表. 序号 and 重点工作 merged down, Excel month cells, a 6·30 date cell, and a
# row listing three items side by side with a deadline and units for each.
_ZHANJIANG_UNITS = "遂溪县、廉江市、吴川市及融安县、融水县、三江县委和人民政府。"
ZHANJIANG_LIUZHOU_2020 = Layout(
    title=["附件", "2020年湛江市—柳州市扶贫协作重点工作计划表"],
    pages=[
        [
            ["序号", "重点工作", "具体事项", "完成时限", "责任单位"],
            [
                "一",
                "组织领导",
                "在湛江市、柳州市分别召开湛江—柳州扶贫协作联席会议。共同研究解决扶贫协作工作重大问题，推动各项措施落地。",
                Month(2020, 9),
                "两市市委、政府办公室，扶贫办，遂溪县、廉江市、吴川市和融安县、融水县、三江县委和人民政府。",
            ],
            [
                UP,
                UP,
                "做好迎接国家、省级东西部扶贫协作考核准备工作。",
                Month(2020, 10),
                "两市扶贫办、市委组织部、发展改革委（局）、人力资源社会保障局、财政局、教育局、卫生健康委（局）、"
                "农业农村局、文化广电旅游局（文化广电旅游体育局）、投资促进局、困委等相关单位，" + _ZHANJIANG_UNITS,
            ],
            [
                "二",
                "资金支持",
                "开展湛江-柳州扶贫协作工作的指导调研，推动粤桂扶贫协作项目的落实。",
                Month(2020, 9),
                "两市扶贫办牵头。",
            ],
            [
                UP,
                UP,
                "各协作县主要领导到对方县考察调研,并召开联席会议，签订2020年扶贫协作协议。",
                Month(2020, 9),
                _ZHANJIANG_UNITS,
            ],
            [
                UP,
                UP,
                "制定粤桂扶贫协作资金项目计划并按照自治区规定的进度要求，推动粤桂扶贫协作项目实施。\n"
                "研究进一步完善粤桂扶贫协作项目减贫带贫机制及后续利益分配方案。",
                Month(2020, 9),
                _ZHANJIANG_UNITS,
            ],
            [
                "三",
                "产业协作",
                "组织协调广东企业到融安进行农产品加工、竹木加工、家具制造、旅游发展等对接洽谈，引导到融安开展产业帮扶，"
                "投资兴业。推进意向投资企业——遂溪锦鸿木业到融安落户投产。\n"
                "引进东部企业入驻廉江-融水扶贫协作产业园。\n"
                "吴川与三江共建江川扶贫生态产业园，引导广东企业到三江考察投资兴业。",
                "2020年9月\n2020年9月\n2020年7月",
                "遂溪、融安县党委和人民政府。\n廉江市、融水县党委和人民政府。\n吴川市、三江县委和人民政府。",
            ],
            [
                "九",
                "社会扶贫协作",
                "组织湛江市商协会、民营企业开展捐资助学活动。",
                date(2020, 6, 30),
                "两市工商联，湛江市、柳州市各县（市、区）党委和人民政府。",
            ],
            [
                UP,
                UP,
                "广泛发动各界力量开展贫困助学、万企帮万村、公益慈善等各方面的社会扶贫工作，重点开展好“6·30广东扶贫济困日”"
                "“10·17全国扶贫日”系列活动，形成全社会齐心协力扶贫攻坚的格局。",
                Month(2020, 10),
                "遂溪县、廉江市、吴川市及融安县、融水县、三江县党委和人民政府。",
            ],
            [
                "十",
                "扶贫宣传",
                "加大宣传力度，两市宣传部门牵头，推动扶贫协作工作与中央、两省（区）、两市属媒体的沟通协调，"
                "统筹主要媒体（包括新媒体）集中报道脱贫攻坚工作。",
                Month(2020, 12),
                "两市市委宣传部、扶贫办（农办），" + _ZHANJIANG_UNITS,
            ],
        ]
    ],
)

# 001: 江海区→大新县 2019 清单. Areas as heading rows (序号 1 | 组织领导), 序号 typed as numbers, a 备注
# column, the header repeated on the second page, and 5.2 merged over two items numbered in the text.
_JIANGHAI_HEADER = ["序号", "重点工作", "具体事项", "完成时限", "责任单位", "备注"]
JIANGHAI_DAXIN_2019 = Layout(
    title=["附件", "2019年江海区对口大新县粤桂扶贫协作工作方案清单"],
    pages=[
        [
            _JIANGHAI_HEADER,
            [1, "组织领导", None, None, None, None],
            [
                1.1,
                None,
                "加强大新县粤桂扶贫协作工作的督查指导，确保扶贫协作工作的落实。",
                "2019年11月",
                "两地扶贫办、江海区督查室、大新县督查考评局",
                None,
            ],
            [
                1.2,
                None,
                "两地党委、政府负责同志互访共4次，共同推进粤桂扶贫协作。",
                "2019年11月",
                "两地县（区）委办、县（区）政府办、扶贫办",
                "建议区党政领导5月和9月到大新县开展粤桂扶贫协作工作同时与大新县领导召开高层联席会",
            ],
            [
                1.3,
                None,
                "党委召开常委会",
                "2019年11月",
                "两地县（区）委办、扶贫办",
                "建议7月15日左右完成1次党委常委会粤桂扶贫专题会议，提供会议材料、会议纪要",
            ],
            [2, "人才交流", None, None, None, None],
            [2.1, None, "大新县选派2名党政干部到江海区挂职锻炼。", "2019年8月", "两地组织部", None],
            [2.2, None, "联合开展干部培训20人次以上。", "2019年11月", "两地组织部", None],
            [
                2.4,
                None,
                "落实支医、支教等专业技术人才补贴",
                "2019年11月",
                "江海区委组织部牵头，财政局、教育局、卫生健康局、扶贫办配合",
                None,
            ],
        ],
        [
            _JIANGHAI_HEADER,
            [5, "产业协作", None, None, None, None],
            [
                "5.2",
                None,
                "1.国有企业帮扶。组织广东国有企业到大新县考察,开展农业、林业、畜牧业、旅游等与贫困群众就业增收紧密的特色产业对接。",
                "2019年11月",
                "江海区国有资产监督管理局、大新县国泰资产经营有限公司",
                None,
            ],
            [
                UP,
                None,
                "2.民营企业帮扶。江海区工商联组织企业到大新县开展扶贫帮扶行动,组织企业与大新县贫困村结对开展帮扶活动。",
                "2019年11月",
                "两地工商联负责,江海区经济促进局、大新县投资促进局、大新县工信局、大新县商务口岸局配合",
                None,
            ],
            [6, "劳务协作", None, None, None, None],
            [
                6.1,
                None,
                "促进贫困人口就业，两地联合举办1期以上粤桂扶贫协作招聘会。2019年新增转移到东部地区就业贫困人口不低于155人。",
                "2019年11月",
                "两地人社局、教育局",
                "2019年新增转移到东部地区就业贫困人口数根据两省区签订的任务数分解。",
            ],
            [
                6.2,
                None,
                "开展粤桂扶贫协作职业技能培训，开展 1 期大新县精准扶贫对象“粤菜师傅”培训培训班。",
                "2019 年 11 月",
                "两地人社局",
                None,
            ],
            [7, "社会扶贫协作", None, None, None, None],
            [
                7.1,
                None,
                "组织开展助学活动，鼓励社会各界开展社会帮扶活动；推动慈善扶贫，组织和鼓励爱心人士与特困家庭、单身母亲、"
                "留守流动儿童等群体结对帮扶。",
                "2019 年 10 月",
                "两地工商联、团委、妇联、工会；江海区外海街道、礼乐街道、江南街道，大新县硕龙镇、下雷镇",
                None,
            ],
        ],
    ],
)

# 002: 鹤山市→龙州县 2020 工作要点清单. 重点工作 merged down (and written again on each page), numbering in
# the item, the header repeated on each page after a page number, a cell of two paragraphs, a slip
# (2020 的 6 月), and 5.1 cut by a page break: its last unit on the next page, in a row of its own.
_HESHAN_HEADER = ["重点工作", "具体事项", "任务指标", "完成\n时限", "责任单位"]
_HESHAN_OFFICES = "两地党委办公室、政府办公室、扶贫办"
HESHAN_LONGZHOU_2020 = Layout(
    title=["附件", "粤桂扶贫协作（鹤山-龙州）2020年\n工作要点清单"],
    notice="现将《2020年度粤桂扶贫协作（鹤山-龙州）工作要点》印发给你们，请认真贯彻落实。",
    page_numbers=["14", "15", "16"],
    pages=[
        [
            _HESHAN_HEADER,
            [
                "一、组织\n领导",
                "1.1 两地党委或政府主要领导同志分别到结对县（市）进行调研对接。",
                "调研对接2次以上。",
                "2020年6月",
                _HESHAN_OFFICES,
            ],
            [UP, "1.2 鹤山—龙州扶贫协作党政联席会议。", "两地联合召开联席会议2次。", "2020年6月", _HESHAN_OFFICES],
            [UP, "1.3 召开鹤山—龙州扶贫协作工作推进会。", "两地联合召开工作推进会2次。", "2020年6月", _HESHAN_OFFICES],
            [
                UP,
                "1.4 两地分别召开党委常委会会议、政府常务会、扶贫开发领导小组会议，专题研究部署粤桂扶贫协作工作。",
                "两地分别召开党委常委会议、政府常务会议各4次、扶贫开发领导小组会议3次。",
                "2020 年 6 月",
                _HESHAN_OFFICES,
            ],
            [
                UP,
                "1.5 加大宣传力度，总结鹤山-龙州扶贫协作的经验做法，打造特色亮点、提炼典型做法、"
                "讲好减贫故事，展示扶贫成效。",
                "两地分别在省级以上媒体宣传报道粤桂扶贫工作经验做法、特色亮点5个以上。",
                "2020年10月",
                "两地宣传部、扶贫办",
            ],
            [
                "二、人才\n支援",
                "2.1 鹤山、龙州组织协调遴选一批优秀干部互派交流、挂职。",
                "鹤山市不少于3人，龙州县根据上级要求确定。",
                "2020年6月",
                "两地组织部、扶贫办",
            ],
            [
                UP,
                "2.2 互派教师交流学习，定期选派一批优秀教师到龙州进行对口支教，"
                "每年接受一批龙州的中小学教师赴鹤山跟岗学习，开展教研与业务交流。",
                "鹤山市每年不少于4人次，龙州县每年不少于8人次。\n选派老师跟岗学习交流时间不少于1个月。",
                "2020年6月",
                "两地教育局",
            ],
        ],
        [
            _HESHAN_HEADER,
            [
                "二、人\n才支援",
                "2.3 鹤山市与龙州县每年互派医护人员交流学习。",
                "鹤山市每年不少于4人次，龙州县每年不少于8人次。\n选派医护人员跟岗学习交流时间不少于1个月。",
                "2020年6月",
                "两地卫健局",
            ],
            [
                UP,
                "2.4 鹤山、龙州两地人民医院互派副院长挂职。",
                "两地人民医院互派副院长，挂职时间一年。",
                "2020年4月",
                "两地卫健局",
            ],
            [
                UP,
                "2.5 鹤山、龙州在干部教育、干部培训和党建工作等方面加强交流互动，支持龙州县加大对党政领导干部、"
                "村党总支部书记、村党组织第一书、贫困村致富带头人以及专业技术人才等培训力度。",
                "培训人数不低于250人次。",
                "2020年10月",
                "两地组织部、党校、扶贫办、农业农村局、人社局、教育局",
            ],
            [
                "三、资金\n支持",
                "3.1 鹤山市向龙州县划拨粤桂扶贫协作财政帮扶资金。",
                "260万元。",
                "2020年3月",
                "两地财政局",
            ],
            [
                UP,
                "3.2 加强扶贫协作项目库建设，做好2020年扶贫协作项目申报，做实做细项目前期工作，"
                "为资金使用和项目执行夯实基础。",
                None,
                "2020年3月",
                "两地扶贫办",
            ],
            [
                UP,
                "3.3 科学制定资金使用方案，不断强化资金精准使用意识，资金注重向贫困村、贫困人口、"
                "向“两不愁三保障”项目倾斜，确保资金发挥实效。\n做好财政帮扶资金的管理和监督检查。",
                None,
                "2020年3月",
                "龙州县财政局、两地扶贫办",
            ],
            [
                UP,
                "3.4 加强资金管理，定期统计通报资金使用情况，及时掌握项目执行阶段进展情况，加快推进扶贫协作项目实施。",
                None,
                "2020年6月",
                "龙州县财政局，两地扶贫办",
            ],
        ],
        [
            _HESHAN_HEADER,
            [
                "四、产业\n协作",
                "4.4 按照“一户一薪”目标要求，扩大扶贫车间就业规模。引导企业把扶贫车间建到乡镇，"
                "争取每个乡镇都有1个扶贫车间。",
                None,
                "2020 的 6 月",
                "鹤山市科工商务局、农业农村局、共和镇、桃源镇，龙州县人社局、龙州县农业农村局、十二个乡镇",
            ],
            [
                UP,
                "4.5 加强鹤山、龙州两地旅游企业和旅游从业人员的培训与交流。",
                None,
                "2020年6月",
                "鹤山市文化广电旅游体育局、龙州县文化旅游和体育广电局，相关旅游单位",
            ],
            [
                "五、劳务\n协作",
                "5.1 做好贫困劳动力稳岗工作。摸底收集贫困劳动力就业意愿、就业意向、就业能力、培训需求等情况，"
                "及时录入全国扶贫开发信息系统。",
                None,
                "2020年7月",
                "两地人社局、交通运输局、残联、扶贫办，",
            ],
        ],
        [
            _HESHAN_HEADER,
            ["五、劳\n务协作", None, None, None, "龙州县十二个乡镇"],
            [
                UP,
                "5.2 举办粤桂扶贫协作招聘会。",
                "联合举办残疾人招聘专场不少于1场次，现场或网络招聘会5场次。",
                "2020年6月",
                "两地人社局、残联",
            ],
            [UP, "5.7 开展贫困村创业致富带头人培训。", "举办1期以上。", "2020年6月", "两地扶贫办"],
            [
                UP,
                "5.8 全县每个屯设置由贫困户组成的环卫保洁扶贫岗位，优先安排贫困户上岗。",
                "每屯1名环卫保洁。",
                "2020年6月",
                "龙州县乡村办",
            ],
        ],
    ],
)

# 004: 广州市→黔南州 2018 工作要点 as a table: areas as heading rows merged across, 完成时间 "11月前",
# 牵头单位 and 协助单位, one deadline that is no date, and a second page without the header.
GUANGZHOU_QIANNAN_2018 = Layout(
    title=["广州市东西部扶贫协作对口帮扶黔南州2018年度工作要点任务分解表"],
    notice="现将《广州市东西部扶贫协作对口帮扶黔南州 2018 年度工作要点》印发给你们，请认真贯彻落实。",
    pages=[
        [
            ["序号", "工作任务", "完成\n时间", "牵头单位", "协助单位"],
            ["（一）组织领导", LEFT, LEFT, LEFT, LEFT],
            [
                1,
                "市领导赴黔南州调研对接工作。协调市委或市政府主要领导赴黔南州调研对接工作1次，"
                "市委或市政府主要负责人至少赴黔南州调研检查工作1次。",
                "11月前",
                "市协作办，广东省第一扶贫协作工作组黔南组",
                "市委办公厅、市政府办公厅",
            ],
            [
                2,
                "召开“广州·黔南东西部扶贫协作党政联席会议”。两地党政代表团互访期间召开“广州·黔南东西部扶贫协作党政联席会议”，"
                "共同研究部署推进东西部扶贫协作工作，并印发会议纪要。",
                "11月前",
                "市协作办，广东省第一扶贫协作工作组黔南组",
                "市委办公厅、市政府办公厅",
            ],
            ["（二）资金支持", LEFT, LEFT, LEFT, LEFT],
            [
                1,
                "加大东西部扶贫协作对口帮扶资金支持力度。落实2018年东西部扶贫协作对口帮扶黔南州财政资金3亿元，"
                "95%的资金要向深度贫困地区倾斜。",
                "7月前",
                "市协作办、财政局、广东省第一扶贫协作工作组黔南组",
                None,
            ],
            [
                2,
                "适度增加结对县帮扶资金。各帮扶区根据各自东西部扶贫协作工作实际情况，适度增加东西部扶贫协作对口帮扶县帮扶资金。",
                "11月前",
                "各区政府",
                None,
            ],
            ["（三）人才支援", LEFT, LEFT, LEFT, LEFT],
            [
                1,
                "互派党政干部交流挂职。广州市向黔南州派送18名党政干部组成广东省第一扶贫协作工作组黔南组，"
                "按照双方约定接收黔南州党政干部赴穗挂职锻炼。",
                "按组织部门统一安排",
                "市委组织部，各区委组织部",
                None,
            ],
        ],
        [
            [
                2,
                "开展教育协作。细化两地已开展教育帮扶结对学校帮扶措施，共建3-5个示范学校和3-5个特色专业。"
                "选派15名教育工作者赴黔南州挂职。",
                "11月前",
                "市教育局，各区政府",
                None,
            ],
            [
                5,
                "开展党政干部培训。依托中山大学，为黔南州至少培训70名各级党政干部，重点向扶贫系统倾斜。",
                "11月前",
                "市委组织部、市协作办",
                None,
            ],
            [
                6,
                "开展农村致富带头人培训。每年至少组织1期50人的贫困村创业致富带头人培训工作。",
                "12月前",
                "广东省第一扶贫协作工作组黔南组",
                None,
            ],
            ["（四）产业合作", LEFT, LEFT, LEFT, LEFT],
            [
                3,
                "鼓励引导企业落户黔南。至少为每个结对帮扶县引导2个以上劳动力密集型、文化旅游、农产品深加工、农特产品销售、"
                "生态建设等能带动贫困户发展的企业落户黔南，引导鼓励落户企业优先接受建档立卡贫困户劳动力就业。",
                "12月前",
                "市国资委、工业信息化委、商务委、工商联、旅游局、农业局、协作办等部门，各区人民政府",
                None,
            ],
            ["（五）劳务协作", LEFT, LEFT, LEFT, LEFT],
            [
                2,
                "开展就业服务提供就业岗位。各区帮助各结对县至少完成118名贫困人口转移就业，"
                "全市帮助黔南州完成1180名以上贫困人口转移就业。市人力资源市场服务中心向黔南州推送适合当地劳动力就业岗位"
                "不少于2500个。",
                "12月前",
                "市人力资源社会保障局，各区政府",
                None,
            ],
            [
                4,
                "组织技能培训。全年组织不少于20次贫困人口就业培训，全年至少培训3000名有劳动意愿的建档立卡贫困人口。",
                "12月前",
                "市人力资源社会保障局，各区政府",
                None,
            ],
            ["（六）携手奔小康", LEFT, LEFT, LEFT, LEFT],
            [
                5,
                "开展村企结对帮扶。实施“广黔同心·携手同行—万企帮万村振兴计划”，完成10家企业或商会、协会与10个黔南州"
                "深度贫困村结对开展帮扶工作。",
                "12月前",
                "市工商联、国资委，各区政府",
                None,
            ],
        ],
    ],
)

# 003: 斗门区→湄潭县 2022 工作计划 (东西部协作, after 2021), its numbered tasks set out as a table with 责任单位
# only. The title names the eastern district alone: 「珠海市斗门区2022年东西部协作工作计划」.
DOUMEN_MEITAN_2022 = Layout(
    title=["珠海市斗门区2022年东西部协作工作计划任务清单"],
    pages=[
        [
            ["序号", "重点工作", "具体事项", "责任单位"],
            [
                1,
                "组织领导",
                "实施互访对接。推动新阶段东西部协作建立高效对接工作机制，落实两地党政主要领导开展互访对接及召开联席会议，"
                "切实解决工作中遇到的困难和问题，确保帮扶主体责任的落实。",
                "区委办（区府办），区乡村振兴局",
            ],
            [
                2,
                UP,
                "召开工作会议。结合东西部协作工作进展情况，协调召开党委常委会会议、政府常务会议、农村工作领导小组会议等"
                "至少各1次；区分管领导赴湄潭调研对接至少1次。",
                "区委办（区府办）、区乡村振兴局，区派驻遵义市湄潭县工作组",
            ],
            [
                5,
                "资金支持",
                "保证财政资金投入力度。根据年度东西部协作协议分解数，保障区级财政援助资金投入，"
                "财政帮扶资金主要用于支持湄潭县巩固拓展脱贫攻坚成果。",
                "区财政局、区乡村振兴局，区派驻遵义市湄潭县工作组",
            ],
            [
                8,
                "人才交流",
                "做好干部人才互派。党政干部和专业技术人才选派人次不低于上年。",
                "各镇（街）、区委组织部、区教育局、区人力资源和社会保障局，区派驻遵义市湄潭县工作组",
            ],
        ]
    ],
)
