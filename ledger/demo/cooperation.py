"""The demo year's industry, labour, consumption, pairing-tie and publicity records (鹤山市—龙州县, 2020).

What seed 002 asks of these (section 四 to 六 and 1.5): enterprises and 帮扶车间 in the industrial park,
poor workers taken to jobs in 鹤山 and 江门 or near home, six job fairs of which one for disabled people,
farm products bought by offices, unions and shops, the paired schools, hospitals (with 义诊), towns,
villages and enterprises with a year of activities each, and five reports in provincial or national media
from each side. Names are data (resources/demo/heshan-longzhou-2020-cooperation.json); dates, counts and
amounts come from the demo year's random stream.
"""

from __future__ import annotations

import json
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from ledger.activities import Activity
from ledger.demo.year import ORDINALS, Document, Entry, Values, Year, spoken, wan
from ledger.resources import resource_path


def generate(year: Year) -> list[Entry]:
    data = json.loads(resource_path("demo", "heshan-longzhou-2020-cooperation.json").read_text(encoding="utf-8"))
    return (
        _industry(year, data)
        + _labour(year, data)
        + _consumption(year, data)
        + _ties(year, data)
        + _reports(year, data)
    )


def _month(year: Year, first: int, last: int | None = None) -> date:
    """A working day in the months from `first` to `last`."""
    return year.day(year.on(first, 1), year.on(last or first, 28))


def _share(year: Year, people: int, share: list[float]) -> int:
    return round(people * year.rng.uniform(*share))


def _yuan(year: Year, low: int, high: int, step: int = 1000) -> Decimal:
    return Decimal(year.rng.randrange(low, high + 1, step))


# 产业合作 -----------------------------------------------------------------------------------------


def _industry(year: Year, data: dict[str, Any]) -> list[Entry]:
    west = year.place("west")
    units = year.data["departments"]["commerce"]
    entries = []
    for project in data["industry"]:
        signed = _month(year, *project["months"])
        values: Values = {
            "title": f"{project['enterprise']}{_industry_verb(project['type'], project['park'] or west)}",
            "cooperation_type": project["type"],
            "enterprise": project["enterprise"],
            "enterprise_home": project["home"],
            "park": project["park"] or None,
            "date": signed,
            "summary": project["summary"],
            "location": project["park"] or west,
            "responsible_units": units,
            "record_status": year.status(signed),
        }
        if "investment" in project:
            values["investment"] = _yuan(year, *project["investment"], step=10000)
            values["pledged_investment"] = Decimal(project.get("pledged") or values["investment"])
            values["employed"] = year.rng.randint(*project["employed"])
            values["poor_employed"] = _share(year, values["employed"], project["poor_share"])
            values["production_date"] = year.day(signed + timedelta(days=30), year.on(11, 30))
        agreement = Document(
            f"{project['enterprise']}与{west}{project['type']}合作协议书",
            f"鹤龙产协〔{year.year}〕{len(entries) + 1:02d}号",
            (
                f"甲方：{west}人民政府（或其授权单位）；乙方：{project['enterprise']}（{project['home']}）。",
                project["summary"],
                "甲方负责协调用地、用工和政策兑现，乙方按约定投资建设并优先吸纳建档立卡贫困劳动力就业。",
            ),
            project["enterprise"],
            signed,
        )
        photo = ("车间生产.jpg", f"{project['park']}生产现场") if project["park"] else ("推介活动.jpg", values["title"])
        entries.append(Entry("industry", values, [("合作协议书.pdf", "协议书", agreement)], [photo]))
    return entries


def _industry_verb(kind: str, place: str) -> str:
    return {
        "产业园区": f"入驻{place}",
        "引进企业投资": f"落户{place}投资建设",
        "帮扶车间": f"开办{place}",
        "特色产业项目": f"合作建设{place}",
        "文化旅游合作": "开展“百企千团游龙州”旅游协作",
    }[kind]


# 劳务协作 -----------------------------------------------------------------------------------------


