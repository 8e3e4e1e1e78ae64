"""The demo ledger: a year of 鹤山市—龙州县 cooperation (2020), as the plan in seed 002 asked for it.

It lets a new user see a full ledger at once and gives tests and benchmarks realistic data: the
meetings the plan requires (联席会议 2, 推进会 2, 常委会 and 常务会 4 each side, 领导小组会议 3 each
side, 互访 both ways), cadres both ways, teachers and doctors both ways mostly for a month or more,
training in the hundreds of 人次, 260 万元 of fiscal aid and over 130 万元 of donations — each with
evidence files made on the fly. Everything comes from one `random.Random(seed)`: the same seed
gives the same ledger.
"""

from __future__ import annotations

import json
import random
import tempfile
from collections.abc import Callable
from datetime import date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

from ledger import evidence, records
from ledger.demo_files import demo_pdf, demo_photo
from ledger.folder import Ledger
from ledger.identity import id_check_char
from ledger.kinds import KINDS
from ledger.models import Setting
from ledger.resources import resource_path

AUTHOR = "示范数据"
Progress = Callable[[float, str], None]


class _Year:
    """Draws the people, dates and documents of the demo year from one random stream."""

    def __init__(self, seed: int):
        self.rng = random.Random(seed)
        self.data = json.loads(resource_path("demo", "heshan-longzhou-2020.json").read_text(encoding="utf-8"))
        self.year = self.data["year"]
        self.used_names: set[str] = set()
        self.doc_numbers: dict[str, int] = {}
        self.rare_names = list(self.data["rare_names"])

    def day(self, first: date, last: date, weekdays_only: bool = True) -> date:
        while True:
            chosen = first + timedelta(days=self.rng.randrange((last - first).days + 1))
            if not weekdays_only or chosen.weekday() < 5:
                return chosen

    def name(self) -> str:
        if self.rare_names and self.rng.random() < 0.05:
            return self.rare_names.pop(0)
        while True:
            name = self.rng.choice(self.data["surnames"]) + self.rng.choice(self.data["given_names"])
            if name not in self.used_names:
                self.used_names.add(name)
                return name

    def id_number(self, side: str, gender: str) -> str:
        region = "440784" if side == "east" else "451423"
        birth = date(1965, 1, 1) + timedelta(days=self.rng.randrange(365 * 30))
        serial = self.rng.randrange(0, 99) * 10 + (
            self.rng.choice((1, 3, 5, 7, 9)) if gender == "男" else 2 * self.rng.randrange(5)
        )
        first17 = f"{region}{birth:%Y%m%d}{serial:03d}"
        return first17 + id_check_char(first17)

    def phone(self) -> str:
        return (
            self.rng.choice(("138", "139", "135", "137", "150", "159", "180", "186"))
            + f"{self.rng.randrange(10**8):08d}"
        )

    def doc_no(self, prefix: str) -> str:
        self.doc_numbers[prefix] = self.doc_numbers.get(prefix, 0) + self.rng.randint(1, 4)
        return f"{prefix}〔{self.year}〕{self.doc_numbers[prefix]}号"

    def status(self, when: date) -> str:
        if when < date(self.year, 4, 1) and self.rng.random() < 0.3:
            return "已归档"
        return "草稿" if self.rng.random() < 0.2 else "已核实"

    def side_name(self, side: str) -> str:
        return self.data["pairing"][side]


# Meetings -------------------------------------------------------------------------------------


