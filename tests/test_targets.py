"""Reading targets from the words of real plans (seeds 002 and 004): measure, filters, threshold, unit."""

from decimal import Decimal

import pytest

from ledger.plans.measures import MEASURES, parse_params
from ledger.plans.targets import read_targets, short_place

HESHAN, LONGZHOU = "鹤山市", "龙州县"


def _read(target_text, item="", east=HESHAN, west=LONGZHOU):
    reading = read_targets(target_text, item, east=east, west=west)
    return [(t.measure, t.params, t.threshold, t.unit) for t in reading.targets], reading.unmatched


@pytest.mark.parametrize(
    ("target_text", "item", "expected"),
    [
        # Seed 002, as the PDF table breaks its lines.
        (
            "两地联合召开联席\n会议 2次。",
            "鹤山—龙州扶贫协作党政联席会议。",
            [("meetings", {"meeting_type": "党政联席会议"}, 2, "次")],
        ),
        (
            "两地联合召开工作\n推进会 2次。",
            "召开鹤山—龙州扶贫协作工作推进会。",
            [("meetings", {"meeting_type": "工作推进会"}, 2, "次")],
        ),
        (
            "调研对接 2次以上。",
            "两地党委或政府主要领导同志分别到结对县（市）进行调研对接。",
            [
                ("meetings", {"meeting_type": "调研对接/互访", "main_leader_present": True, "held_in": side}, 2, "次")
                for side in ("东部", "西部")
            ],
        ),
        (
            "鹤山市不少于 3人，\n龙州县根据上级要\n求确定。",
            "鹤山、龙州组织协调遴选一批优秀干部互派交流、挂职。",
            [("cadres", {"direction": "东部派往西部"}, 3, "人")],
        ),
        (
            "鹤山市每年不少于\n4人次，龙州县每年\n不少于 8人次。选派\n老师跟岗学习交流\n时间不少于 1个月。",
            "互派教师交流学习，定期选派一批优秀教师到龙州进行对口支教。",
            [
                ("dispatches", {"field": "教育", "direction": "东部选派到西部", "min_days": 30}, 4, "人次"),
                ("dispatches", {"field": "教育", "direction": "西部到东部跟岗学习或进修", "min_days": 30}, 8, "人次"),
            ],
        ),
        ("培训人数不低于\n250 人次。", "支持龙州县加大对党政领导干部等培训力度。", [("trainees", {}, 250, "人次")]),
        (
            "260 万元。",
            "鹤山市向龙州县划拨粤桂扶贫协作财政帮扶资金。",
            [("funds", {"fund_type": "财政援助资金"}, 260, "万元")],
        ),
        (
            "社会各界捐赠资金\n（含捐物折款）在\n130 万元以上。",
            "全面推进社会扶贫。",
            [("funds", {"fund_level": "社会"}, 130, "万元")],
        ),
        (
            "举办 1期以上。",
            "组织 1期以上“粤菜厨师”技能培训班。",
            [("trainings", {"training_type": "劳动力技能培训", "programme": "粤菜师傅"}, 1, "期")],
        ),
        # Seed 004 has no 任务指标 column: the numbers are in the item.
        (
            "",
            "全年投入财政帮扶资金3亿元，其中95%以上投向深度贫困地区。",
            [("funds", {"fund_type": "财政援助资金"}, 30000, "万元"), ("deep_poverty_share", {}, 95, "%")],
        ),
        ("", "选派18名干部到黔南州挂职。", [("cadres", {}, 18, "人")]),
        (
            "",
            "全年培训贫困劳动力不低于3000人次。",
            [("poor_trainees", {"training_type": "劳动力技能培训"}, 3000, "人次")],
        ),
    ],
)
def test_targets_are_read_from_the_words_around_each_number(target_text, item, expected):
    targets, unmatched = _read(target_text, item)
    assert targets == [(m, p, Decimal(n), u) for m, p, n, u in expected]
    assert unmatched == []
    for measure, params, _, _ in targets:  # every proposal is a valid target
        assert parse_params(MEASURES[measure], params) == params