def _labour(year: Year, data: dict[str, Any]) -> list[Entry]:
    rng, labour_units = year.rng, year.data["departments"]["labour"]
    entries = []

    def add(values: Values, documents=(), photos=(), roll: str = "") -> Entry:
        values |= {"responsible_units": labour_units, "record_status": year.status(values["date"])}
        entry = Entry("labour", values, list(documents), list(photos), roll)
        entries.append(entry)
        return entry

    transfers = data["transfers"]
    for to_east, groups in ((True, transfers["east"]), (False, transfers["other"])):
        for group in groups:
            for batch in range(group["batches"]):
                people = rng.randint(*group["people"])
                where = group["destination"].removeprefix("广东省").removeprefix("广西壮族自治区")
                title = f"龙州县贫困劳动力“点对点”输送到{where}务工"
                add(
                    {
                        "title": title + (f"（第{ORDINALS[batch]}批）" if group["batches"] > 1 else ""),
                        "date": _month(year, *group["months"]),
                        "labour_type": "转移就业",
                        "to_east": to_east,
                        "people": people,
                        "poor_people": _share(year, people, [0.6, 0.8]),
                        "destination": group["destination"],
                        "employer": group.get("employer") or rng.choice(data["employers"]),
                        "summary": "人社部门摸排务工意愿，包车“点对点”送达用工企业，途中和入职后跟踪服务。",
                    },
                    roll="花名册",
                )
    for nearby in transfers["nearby"]:
        people = rng.randint(*nearby["people"])
        add(
            {
                "title": nearby["title"],
                "date": _month(year, nearby["month"]),
                "labour_type": "就近就地就业",
                "people": people,
                "poor_people": people if nearby.get("all_poor") else _share(year, people, [0.6, 0.8]),
                "destination": nearby["destination"],
            },
            roll="花名册",
        )
    for fair in data["job_fairs"]:
        held = _month(year, fair["month"])
        jobs = rng.randrange(fair["jobs"][0], fair["jobs"][1] + 1, 10)
        values = {
            "title": f"{year.year}年{fair['title']}",
            "date": held,
            "labour_type": "招聘会",
            "stalls": rng.randint(*fair["stalls"]),
            "jobs": jobs,
            "people": round(jobs * rng.uniform(0.05, 0.12)),
            "disabled_only": fair.get("disabled_only", False),
            "location": "线上（鹤山人才网、龙州就业微信公众号）" if fair.get("online") else "龙州县人力资源市场",
            "summary": f"组织江门、鹤山企业提供岗位{jobs}个，现场登记求职、达成就业意向。",
        }
        notice = Document(
            f"关于举办{values['title']}的通知",
            year.doc_no("龙人社通", held, per_year=60),
            (f"定于{spoken(held)}举办{values['title']}。", values["summary"], "请各乡镇组织有就业意愿的劳动力参加。"),
            labour_units[1],
            held,
        )
        add(values, [("招聘会通知.pdf", "通知文件", notice)], [("招聘会现场.jpg", f"{values['title']}现场")])
    station = data["station"]
    opened = _month(year, station["month"])
    add(
        {
            "title": station["title"],
            "date": opened,
            "labour_type": "劳务协作站",
            "jobs": rng.randrange(station["jobs"][0], station["jobs"][1] + 1, 10),
            "location": station["location"],
            "summary": "常驻龙州收集发布鹤山企业岗位，办理劳务输出登记和返岗跟踪服务。",
        },
        photos=[("工作站揭牌.jpg", station["title"])],
    )
    east_workers = sum(e.values["poor_people"] for e in entries if e.values.get("to_east"))
    for subsidy in data["subsidies"]:
        paid = _month(year, subsidy["month"])
        people = round(east_workers * rng.uniform(0.5, 0.8))
        amount = Decimal(people * subsidy["per_person"])
        voucher = Document(
            subsidy["title"],
            year.doc_no("龙人社发", paid, per_year=80),
            (f"按每人{subsidy['per_person']}元标准，向{people}名贫困劳动力发放补贴，共计{amount:,.2f}元。",),
            labour_units[1],
            paid,
        )
        add(
            {
                "title": subsidy["title"],
                "date": paid,
                "labour_type": "稳岗补贴",
                "people": people,
                "poor_people": people,
                "subsidy": amount,
                "summary": f"粤桂协作资金按每人{subsidy['per_person']}元发放，直接打入本人账户。",
            },
            [("补贴拨付凭证.pdf", "拨付凭证", voucher)],
            roll="花名册",
        )
    return entries


# 消费协作 -----------------------------------------------------------------------------------------


