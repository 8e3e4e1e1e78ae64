"""The assessment frameworks: the shipped templates load and file every record somewhere, an overlay lays a
province's work on the national base, bad templates are named, a group's own is kept in its ledger and travels,
and labels speak each era's words."""

import itertools
import json
import shutil

import pytest
from plan_samples import Layout, write_xlsx
from sqlalchemy import select

from ledger.assessment.frameworks import (
    FrameworkError,
    StoredFramework,
    available,
    for_year,
    framework_json,
    framework_lines,
    load,
    load_file,
    section_of,
)
from ledger.cli.main import main
from ledger.errors import NotFound
from ledger.field_types import FieldType
from ledger.kinds import KINDS
from ledger.models import AuditEntry, Setting
from ledger.plans.measures import MEASURES
from ledger.resources import resource_path
from ledger.storage.folder import Ledger

OLD = "east-west-poverty-2018"
NEW = "east-west-2021"
YUEGUI = "east-west-2021-yuegui"
NAMES = [OLD, NEW, YUEGUI]
WHOLE = [OLD, NEW]  # the shipped frameworks that are not overlays


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


def test_the_templates_are_shipped_and_load():
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
            ("meeting", {"meeting_type": "座谈会", "level": "县"}, "1.5 分管领导和部门调研对接"),
        ],
        "巩固拓展脱贫攻坚成果": [
            ("disbursement", {"fund_type": "财政援助资金"}, "2.1 财政援助资金"),
            ("labour", {"labour_type": "稳岗补贴"}, "2.4 帮助脱贫人口就业"),
            ("training", {"training_type": "劳动力技能培训"}, "2.6 职业技能培训"),
            ("consumption", {"channel": "机关采购"}, "2.7 消费协作"),
            ("industry", {"cooperation_type": "帮扶车间"}, "2.8 帮扶车间"),
        ],
        "加强区域协作": [
            ("cadre", {"direction": "西部派往东部"}, "3.1 党政干部挂职"),
            ("dispatch", {"field": "教育", "direction": "东部选派到西部"}, "3.2 教育人才"),
            ("training", {"training_type": "党政干部培训"}, "3.5 干部人才培训"),
            ("industry", {"cooperation_type": "引进企业投资"}, "3.7 引导企业投资和产业转移"),
        ],
        "推进乡村振兴": [
            ("meeting", {"meeting_type": "调研对接/互访", "level": "镇"}, "4.3 结对帮扶"),
            ("tie", {"level": "学校"}, "4.3 结对帮扶"),
            ("tie", {"level": "村企"}, "4.4 万企兴万村"),
        ],
        "基础工作": [("publicity", {"level": "中央"}, "5.2 宣传报道")],
    },
    YUEGUI: {
        "巩固拓展脱贫攻坚成果": [
            (
                "training",
                {"training_type": "劳动力技能培训"},
                "2.6 职业技能培训和“粤菜师傅”“广东技工”“南粤家政”“乡村工匠”工程",
            ),
        ],
        "加强区域协作": [("cadre", {"direction": "东部派往西部"}, "3.1 党政干部挂职")],
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


def test_the_national_base_has_the_six_parts_and_no_province_of_its_own():
    framework = load(NEW)
    assert [top.heading for top in framework.sections] == [
        "一、组织领导",
        "二、巩固拓展脱贫攻坚成果",
        "三、加强区域协作",
        "四、推进乡村振兴",
        "五、基础工作",
        "六、工作创新",
    ]
    sections = json.dumps(framework_json(framework)["sections"], ensure_ascii=False)
    assert not any(word in sections for word in ("粤菜师傅", "广东技工", "南粤家政", "乡村工匠", "菜篮子", "粤桂"))


def test_sections_for_kinds_not_yet_kept_hold_their_place_with_help():
    framework = load(NEW)
    for number in ("1.6", "2.3", "2.9", "3.9", "4.1", "4.2", "5.1", "六"):
        section = framework.section(number)
        assert section.is_leaf and section.help and not section.records, number


def test_the_yuegui_overlay_adds_its_programmes_under_the_right_sections():
    base, yuegui = load(NEW), load(YUEGUI)
    assert (yuegui.base, yuegui.years, base.base) == (NEW, (2021, None), None)
    training = yuegui.section("2.6")
    assert training.records == base.section("2.6").records
    assert training.measures[: len(base.section("2.6").measures)] == base.section("2.6").measures
    added = [dict(ref.params) for ref in training.measures[len(base.section("2.6").measures) :]]
    assert added == [{"programme": name} for name in ("粤菜师傅", "广东技工", "南粤家政", "乡村工匠")]
    consolidation = yuegui.section("二")
    assert [child.heading for child in consolidation.sections][-2:] == [
        "2.9 重点帮扶县和易地搬迁安置区",
        "2.10 粤港澳大湾区“菜篮子”",
    ]
    # Everything else is the base's, evidence rules included.
    changed = {"二", "2.6", "2.10"}
    assert [s for s in yuegui.walk() if s.number not in changed] == [s for s in base.walk() if s.number not in changed]
    assert yuegui.evidence == base.evidence


# A shipped overlay serves only when asked for by name: the national base is each year's own.
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
def test_the_json_form_is_the_template_itself(name, tmp_path):
    path = resource_path("frameworks", f"{name}.json")
    written = json.loads(path.read_text(encoding="utf-8"))
    framework = load(name)
    assert framework.source == written
    if name in WHOLE:
        assert framework_json(framework) == written
    else:  # an overlay in full: its base's sections with its changes laid in, a whole template of its own
        whole = load_file(_write(tmp_path, framework_json(framework), name))
        assert (whole.base, whole.sections, whole.evidence) == (None, framework.sections, framework.evidence)


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


def _write(tmp_path, data, name="custom"):
    path = tmp_path / f"{name}.json"
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
    with pytest.raises(FrameworkError, match="不是有效的 JSON：第 2 行"):
        load_file(path)


# Overlays: a group's variant names its base and changes it entry by entry.


def _overlay(*entries, **more):
    return {"name": "custom", "base": NEW, "title": "本组的考核", "sections": list(entries), **more}


def test_an_overlay_adds_replaces_and_changes_sections(tmp_path):
    training = {"measure": "trainees", "params": {"training_type": "劳动力技能培训"}}
    data = _overlay(
        {"add": {"number": "七", "title": "本组特色工作", "help": "“蓝鹰”项目的材料。"}},
        {"add": {"number": "3.10", "title": "对口支援", "help": "说明"}, "under": "三"},
        {"replace": "4.5", "with": {"number": "4.5", "title": "社会组织", "records": [{"kind": "tie"}]}},
        {"change": "1.1", "title": "联席会议", "measures": [training]},
        {"change": "2.7", "add_measures": [{"measure": "sales", "params": {"channel": "电商"}}]},
        evidence=[{"kind": "cadre", "roles": ["任职文件", "照片"]}],
        years=[2023, None],
    )
    framework = load_file(_write(tmp_path, data))
    base = load(NEW)
    assert (framework.base, framework.years, framework.description) == (NEW, (2023, None), base.description)
    assert [top.heading for top in framework.sections][-1] == "七、本组特色工作"
    assert framework.section("三").sections[-1].heading == "3.10 对口支援"
    assert section_of(framework, "tie", {"level": "社会组织"}).heading == "4.5 社会组织"
    joint = framework.section("1.1")
    assert (joint.title, joint.records) == ("联席会议", base.section("1.1").records)
    assert [ref.to_json() for ref in joint.measures] == [training]
    assert [ref.measure for ref in framework.section("2.7").measures] == ["sales", "sales"]
    assert framework.evidence[0].roles == (("任职文件",), ("照片",))
    assert framework.evidence[1:] == base.evidence
    assert framework.source == data


def test_an_overlay_with_a_bad_base_section_or_measure_is_refused_naming_every_problem(tmp_path):
    data = _overlay(
        {"change": "9.9", "title": "没有的小节"},
        {"add": {"number": "2.10", "title": "新", "measures": [{"measure": "trainess"}]}, "under": "二"},
        {"change": "2.6", "add_measures": [{"measure": "trainees", "params": {"programme": "蓝鹰"}}]},
        {"remove": "2.6"},
        {"add": {"number": "1.1", "title": "重复"}, "under": "一"},
        {"add": {"number": "2.11", "title": "下级"}, "under": "2.6"},
    )
    path = _write(tmp_path, data)
    with pytest.raises(FrameworkError) as caught:
        load_file(path)
    message = str(caught.value)
    assert message.splitlines()[0] == f"考核指标体系文件 {path} 有误："
    for expected in (
        'sections 第 1 项（change "9.9"）：east-west-2021 中没有编号为 9.9 的小节',
        '小节“2.10 新”，指标 1：没有指标 "trainess"',
        "sections 第 3 项，add_measures 第 1 项（培训人次）：",
        "蓝鹰",
        "sections 第 4 项：应写 add（增加小节）、replace（替换小节）或 change（修改小节）其中之一",
        "小节编号“1.1”重复：党政联席会议、重复",
        "小节“2.6 职业技能培训”：有下级小节的节不直接收录记录",
    ):
        assert expected in message, expected
    data["base"] = "east-west-2019"
    with pytest.raises(FrameworkError, match='base "east-west-2019" 无法使用：没有名为 east-west-2019 的考核指标体系'):
        load_file(_write(tmp_path, data))
    data["base"] = "custom"
    with pytest.raises(FrameworkError, match="base 不能是它自己"):
        load_file(_write(tmp_path, data))


# A group's own framework, kept in its ledger.


def _imported(run, path):
    status, out, err = run("framework", "import", path)
    assert status == 0, err
    return out


def _listed(run):
    status, out, err = run("framework", "list", "--json")
    assert status == 0, err
    return {item["name"]: item for item in json.loads(out)}


def test_import_keeps_a_groups_framework_that_list_show_and_the_year_then_use(run, ledger_path, tmp_path):
    status, out, err = run("framework", "export", YUEGUI, tmp_path / "粤桂.json")
    assert status == 0, err
    exported = json.loads((tmp_path / "粤桂.json").read_text(encoding="utf-8"))
    assert exported == load(YUEGUI).source  # as written: an overlay stays one
    exported["title"] = "鹤山—龙州东西部协作考核评价"
    path = _write(tmp_path, exported, "我们的体系")
    assert "已保存到台账" in _imported(run, path)

    listed = _listed(run)
    assert listed[YUEGUI] == {
        "name": YUEGUI,
        "title": "鹤山—龙州东西部协作考核评价",
        "years": [2021, None],
        "base": NEW,
        "stored": True,
    }
    assert not listed[NEW]["stored"]
    status, out, err = run("framework", "list")
    assert "台账中保存" in out and "随程序提供" in out
    status, out, err = run("framework", "show", YUEGUI)
    assert out.startswith("鹤山—龙州东西部协作考核评价\n") and "2.10 粤港澳大湾区“菜篮子”" in out
    with Ledger.open(ledger_path) as ledger, ledger.session() as session:
        assert for_year(2022, session).title == "鹤山—龙州东西部协作考核评价"  # the ledger's own comes first
        assert for_year(2020, session).name == OLD
        assert for_year(2022).name == NEW

    # The same again changes nothing; another version of the same name replaces it, audited.
    assert "未作修改" in _imported(run, path)
    exported["title"] = "鹤山—龙州考核（第二版）"
    assert "替换了台账中原有的同名体系" in _imported(run, _write(tmp_path, exported, "第二版"))
    assert _listed(run)[YUEGUI]["title"] == "鹤山—龙州考核（第二版）"
    with Ledger.open(ledger_path) as ledger, ledger.session() as session:
        logged = session.scalars(select(AuditEntry.changes).where(AuditEntry.target == "setting")).all()
        assert [list(json.loads(changes)) for changes in logged] == [[f"framework:{YUEGUI}"]] * 2
        old, new = json.loads(logged[1])[f"framework:{YUEGUI}"]
        assert (json.loads(old)["title"], json.loads(new)["title"]) == (
            "鹤山—龙州东西部协作考核评价",
            "鹤山—龙州考核（第二版）",
        )

    # Removed, the shipped one serves again.
    status, out, err = run("framework", "remove", YUEGUI)
    assert status == 0, err
    assert _listed(run)[YUEGUI]["title"] == load(YUEGUI).title and not _listed(run)[YUEGUI]["stored"]


def test_a_stored_framework_of_a_shipped_name_takes_its_place_and_its_overlays_follow(run, tmp_path):
    status, out, err = run("framework", "export", NEW, tmp_path / "national.json")
    base = json.loads((tmp_path / "national.json").read_text(encoding="utf-8"))
    base["sections"][1]["sections"][5]["title"] = "就业技能培训"  # 2.6
    assert "代替随程序提供的同名体系" in _imported(run, _write(tmp_path, base, "national"))
    status, out, err = run("framework", "show", YUEGUI, "--json")
    assert status == 0, err
    assert json.loads(out)["sections"][1]["sections"][5]["title"].startswith("职业技能培训和")  # its own change
    status, out, err = run("framework", "show", NEW)
    assert "2.6 就业技能培训" in out

    # A version without 2.6 leaves nothing for 粤桂's change: the shipped overlay is then left out, and said so.
    del base["sections"][1]["sections"][5]
    _imported(run, _write(tmp_path, base, "national"))
    assert YUEGUI not in _listed(run)
    status, out, err = run("framework", "list")
    assert status == 0 and "以下考核指标体系无法使用" in err and "没有编号为 2.6 的小节" in err


def test_import_refuses_a_bad_file_naming_it_and_keeps_nothing(run, ledger_path, tmp_path):
    path = _write(tmp_path, _overlay({"change": "9.9", "title": "x"}))
    status, out, err = run("framework", "import", path)
    assert status == 1 and str(path) in err and "没有编号为 9.9 的小节" in err
    status, out, err = run("framework", "import", tmp_path / "没有这个文件.json")
    assert status == 1 and "找不到文件" in err
    # An overlay kept in the ledger holds its base: a new version of the base that breaks it is refused.
    _imported(run, _write(tmp_path, _overlay({"change": "2.6", "title": "培训"})))
    status, out, err = run("framework", "export", NEW, tmp_path / "national.json")
    base = json.loads((tmp_path / "national.json").read_text(encoding="utf-8"))
    del base["sections"][1]["sections"][5]
    status, out, err = run("framework", "import", _write(tmp_path, base, "national"))
    assert status == 1 and "台账中保存的考核指标体系“custom”以它为基础" in err
    status, out, err = run("framework", "remove", NEW)
    assert status == 1 and "台账中没有保存名为 east-west-2021 的考核指标体系" in err
    with Ledger.open(ledger_path) as ledger, ledger.session() as session:
        assert session.scalars(select(Setting.key).where(Setting.key.like("framework:%"))).all() == ["framework:custom"]


def test_an_export_into_the_ledger_folder_is_refused(run, ledger_path):
    status, out, err = run("framework", "export", NEW, ledger_path / "体系.json")
    assert status == 1 and "不能把考核指标体系文件保存在台账文件夹里" in err


def test_a_package_carries_the_ledgers_frameworks_to_another_ledger(run, template_ledger, tmp_path):
    _imported(run, _write(tmp_path, _overlay({"change": "2.6", "title": "培训"})))
    status, out, err = run("pack", tmp_path / "甲.zip")
    assert status == 0, err
    other = tmp_path / "乙"
    shutil.copytree(template_ledger, other)

    def merge(*extra):
        code = main(["--ledger", str(other), "--author", "乙", "merge", str(tmp_path / "甲.zip"), *extra])
        assert code == 0

    merge("--dry-run")
    with Ledger.open(other) as ledger, ledger.session() as session:
        assert [f.name for f in available(session) if f.stored] == []
    merge()
    with Ledger.open(other) as ledger, ledger.session() as session:
        carried = load("custom", session)
        assert (carried.stored, carried.section("2.6").title) == (True, "培训")
        assert for_year(2022, session).name == "custom"
        entry = session.scalars(select(AuditEntry.changes).where(AuditEntry.target == "setting")).one()
        assert json.loads(entry)["package"] == "甲.zip"
    merge()  # the same package again changes nothing
    with Ledger.open(other) as ledger, ledger.session() as session:
        assert len(session.scalars(select(AuditEntry.id).where(AuditEntry.target == "setting")).all()) == 1


# Words by era: a measure's label says what that year's assessment says.

ERA_LABELS = [
    ("poor_trainees", {}, 2020, "培训建档立卡贫困人口人次"),
    ("poor_trainees", {}, 2022, "培训脱贫人口（含监测对象）人次"),
    ("poor_trainees", {}, None, "培训建档立卡/脱贫人口人次"),
    ("poor_workers", {"labour_type": "转移就业"}, 2019, "建档立卡贫困人口就业人数（转移就业）"),
    ("poor_workers", {"labour_type": "转移就业"}, 2021, "脱贫人口（含监测对象）就业人数（转移就业）"),
    ("poor_employed", {}, 2018, "产业带动建档立卡贫困人口就业"),
    ("poor_employed", {}, 2023, "产业带动脱贫人口（含监测对象）就业"),
    ("deep_poverty_share", {}, 2020, "投向深度贫困地区资金占比"),
    ("deep_poverty_share", {"fund_type": "财政援助资金"}, 2022, "投向国家乡村振兴重点帮扶县资金占比（财政援助资金）"),
    ("funds", {"deep_poverty": True}, 2020, "资金金额（投向深度贫困地区）"),
    ("funds", {"deep_poverty": True}, 2021, "资金金额（投向国家乡村振兴重点帮扶县）"),
    ("trainees", {"programme": "粤菜师傅"}, 2022, "培训人次（“粤菜师傅”）"),
]


@pytest.mark.parametrize(("measure", "params", "year", "label"), ERA_LABELS)
def test_a_measures_label_speaks_its_years_words(measure, params, year, label):
    assert MEASURES[measure].describe(params, year=year) == label


def test_frameworks_and_plans_speak_their_eras_words(run, tmp_path):
    assert "      指标：培训建档立卡贫困人口人次（劳动力技能培训），单位：人次" in framework_lines(load(OLD))
    assert "      指标：培训脱贫人口（含监测对象）人次（劳动力技能培训），单位：人次" in framework_lines(load(NEW))
    rows = [["重点工作", "具体事项", "完成时限"], ["劳务协作", "开展劳动力技能培训。", "12月"]]
    for year, words in ((2020, "建档立卡贫困人口"), (2022, "脱贫人口（含监测对象）")):
        path = write_xlsx(Layout([f"鹤山—龙州{year}年工作要点"], [rows]), tmp_path / f"{year}.xlsx")
        status, out, err = run("plan", "import", path, "--year", year)
        assert status == 0, err
        (plan,) = json.loads(run("plan", "list", "--year", year, "--json")[1])
        task = json.loads(run("plan", "show", plan["id"], "--json")[1])["tasks"][0]
        where = ("--where", "training_type=劳动力技能培训")
        status, out, err = run("plan", "set-target", task["task_id"], "--measure", "poor_trainees", "--min", 10, *where)
        assert status == 0 and out == f"已设置：培训{words}人次（劳动力技能培训） ≥ 10人次\n", err
        task = json.loads(run("plan", "show", plan["id"], "--json")[1])["tasks"][0]
        assert [target["label"] for target in task["targets"]] == [f"培训{words}人次（劳动力技能培训）"]
        (progress,) = json.loads(run("progress", "--year", year, "--json")[1])
        assert [target["label"] for target in progress["targets"]] == [f"培训{words}人次（劳动力技能培训）"]
        status, out, err = run("progress", "--year", year)
        assert f"培训{words}人次（劳动力技能培训）" in out


def test_a_package_whose_framework_cannot_be_used_is_refused_whole(run, template_ledger, tmp_path, monkeypatch, capsys):
    from ledger.exchange import pack

    bad = {"name": "bad", "base": "east-west-2019", "title": "坏的", "sections": [{"change": "2.6"}]}
    monkeypatch.setattr(pack, "stored_frameworks", lambda session: {"bad": StoredFramework(bad, None)})
    status, out, err = run("pack", tmp_path / "甲.zip")
    assert status == 0, err
    other = tmp_path / "乙"
    shutil.copytree(template_ledger, other)
    assert main(["--ledger", str(other), "merge", str(tmp_path / "甲.zip")]) == 1
    err = capsys.readouterr().err
    assert "交换包“甲.zip”中的考核指标体系有误，未作任何更改" in err and 'base "east-west-2019" 无法使用' in err
    with Ledger.open(other) as ledger, ledger.session() as session:
        assert [f.name for f in available(session)] == NAMES