# Seeds 002, 001 and 004 on the other kinds: labour, industry, consumption, pairing ties and publicity.
GUANGZHOU, QIANNAN = "广州市", "黔南布依族苗族自治州"


@pytest.mark.parametrize(
    ("target_text", "item", "places", "expected"),
    [
        (
            "两地分别在省级以\n上媒体宣传报道粤\n桂扶贫工作经验做\n法、特色亮点 5个以\n上。",
            "加大宣传力度，总结鹤山-龙州扶贫协作的经验做法。",
            (HESHAN, LONGZHOU),
            [("provincial_reports", {"side": side}, 5, "篇") for side in ("东部", "西部")],
        ),
        (
            "联合举办残疾人招\n聘专场不少于 1场\n次，现场或网络招\n聘会 5场次。",
            "举办粤桂扶贫协作招聘会。",
            (HESHAN, LONGZHOU),
            [("job_fairs", {"disabled_only": True}, 1, "场"), ("job_fairs", {"disabled_only": False}, 5, "场")],
        ),
        (
            "1次以上。",
            "鹤山市组织名师精品课程，到龙州县开展课堂教学、听课评课，开设公开课、研讨课或专题讲座，指导当地学校。",
            (HESHAN, LONGZHOU),
            [("tie_activities", {"level": "学校"}, 1, "次")],
        ),
        (
            "年内开展义诊活动\n1次",
            "推动鹤山、龙州两地医院结对帮扶，积极组织鹤山市人民医院医生前往龙州县开展义诊活动。",
            (HESHAN, LONGZHOU),
            [("tie_activities", {"level": "医院", "activity": "义诊"}, 1, "次")],
        ),
        (
            "",
            "促进贫困人口就业，两地联合举办1期以上粤桂扶贫协作招聘会。2019年新增转移到东部地区就业贫困人口不低于155人。",
            ("江门市江海区", "大新县"),
            [
                ("job_fairs", {}, 1, "场"),
                ("poor_workers", {"labour_type": "转移就业", "to_east": True}, 155, "人"),
            ],
        ),
        (
            "",
            "通过发布用工信息、提供就业岗位、举行就业培训、举办专场招聘会等多种方式，各区帮助各结对县至少完成118名贫困"
            "人口转移就业，全市帮助黔南州完成1180名以上贫困人口转移就业。市人力资源市场服务中心向黔南州推送适合当地劳动"
            "力就业岗位不少于2500个。",
            (GUANGZHOU, QIANNAN),
            [
                ("poor_workers", {"labour_type": "转移就业"}, 118, "人"),  # each county's, beside the city's
                ("poor_workers", {"labour_type": "转移就业"}, 1180, "人"),
                ("jobs_offered", {}, 2500, "个"),
            ],
        ),
        (
            "",
            "至少为每个结对帮扶县引导2个以上劳动力密集型、文化旅游、农产品深加工等能带动贫困户发展的企业落户黔南。",
            (GUANGZHOU, QIANNAN),
            [("enterprises", {"cooperation_type": "引进企业投资"}, 2, "家")],
        ),
        (
            "",
            "开展村企结对帮扶。完成 10 家企业或商会、协会与 10 个黔南州深度贫困村结对开展帮扶工作。",
            (GUANGZHOU, QIANNAN),
            [("ties", {"level": "村企"}, 10, "对")],
        ),
        ("", "带动贫困户农产品销售500万元以上。", (HESHAN, LONGZHOU), [("sales", {}, 500, "万元")]),
        (
            "", "帮助贫困劳动力转移就业1180名以上。", (HESHAN, LONGZHOU),
            [("poor_workers", {"labour_type": "转移就业"}, 1180, "人")],
        ),
    ],
)  # fmt: skip
def test_the_other_kinds_targets_are_read_from_the_seeds(target_text, item, places, expected):
    targets, unmatched = _read(target_text, item, *places)
    assert targets == [(m, p, Decimal(n), u) for m, p, n, u in expected]
    assert unmatched == []
    for measure, params, _, _ in targets:
        assert parse_params(MEASURES[measure], params) == params