def _meetings(year: _Year) -> list[dict[str, Any]]:
    data, rng, y = year.data, year.rng, year.year
    east_main = [leader for leader in data["leaders"]["east"] if leader.get("main")]
    west_main = [leader for leader in data["leaders"]["west"] if leader.get("main")]
    offices = data["offices"]["east"] + data["offices"]["west"]
    meetings = []

    def meeting(kind: str, title: str, when: date, side: str, leader: dict, **extra: Any) -> None:
        meetings.append(
            {
                "title": title,
                "date": when,
                "meeting_type": kind,
                "level": "县",
                "held_in": "东部" if side == "east" else "西部",
                "lead": leader["name"],
                "lead_post": leader["post"],
                "main_leader_present": bool(leader.get("main")),
                "location": rng.choice(data["places"][side]),
                "record_status": year.status(when),
                **extra,
            }
        )

    for number, (side, when) in enumerate((("west", date(y, 4, 20)), ("east", date(y, 6, 16))), start=1):
        host = east_main[0] if side == "east" else west_main[0]
        meeting(
            "党政联席会议",
            f"鹤山—龙州扶贫协作{y}年第{number}次党政联席会议",
            when,
            side,
            host,
            attendees="、".join(f"{p['post']}{p['name']}" for p in east_main + west_main)
            + "，两地扶贫办、财政局等部门主要负责同志",
            minutes_no=year.doc_no("鹤龙协纪"),
            decisions="一、审议通过2020年度粤桂扶贫协作（鹤山—龙州）工作要点；二、安排鹤山市本级财政帮扶资金260万元；"
            "三、推进产业园二期、甘牛屠宰冷链和坚果加工项目；四、落实教师、医护人员互派计划。",
            summary="两地党政主要领导共同研究解决扶贫协作重大问题，总结上年度协作成效，部署本年度重点任务。",
            responsible_units=offices,
        )
    for number, when in enumerate((date(y, 5, 28), date(y, 9, 17)), start=1):
        side = "west" if number == 1 else "east"
        leader = data["leaders"][side][2]
        meeting(
            "工作推进会",
            f"鹤山—龙州扶贫协作工作推进会（{y}年第{number}次）",
            when,
            side,
            leader,
            minutes_no=year.doc_no("鹤龙协纪"),
            summary="通报上一年度国家、省（区）对鹤山—龙州扶贫协作的考核情况，研究协作项目进展，查找存在问题。",
            decisions="各责任单位对照工作要点清单逐项落实，9月底前完成年度任务。",
            responsible_units=[data["offices"]["east"][2], data["offices"]["west"][2]],
        )
    for side in ("east", "west"):
        place = year.side_name(side)
        short = "市" if side == "east" else "县"
        leaders = data["leaders"][side]
        for quarter in range(4):
            start = date(y, quarter * 3 + 1, 5)
            meeting(
                "党委常委会会议",
                f"{place}委常委会会议专题研究粤桂扶贫协作工作（第{quarter + 1}季度）",
                year.day(start, start + timedelta(days=75)),
                side,
                leaders[0],
                minutes_no=year.doc_no(f"{place[:2]}委纪"),
                summary=f"听取{place}扶贫协作工作情况汇报，研究部署下一阶段工作。",
                responsible_units=[data["offices"][side][0]],
            )
            meeting(
                "政府常务会议",
                f"{place}政府常务会议研究粤桂扶贫协作工作（第{quarter + 1}季度）",
                year.day(start, start + timedelta(days=75)),
                side,
                leaders[1],
                minutes_no=year.doc_no(f"{place[:2]}府纪"),
                summary=f"研究{short}级财政帮扶资金安排和协作项目实施进度。",
                responsible_units=[data["offices"][side][1]],
            )
        for number, month in enumerate((3, 7, 11), start=1):
            meeting(
                "领导小组会议",
                f"{place}扶贫开发领导小组{y}年第{number}次会议",
                year.day(date(y, month, 1), date(y, month, 25)),
                side,
                leaders[rng.randrange(2)],
                minutes_no=year.doc_no(f"{place[:2]}扶领纪"),
                summary="专题研究部署粤桂扶贫协作工作，调度各成员单位任务完成情况。",
                responsible_units=[data["offices"][side][2]],
            )
    for side, other in (("east", "west"), ("west", "east")):
        for leader in data["leaders"][side][:2] + data["leaders"][side][2:3]:
            when = year.day(date(y, 3, 15), date(y, 11, 20))
            meeting(
                "调研对接/互访",
                f"{leader['post']}{leader['name']}率队赴{year.side_name(other)}调研对接扶贫协作工作",
                when,
                other,
                leader,
                summary=f"实地考察{rng.choice(data['projects'])}等协作项目，与{year.side_name(other)}座谈交流。",
                responsible_units=[data["offices"][side][2], data["offices"][other][2]],
            )
    for east_school, west_school in zip(data["schools"]["east"][:3], data["schools"]["west"][:3], strict=True):
        meeting(
            "座谈会",
            f"{east_school}与{west_school}结对帮扶座谈会",
            year.day(date(y, 3, 1), date(y, 12, 10)),
            rng.choice(("east", "west")),
            data["leaders"]["west"][3],
            summary="签订结对帮扶协议，商定教师互派、教研交流和学生交流安排。",
            responsible_units=data["departments"]["education"],
        )
    for east_hospital, west_hospital in zip(data["hospitals"]["east"], data["hospitals"]["west"], strict=True):
        meeting(
            "座谈会",
            f"{east_hospital}与{west_hospital}结对帮扶座谈会",
            year.day(date(y, 3, 1), date(y, 12, 10)),
            rng.choice(("east", "west")),
            data["leaders"]["east"][3],
            summary="商定医护人员互派、远程会诊和专科共建安排。",
            responsible_units=data["departments"]["health"],
        )
    for subject, units in (
        ("劳务协作", data["departments"]["labour"]),
        ("产业合作", data["departments"]["commerce"]),
        ("消费扶贫", data["departments"]["agriculture"]),
        ("残疾人帮扶", data["departments"]["disabled"]),
        ("旅游协作", data["departments"]["tourism"]),
    ):
        meeting(
            "座谈会",
            f"鹤山—龙州{subject}对接座谈会",
            year.day(date(y, 4, 1), date(y, 11, 30)),
            rng.choice(("east", "west")),
            rng.choice(data["leaders"]["east"][2:] + data["leaders"]["west"][2:]),
            summary=f"两地有关部门就{subject}工作开展对接，明确年度任务和责任人。",
            responsible_units=units,
        )
    for topic in ("education", "health", "labour", "agriculture"):
        east_unit, west_unit = data["departments"][topic][:2]
        meeting(
            "调研对接/互访",
            f"{west_unit}赴{east_unit}考察学习",
            year.day(date(y, 4, 1), date(y, 11, 30)),
            "east",
            data["leaders"]["west"][3],
            summary=f"{west_unit}考察学习{east_unit}的经验做法，对接年度协作事项。",
            responsible_units=[east_unit, west_unit],
        )
    for town, village in zip(data["towns"]["east"], data["villages"], strict=False):
        meeting(
            "调研对接/互访",
            f"{town}与{village}结对帮扶互访",
            year.day(date(y, 4, 1), date(y, 11, 30)),
            "west",
            rng.choice(data["leaders"]["east"][2:]),
            level="镇",
            summary="镇村结对，走访贫困户，商定产业帮扶和消费帮扶措施。",
            responsible_units=[town, village],
        )
    return meetings