def _consumption(year: Year, data: dict[str, Any]) -> list[Entry]:
    rng, entries = year.rng, []
    for sale in data["consumption"]:
        when = _month(year, sale["month"])
        amount = _yuan(year, *sale["amount"], step=100)
        products = "、".join(rng.sample(data["products"], rng.randint(2, 4)))
        values = {
            "title": f"{year.year}年{sale['title']}",
            "channel": sale["channel"],
            "products": products,
            "amount": amount,
            "buyer": sale["buyer"],
            "date": when,
            "poor_benefited": rng.randint(40, 300),
            "summary": f"采购或销售{products}，金额{wan(amount)}万元。",
            "responsible_units": [year.data["departments"]["commerce"][0], year.data["departments"]["agriculture"][1]],
            "record_status": year.status(when),
        }
        receipt = Document(
            f"{values['title']}销售凭证",
            f"No.{rng.randrange(10**7, 10**8)}",
            (f"购货单位：{sale['buyer']}。", f"货品：{products}。", f"金额合计：人民币{amount:,.2f}元。"),
            "龙州县扶贫产品供应商",
            when,
        )
        entries.append(Entry("consumption", values, [("销售凭证.pdf", "销售凭证", receipt)]))
    return entries


# 结对帮扶 -----------------------------------------------------------------------------------------


def _ties(year: Year, data: dict[str, Any]) -> list[Entry]:
    pairs = [("学校", pair) for pair in year.data["school_pairs"]]
    pairs += [("医院", pair) for pair in year.data["hospital_pairs"]]
    pairs += [("乡镇" if pair[1].endswith("镇") else "村", pair) for pair in year.data["town_pairs"]]
    pairs += [(level, pair) for level, listed in data["ties"].items() for pair in listed]
    entries = []
    for level, (east, west) in pairs:
        # Most ties were signed in the plan's first years and are kept up: one record since the agreement, with no
        # end date, counts in every year; its activities are this year's.
        signed = year.day(date(year.year - 2, 3, 1), year.on(3, 31))
        values = {
            "title": f"{east}与{west}结对帮扶",
            "level": level,
            "east_party": east,
            "west_party": west,
            "date": signed,
            "activities": _activities(year, data["activities"][level]),
            "summary": f"按照结对帮扶协议，{east}在人才交流、物资和项目上帮扶{west}。",
            "responsible_units": [year.data["offices"]["east"]["poverty"], year.data["offices"]["west"]["poverty"]],
            "record_status": year.status(year.on(6, 30)),
        }
        agreement = Document(
            f"{east}与{west}结对帮扶协议书",
            "",
            (f"甲方：{east}；乙方：{west}。", "双方结为帮扶对子，每年制定帮扶计划，开展交流互访和帮扶活动。"),
            east,
            signed,
        )
        entries.append(Entry("tie", values, [("结对帮扶协议书.pdf", "协议书", agreement)]))
    return entries


def _activities(year: Year, choices: list[list[Any]]) -> list[Activity]:
    rng = year.rng
    # The first is what such a tie does every year (送教, 义诊 …); one or two others beside it.
    chosen = [choices[0], *rng.sample(choices[1:], min(len(choices) - 1, rng.randint(1, 2)))]
    activities = []
    for what, unit, count, amount in (choice + [None] * (4 - len(choice)) for choice in chosen):
        activities.append(
            Activity(
                _month(year, 3, 11),
                what,
                Decimal(rng.randint(*count)) if count else None,
                unit or "",
                _yuan(year, *amount) if amount else None,
            )
        )
    return sorted(activities, key=lambda activity: activity.date)


# 宣传 ---------------------------------------------------------------------------------------------


def _reports(year: Year, data: dict[str, Any]) -> list[Entry]:
    publicity = year.data["departments"]["publicity"]
    entries = []
    for report in data["reports"]:
        when = _month(year, report["month"])
        side = 0 if report["side"] == "东部" else 1
        values = {
            "title": report["title"],
            "date": when,
            "outlet": report["outlet"],
            "level": report["level"],
            "medium": report["medium"],
            "side": report["side"],
            "edition": report.get("edition"),
            "link": None if report["medium"] in ("报刊", "广播电视") else f"https://example.cn/news/{when:%Y%m%d}.html",
            "responsible_units": [publicity[side]],
            "record_status": year.status(when),
        }
        page = Document(
            report["title"],
            f"{report['outlet']} {spoken(when)} {report.get('edition') or ''}".strip(),
            (f"本报讯 {report['title']}。", f"{year.place('east')}与{year.place('west')}扶贫协作的做法和成效。"),
            report["outlet"],
            when,
        )
        entries.append(Entry("publicity", values, [("报道版面.pdf", "报道截图", page)]))
    return entries
