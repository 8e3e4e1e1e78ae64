"""The assessment frameworks: both templates load, file every record somewhere, and bad templates are named."""

import itertools
import json

import pytest

from ledger.assessment.frameworks import (
    FrameworkError,
    available,
    for_year,
    framework_json,
    framework_lines,
    load,
    load_file,
    section_of,
)
from ledger.errors import NotFound
from ledger.field_types import FieldType
from ledger.kinds import KINDS
from ledger.resources import resource_path

OLD = "east-west-poverty-2018"
NEW = "east-west-2021"
NAMES = [OLD, NEW]


def _every_record(kind):
    """One set of values for each combination of the kind's choice and yes/no fields, empty ones included."""
    options = {}
    for field in KINDS[kind].fields:
        if field.type is FieldType.CHOICE:
            options[field.name] = [*field.choices, *([] if field.required else [None])]
        elif field.type is FieldType.BOOL:
            options[field.name] = [True, False]
    for combination in itertools.product(*options.values()):
        yield dict(zip(options, combination, strict=True))


def test_both_templates_are_shipped_and_load():
    assert [framework.name for framework in available()] == NAMES
    for name in NAMES:
        framework = load(name)
        assert framework.name == name
        assert framework.title and framework.sections


@pytest.mark.parametrize("name", NAMES)
def test_section_numbers_are_unique(name):
    numbers = [section.number for section in load(name).walk()]
    assert len(numbers) == len(set(numbers))


@pytest.mark.parametrize("name", NAMES)
def test_every_record_the_kinds_can_make_lands_in_a_section(name):
    framework = load(name)
    reached = set()
    for kind in KINDS:
        for values in _every_record(kind):
            section = section_of(framework, kind, values)
            assert section is not None, (kind, values)
            assert section.is_leaf
            reached.add(section.number)
    # No selector is shadowed by an earlier, broader one.
    assert reached == {section.number for section in framework.leaves() if section.records}


# Where an inspector looks for a record, by framework and area: the record's kind and values, and the heading.
LANDINGS = {
    OLD: {
        "组织领导": [
            ("meeting", {"meeting_type": "党政联席会议", "level": "县"}, "1.1 党政联席会议"),
            ("meeting", {"meeting_type": "调研对接/互访", "main_leader_present": True}, "1.2 高层互访调研"),
            ("publicity", {"level": "省"}, "1.6 宣传报道"),
        ],
        "人才支援": [
            ("cadre", {"direction": "西部派往东部", "rank": "科级"}, "2.1 挂职干部"),
            ("dispatch", {"field": "教育", "direction": "东部选派到西部"}, "2.2 支教"),
            ("dispatch", {"field": "医疗卫生", "direction": "西部到东部跟岗学习或进修"}, "2.3 支医"),
        ],
        "资金支持": [
            ("disbursement", {"fund_type": "财政援助资金"}, "3.1 财政援助资金"),
            ("disbursement", {"fund_type": "捐物折款"}, "3.2 社会帮扶资金和捐物"),
        ],
        "产业合作": [
            ("industry", {"cooperation_type": "帮扶车间"}, "4.2 产业园区和扶贫车间"),
            ("consumption", {"channel": "直播"}, "4.3 消费扶贫"),
        ],
        "劳务协作": [
            ("labour", {"labour_type": "转移就业", "to_east": True}, "5.1 转移就业"),
            ("labour", {"labour_type": "招聘会"}, "5.2 招聘会和劳务对接"),
            ("training", {"training_type": "劳动力技能培训"}, "5.3 劳动力技能培训"),
        ],
        "携手奔小康": [
            ("meeting", {"meeting_type": "座谈会", "level": "镇"}, "6.1 镇村结对"),
            ("tie", {"level": "村"}, "6.1 镇村结对"),
            ("tie", {"level": "医院"}, "6.2 学校和医院结对"),
            ("tie", {"level": "村企"}, "6.3 村企结对"),
        ],
    },
    NEW: {
        "组织领导": [
            ("meeting", {"meeting_type": "党政联席会议", "level": "市"}, "1.1 党政联席会议"),
            ("meeting", {"meeting_type": "调研对接/互访", "level": "镇"}, "1.7 结对帮扶"),
            ("tie", {"level": "学校"}, "1.7 结对帮扶"),
        ],
        "资金支持": [("disbursement", {"fund_type": "财政援助资金"}, "2.1 财政援助资金")],
        "干部人才交流": [
            ("dispatch", {"field": "教育", "direction": "东部选派到西部"}, "3.2 教育人才"),
            ("training", {"training_type": "党政干部培训"}, "3.5 干部人才培训"),
        ],
        "产业协作": [("industry", {"cooperation_type": "引进企业投资"}, "4.2 引导企业投资和产业转移")],
        "劳务协作": [
            ("labour", {"labour_type": "稳岗补贴"}, "5.1 农村劳动力转移就业"),
            ("training", {"training_type": "劳动力技能培训"}, "5.3 职业技能培训"),
        ],
        "消费协作": [("consumption", {"channel": "机关采购"}, "6.2 产销对接和销售渠道")],
        "社会力量参与": [("tie", {"level": "村企"}, "9.1 万企兴万村")],
        "信息报送和宣传": [("publicity", {"level": "中央"}, "10.2 新闻宣传")],
    },
}