# People: cadres and dispatched professionals ----------------------------------------------------


def _cadres(year: _Year) -> list[dict[str, Any]]:
    data, rng, y = year.data, year.rng, year.year
    cadres = []

    def cadre(side: str, rank: str, home: str, home_post: str, host: str, host_post: str, start: date, end: date,
              **extra: Any) -> None:  # fmt: skip
        gender = rng.choice(("男", "男", "女"))
        returned = extra.pop("returned_on", None)
        cadres.append(
            {
                "person_name": year.name(),
                "gender": gender,
                "id_number": year.id_number(side, gender),
                "phone": year.phone(),
                "direction": "东部派往西部" if side == "east" else "西部派往东部",
                "rank": rank,
                "home_unit": home,
                "home_post": home_post,
                "host_unit": host,
                "host_post": host_post,
                "start_date": start,
                "end_date": end,
                "returned_on": returned,
                "posting_status": "期满返回" if returned else "在岗",
                "appointment_doc_no": year.doc_no("鹤组干" if side == "east" else "龙组干"),
                # Postings that began in earlier years are still part of this year's ledger.
                "year": y,
                "record_status": year.status(start),
                "responsible_units": data["departments"]["organisation"],
                **extra,
            }
        )

    county_post = ("中共龙州县委", "县委常委、副县长")
    cadre("east", "处级", "鹤山市科工商务局", "局长", *county_post, date(y - 1, 7, 1), date(y + 1, 6, 30),
          summary="任鹤山市扶贫协作工作组组长，统筹鹤山—龙州扶贫协作各项工作。")  # fmt: skip
    cadre("east", "处级", "鹤山市农业农村局", "副局长", *county_post, date(y - 2, 7, 1), date(y, 6, 30),
          returned_on=date(y, 6, 30), summary="三年挂职期满，经考核合格返回原单位。")  # fmt: skip
    for home, post in (("鹤山市扶贫办", "副主任"), ("鹤山市人力资源和社会保障局", "科长"), ("鹤山市财政局", "副科长")):
        cadre("east", "科级", home, post, "龙州县扶贫办", "副主任", date(y - 1, 7, 1), date(y + 1, 6, 30),
              summary="作为鹤山市扶贫协作工作组成员，负责项目资金和劳务协作对接。")  # fmt: skip
    for home, host, post in (
        ("龙州县扶贫办", "鹤山市扶贫办", "主任助理"),
        ("龙州县商务局", "鹤山市科工商务局", "局长助理"),
        ("水口镇人民政府", "共和镇人民政府", "镇长助理"),
    ):
        start = year.day(date(y, 3, 1), date(y, 4, 30))
        cadre("west", "科级", home, "副主任科员", host, post, start, start + timedelta(days=182),
              summary="龙州县选派优秀年轻干部到鹤山市挂职锻炼。")  # fmt: skip
    cadre("east", "科级", data["hospitals"]["east"][0], "骨干医师", data["hospitals"]["west"][0], "副院长",
          date(y, 4, 1), date(y + 1, 3, 31), summary="两地人民医院互派副院长挂职一年。")  # fmt: skip
    cadre("west", "科级", data["hospitals"]["west"][0], "骨干医师", data["hospitals"]["east"][0], "副院长",
          date(y, 4, 1), date(y + 1, 3, 31), summary="两地人民医院互派副院长挂职一年。")  # fmt: skip
    return cadres