def test_trainees_of_poor_villages_are_not_counted_as_poor_people():
    targets, _ = _read("", "每年至少组织1期50人的贫困村创业致富带头人培训工作。", GUANGZHOU, QIANNAN)
    assert ("trainees", {}, Decimal(50), "人次") in targets


def test_several_meeting_types_share_a_number_and_each_side_is_counted():
    targets, _ = _read(
        "两地分别召开党委\n常委会议、政府常务\n会议各 4次、扶贫开\n发领导小组会议 3\n次。",
        "两地分别召开党委常委会会议、政府常务会、扶贫开发领导小组会议。",
    )
    counted = {(p["meeting_type"], p["held_in"]): n for _, p, n, _ in targets}
    assert counted == {
        (meeting_type, side): Decimal(number)
        for meeting_type, number in (("党委常委会会议", 4), ("政府常务会议", 4), ("领导小组会议", 3))
        for side in ("东部", "西部")
    }


def test_a_target_restated_in_the_same_task_is_proposed_once():
    targets, _ = _read(
        "",
        "市领导赴黔南州调研对接工作。协调市委或市政府主要领导赴黔南州调研对接工作1次；"
        "市委或市政府主要负责人至少赴黔南州调研检查工作1次。",
        east="广州市",
        west="黔南布依族苗族自治州",
    )
    assert len(targets) == 1 and targets[0][0] == "meetings" and targets[0][2] == 1


@pytest.mark.parametrize(
    ("target_text", "item"),
    [
        ("每屯 1名环卫保洁。", "全县每个屯设置由贫困户组成的环卫保洁扶贫岗位。"),
        # One workshop in each township is twelve in a county of twelve: no total the ledger can count.
        ("", "引导企业把扶贫车间建到乡镇，争取每个乡镇都有1个扶贫车间。"),
        ("", "共建3-5个示范学校和3-5个特色专业。"),
    ],
)
def test_numbers_no_measure_counts_stay_as_text(target_text, item):
    targets, unmatched = _read(target_text, item)
    assert targets == []
    assert unmatched and all(any(ch.isdigit() for ch in words) for words in unmatched)


def test_words_without_numbers_give_nothing():
    assert _read("按照两地学校签订的协议进行。", "做好结对子帮扶工作。") == ([], [])
    assert _read("两地人民医院互派副院长，挂职时间一年。", "互派副院长挂职。") == ([], [])


@pytest.mark.parametrize(
    ("name", "short"),
    [
        ("鹤山市", "鹤山"),
        ("龙州县", "龙州"),
        ("江门市江海区", "江海"),
        ("黔南布依族苗族自治州", "黔南"),
        ("广州市", "广州"),
    ],
)
def test_places_are_known_by_their_short_names(name, short):
    assert short_place(name) == short


def test_the_direction_follows_the_place_named_in_the_same_clause():
    targets, _ = _read("", "江海区选派教师不少于5人次到大新县支教。", east="江门市江海区", west="大新县")
    assert targets == [("dispatches", {"field": "教育", "direction": "东部选派到西部"}, Decimal(5), "人次")]


@pytest.mark.parametrize(
    ("item", "direction"),
    [
        ("互派党政干部交流挂职。广州市向黔南州派送18名党政干部组成工作组。", "东部派往西部"),
        ("黔南州选派到广州市挂职的党政干部18名。", "西部派往东部"),
        ("广州市、黔南州挂职干部18名。", None),
    ],
)
def test_with_both_places_named_the_one_that_sends_gives_the_direction(item, direction):
    targets, _ = _read("", item, east="广州市", west="黔南布依族苗族自治州")
    assert [(t[0], t[1].get("direction")) for t in targets] == [("cadres", direction)]