@pytest.mark.parametrize(
    ("name", "area", "kind", "values", "heading"),
    [
        (name, area, *landing)
        for name, areas in LANDINGS.items()
        for area, landings in areas.items()
        for landing in landings
    ],
)
def test_records_land_where_an_inspector_looks(name, area, kind, values, heading):
    framework = load(name)
    section = section_of(framework, kind, values)
    assert section.heading == heading
    assert next(top.title for top in framework.sections if section in top.walk()) == area


def test_sections_for_kinds_not_yet_kept_hold_their_place_with_help():
    framework = load(NEW)
    area = framework.section("七")
    assert area.title == "乡村建设和乡村治理"
    assert all(leaf.help and not leaf.records for leaf in area.walk() if leaf.is_leaf)


@pytest.mark.parametrize(("year", "name"), [(2018, OLD), (2020, OLD), (2021, NEW), (2022, NEW), (2035, NEW)])
def test_the_framework_for_a_year(year, name):
    assert for_year(year).name == name


def test_a_year_before_any_framework_is_refused_in_chinese():
    with pytest.raises(NotFound, match="没有适用于 2010 年的考核指标体系"):
        for_year(2010)


def test_an_unknown_name_lists_the_known_ones():
    with pytest.raises(NotFound, match="east-west-2021"):
        load("east-west-2019")


@pytest.mark.parametrize("name", NAMES)
def test_the_json_form_is_the_template_itself(name):
    path = resource_path("frameworks", f"{name}.json")
    assert framework_json(load(name)) == json.loads(path.read_text(encoding="utf-8"))


def test_the_outline_shows_headings_selectors_and_measures():
    lines = framework_lines(load(OLD))
    assert lines[0] == "东西部扶贫协作考核（2018—2020年）"
    assert "一、组织领导" in lines
    assert "  1.1 党政联席会议" in lines
    assert "      收录：会议与互访（会议类型：党政联席会议）" in lines
    assert "      指标：会议与互访次数（党政联席会议），单位：次" in lines
    assert "      收录：会议与互访（会议类型：调研对接/互访、座谈会、其他；层级：省、市、县、未填写）" in lines
    assert "      收录：干部挂职（全部）" in lines


def _template(**section):
    leaf = {
        "number": "1.1",
        "title": "党政联席会议",
        "records": [{"kind": "meeting", "where": {"meeting_type": ["党政联席会议"]}}],
        "measures": [{"measure": "meetings", "params": {"meeting_type": "党政联席会议"}}],
        **section,
    }
    return {
        "name": "custom",
        "title": "自定义考核",
        "years": [2018, 2020],
        "sections": [{"number": "一", "title": "组织领导", "sections": [leaf]}],
    }


def _write(tmp_path, data):
    path = tmp_path / "custom.json"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return path


def test_a_valid_custom_template_loads_from_its_path(tmp_path):
    framework = load_file(_write(tmp_path, _template()))
    assert section_of(framework, "meeting", {"meeting_type": "党政联席会议"}).number == "1.1"
    assert section_of(framework, "meeting", {"meeting_type": "座谈会"}) is None


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        ({"records": [{"kind": "meetin"}]}, '没有记录类型 "meetin"'),
        ({"records": [{"kind": "meeting", "where": {"meeting_kind": ["座谈会"]}}]}, '"meeting_kind"'),
        ({"records": [{"kind": "meeting", "where": {"lead": ["张三"]}}]}, '没有可用于归类的字段 "lead"'),
        ({"records": [{"kind": "meeting", "where": {"meeting_type": ["党政会议"]}}]}, '没有选项 "党政会议"'),
        ({"records": [{"kind": "meeting", "where": {"meeting_type": [None]}}]}, "没有选项 null"),
        ({"records": [{"kind": "meeting", "where": {"main_leader_present": "是"}}]}, "应写 true 或 false"),
        ({"measures": [{"measure": "meeting"}]}, '没有指标 "meeting"'),
        ({"measures": [{"measure": "meetings", "params": {"meeting_type": "党政会议"}}]}, "党政会议"),
        ({"measures": [{"measure": "meetings", "params": {"fund_type": "财政援助资金"}}]}, "fund_type"),
        ({"record": []}, "不认识的项“record”"),
        ({"sections": [{"number": "1.2", "title": "下级"}]}, "有下级小节的节不直接收录记录"),
    ],
)
def test_a_broken_template_names_the_file_and_the_section(tmp_path, change, expected):
    path = _write(tmp_path, _template(**change))
    with pytest.raises(FrameworkError) as caught:
        load_file(path)
    message = str(caught.value)
    assert str(path) in message
    assert "小节“1.1 党政联席会议”" in message
    assert expected in message


def test_every_problem_is_reported_at_once(tmp_path):
    data = _template(records=[{"kind": "meetin"}])
    data["sections"].append({"number": "1.1", "title": "重复的小节"})
    data["years"] = [2020, 2018]
    data["name"] = "other"
    with pytest.raises(FrameworkError) as caught:
        load_file(_write(tmp_path, data))
    message = str(caught.value)
    for expected in ("meetin", "小节编号“1.1”重复：党政联席会议、重复的小节", "years", "name 应与文件名一致"):
        assert expected in message


def test_a_file_that_is_not_json_names_the_line(tmp_path):
    path = tmp_path / "custom.json"
    path.write_text('{"name": "custom",\n  "title": }', encoding="utf-8")
    with pytest.raises(FrameworkError, match="不是有效的 JSON（第 2 行"):
        load_file(path)