def _dispatches(year: _Year) -> list[dict[str, Any]]:
    data, rng, y = year.data, year.rng, year.year
    plans = [
        # field, role, east→west?, how many, institutions, subjects, titles
        ("教育", "教师", True, 7, "schools", "subjects", ("高级教师", "一级教师")),
        ("教育", "校长", True, 1, "schools", None, ("高级教师",)),
        ("教育", "教师", False, 12, "schools", "subjects", ("一级教师", "二级教师")),
        ("医疗卫生", "医生", True, 6, "hospitals", "departments_medical", ("主任医师", "副主任医师", "主治医师")),
        ("医疗卫生", "护士", True, 2, "hospitals", "departments_medical", ("主管护师",)),
        ("医疗卫生", "医生", False, 10, "hospitals", "departments_medical", ("主治医师", "住院医师")),
        ("医疗卫生", "护士", False, 3, "hospitals", "departments_medical", ("护师",)),
        ("农业技术", "农技人员", True, 4, None, None, ("农艺师", "高级农艺师")),
    ]
    dispatches = []
    for field, role, east_to_west, count, institutions, subjects, titles in plans:
        batch_start = year.day(date(y, 2, 24), date(y, 4, 15))
        for number in range(count):
            home_side, host_side = ("east", "west") if east_to_west else ("west", "east")
            if institutions:
                home = rng.choice(data[institutions][home_side])
                host = rng.choice(data[institutions][host_side])
            else:
                home, host = data["departments"]["agriculture"][0], rng.choice(data["towns"]["west"]) + "农业技术推广站"
            start = batch_start + timedelta(days=rng.choice((0, 0, 0, 7)))
            # Most stay a term or at least the month the plan asks for; a few come for a short visit.
            days = rng.choice((20, 25)) if number == count - 1 and count > 3 else rng.choice((31, 45, 61, 92, 120, 150))
            gender = rng.choice(("男", "女"))
            department = data["departments"]["education" if field == "教育" else "health"]
            dispatches.append(
                {
                    "person_name": year.name(),
                    "gender": gender,
                    "id_number": year.id_number(home_side, gender) if rng.random() < 0.6 else None,
                    "phone": year.phone() if rng.random() < 0.7 else None,
                    "field": field,
                    "role": role,
                    "professional_title": rng.choice(titles),
                    "direction": "东部选派到西部" if east_to_west else "西部到东部跟岗学习或进修",
                    "home_institution": home,
                    "host_institution": host,
                    "subject": rng.choice(data[subjects]) if subjects else "种养技术指导",
                    "start_date": start,
                    "end_date": start + timedelta(days=days - 1),
                    "record_status": year.status(start),
                    "responsible_units": department if field != "农业技术" else data["departments"]["agriculture"],
                    "summary": "承担教学、教研和培训任务。"
                    if field == "教育"
                    else "开展临床诊疗、带教查房和技术培训。"
                    if field == "医疗卫生"
                    else "指导甘蔗牛养殖和坚果种植技术。",
                }
            )
    return dispatches


# Training and money -----------------------------------------------------------------------------


def _trainings(year: _Year) -> list[dict[str, Any]]:
    data, rng, y = year.data, year.rng, year.year
    sizes = {"党政干部培训": (50, 75, 6), "专业技术人才培训": (30, 60, 6), "致富带头人/乡村振兴人才培训": (35, 50, 4)}
    trainings = []
    for training_type, names in data["programmes"].items():
        skills = training_type == "劳动力技能培训"
        if skills:
            runs = [(name, 3 if name in ("粤菜师傅", "南粤家政", "广东技工", "电商") else 2) for name in names]
        else:
            runs = [(rng.choice(names), 1) for _ in range(sizes[training_type][2])]
        for name, sessions in runs:
            for _ in range(sessions):
                held_in = rng.choice(("东部", "西部", "西部"))
                start = year.day(date(y, 3, 10), date(y, 11, 20))
                participants = rng.randint(25, 45) if skills else rng.randint(*sizes[training_type][:2])
                poor = rng.randint(participants // 2, participants) if skills or "致富" in training_type else 0
                trainings.append(
                    {
                        "title": f"{y}年龙州县“{name}”技能培训班" if skills else f"{y}年鹤山—龙州{name}",
                        "training_type": training_type,
                        "programme": name if skills else None,
                        "organiser": rng.choice(
                            data["departments"]["labour"] if skills else data["departments"]["party_school"]
                        ),
                        "held_in": held_in,
                        "start_date": start,
                        "end_date": start + timedelta(days=rng.choice((2, 4, 6, 14)) if skills else rng.choice((2, 4))),
                        "sessions": 1,
                        "participants": participants,
                        "poor_participants": poor,
                        "certificates": rng.randint(poor // 2, participants) if skills else None,
                        "location": rng.choice(data["places"]["east" if held_in == "东部" else "west"]),
                        "record_status": year.status(start),
                        "responsible_units": data["departments"]["labour"]
                        if skills
                        else data["departments"]["organisation"],
                        "summary": "课程含政策解读、实操训练和现场教学，学员结业考核合格。",
                    }
                )
    return trainings


def _disbursements(year: _Year) -> list[dict[str, Any]]:
    data, rng, y = year.data, year.rng, year.year
    finance = data["departments"]["finance"]
    money = []
    # 260 万元 of the city's own fiscal aid, in three payments by the plan's deadline (2020年3月).
    for amount, when, project in (
        ("1300000", date(y, 2, 26), data["projects"][0]),
        ("800000", date(y, 3, 18), data["projects"][1]),
        ("500000", date(y, 3, 30), data["projects"][2]),
    ):
        money.append(
            {
                "title": f"拨付{y}年鹤山市本级财政帮扶资金（{project}）",
                "fund_type": "财政援助资金",
                "fund_level": "县区",
                "amount": Decimal(amount),
                "date": when,
                "payer": finance[0],
                "payee": finance[1],
                "voucher_no": year.doc_no("鹤财预"),
                "project": project,
                "use": "产业",
                "deep_poverty": True,
                "record_status": year.status(when),
                "responsible_units": finance,
            }
        )
    for donor in data["donors"]:
        when = year.day(date(y, 4, 1), date(y, 10, 17))
        amount = Decimal(rng.randrange(150_000, 320_000, 5_000))
        use = rng.choice(("教育", "医疗", "产业", "饮水"))
        money.append(
            {
                "title": f"{donor}向龙州县捐赠扶贫资金",
                "fund_type": "社会帮扶资金",
                "fund_level": "社会",
                "amount": amount,
                "date": when,
                "payer": donor,
                "payee": "龙州县扶贫办" if use != "教育" else rng.choice(data["schools"]["west"]),
                "voucher_no": f"捐赠收据 No.{rng.randrange(10**6):06d}",
                "project": rng.choice(data["projects"][3:]),
                "use": use,
                "deep_poverty": rng.random() < 0.5,
                "record_status": year.status(when),
                "responsible_units": [data["offices"]["west"][2]],
            }
        )
    for goods in data["goods"]:
        when = year.day(date(y, 2, 10), date(y, 12, 10))
        money.append(
            {
                "title": f"鹤山市捐赠{goods}（折款）",
                "fund_type": "捐物折款",
                "fund_level": "社会",
                "amount": Decimal(rng.randrange(30_000, 120_000, 500)) + Decimal(rng.randrange(100)) / 100,
                "date": when,
                "payer": rng.choice(data["donors"]),
                "payee": rng.choice(data["schools"]["west"] + data["hospitals"]["west"]),
                "voucher_no": f"物资接收单 No.{rng.randrange(10**5):05d}",
                "use": "教育" if goods in ("助学物资", "电脑及办公设备") else "医疗" if goods != "农机具" else "产业",
                "deep_poverty": False,
                "record_status": year.status(when),
                "responsible_units": [data["offices"]["east"][2]],
            }
        )
    return money


# Evidence ---------------------------------------------------------------------------------------


def _evidence_for(year: _Year, kind: str, values: dict[str, Any]) -> list[tuple[str, str, str, bytes]]:
    """(file name, role, caption, content) of each file a clerk would have kept for this record."""
    rng, title = year.rng, values.get("title") or values.get("person_name", "")
    when = values.get("date") or values["start_date"]
    files = []

    def photo(name: str, caption: str) -> None:
        orientation = rng.choice((1, 1, 1, 1, 1, 6, 3, 8)) if rng.random() < 0.4 else 1
        size = (600, 800) if rng.random() < 0.15 else (800, 600)
        taken = datetime(when.year, when.month, when.day, rng.randint(8, 17), rng.randrange(60), rng.randrange(60))
        content = demo_photo(rng, caption=caption, taken_at=taken, orientation=orientation, size=size)
        files.append((name, "照片", caption, content))

    def document(name: str, role: str, heading: str, doc_no: str, paragraphs: list[str], signed_by: str) -> None:
        files.append((name, role, heading, demo_pdf(heading, doc_no, paragraphs, signed_by=signed_by, dated=when)))

    if kind == "meeting":
        if values.get("minutes_no"):
            paragraphs = [
                f"{when.year}年{when.month}月{when.day}日，{title}在{values.get('location') or ''}召开。"
                f"{values.get('lead_post', '')}{values.get('lead', '')}主持会议。",
                values.get("summary") or "",
            ]
            if values.get("decisions"):
                paragraphs.append("会议议定：" + values["decisions"])
            document("会议纪要.pdf", "会议纪要", f"{title}纪要", values["minutes_no"], paragraphs, "会议主办单位")
        for number in range(rng.choice((1, 1, 2))):
            photo(f"{values['meeting_type'].replace('/', '')}现场{number + 1}.jpg", f"{title}现场")
        if values["meeting_type"] == "座谈会":
            document("签到表.pdf", "签到表", f"{title}签到表", "", ["参会单位及人员签到（略）。"], "")
    elif kind == "training":
        period = f"培训时间：{values['start_date']}至{values['end_date']}。"
        attendance = f"应到{values['participants']}人次，实到{values['participants']}人次。"
        document("签到表.pdf", "签到表", f"{title}学员签到表", "", [period, attendance], values.get("organiser") or "")
        photo("培训现场.jpg", f"{title}开班现场")
    elif kind == "disbursement":
        lines = [
            f"付款单位：{values['payer']}；收款单位：{values['payee']}。",
            f"金额：人民币{values['amount']:,.2f}元。",
            f"用途：{values.get('project') or values.get('use') or ''}。",
        ]
        document(
            f"拨付凭证-{values['voucher_no']}.pdf", "拨付凭证", title, values["voucher_no"], lines, values["payer"]
        )
    elif kind == "cadre":
        document("任职文件.pdf", "任职文件", f"关于{values['person_name']}同志挂职的通知", values["appointment_doc_no"],
                 [f"经研究，{values['person_name']}同志挂任{values['host_unit']}{values['host_post']}，"
                  f"挂职时间自{values['start_date']:%Y年%m月%d日}起。"], "中共组织部门")  # fmt: skip
    elif kind == "dispatch" and rng.random() < 0.3:
        photo("工作照.jpg", f"{values['person_name']}在{values['host_institution']}工作")
    return files


def _dispatch_notices(year: _Year, dispatches: list[dict[str, Any]]) -> dict[tuple[str, str, str], bytes]:
    """One 选派通知 per batch, attached to every person it names: the store keeps it once."""
    notices = {}
    for key in sorted({(d["field"], d["role"], d["direction"]) for d in dispatches}):
        names = "、".join(d["person_name"] for d in dispatches if (d["field"], d["role"], d["direction"]) == key)
        heading = f"关于选派{key[0]}{key[1]}（{key[2]}）的通知"
        notices[key] = demo_pdf(
            heading, year.doc_no("鹤龙协通"), [f"经两地协商，选派以下同志：{names}。"], signed_by="鹤山市扶贫办"
        )
    return notices


# Building -------------------------------------------------------------------------------------------


def build_demo(path: Path, *, seed: int = 2020, progress: Progress | None = None) -> dict[str, int]:
    """Creates a ledger at `path` (empty or missing) holding the demo year; returns counts by label."""
    report = progress or (lambda fraction, message: None)
    year = _Year(seed)
    generated = {
        "meeting": _meetings(year),
        "cadre": _cadres(year),
        "dispatch": _dispatches(year),
        "training": _trainings(year),
        "disbursement": _disbursements(year),
    }
    notices = _dispatch_notices(year, generated["dispatch"])
    pairing = records.pairing_name(year.data["pairing"]["east"], year.data["pairing"]["west"])
    total = sum(len(rows) for rows in generated.values())
    counts: dict[str, int] = {}
    done = 0
    with Ledger.create(path, author=AUTHOR) as ledger, tempfile.TemporaryDirectory() as scratch:
        with ledger.session() as session, session.begin():
            records.add_pairing(session, year.data["pairing"]["east"], year.data["pairing"]["west"])
            session.add(Setting(key="compiling_unit", value=year.data["compiling_unit"]))
            session.add(Setting(key="demo_seed", value=str(seed)))
        attachments = 0
        for kind, rows in generated.items():
            with ledger.session() as session, session.begin():
                for values in rows:
                    record = records.add_record(session, kind, {"pairing": pairing, **values})
                    files = _evidence_for(year, kind, values)
                    if kind == "dispatch":
                        key = (values["field"], values["role"], values["direction"])
                        files.append(("选派通知.pdf", "通知文件", "", notices[key]))
                    for number, (name, role, caption, content) in enumerate(files):
                        source = Path(scratch) / f"{number}" / name
                        source.parent.mkdir(exist_ok=True)
                        source.write_bytes(content)
                        evidence.attach(
                            session, ledger.evidence_dir, record, [source], role=role, caption=caption or None
                        )
                        attachments += 1
                    done += 1
                    report(done / total, f"生成{KINDS[kind].label}记录 {done}/{total}")
            counts[KINDS[kind].label] = len(rows)
        counts["佐证材料"] = attachments
    return counts
