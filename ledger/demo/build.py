"""The demo ledger: a year of 鹤山市—龙州县 cooperation (2020), as the plan in seed 002 asked for it.

It lets a new user see a full ledger at once and gives tests and benchmarks realistic data: the
meetings the plan requires (联席会议 2, 推进会 2, 常委会 and 常务会 4 each side, 领导小组会议 3 each
side, main leaders' visits both ways), the cadres of the work group and the swapped hospital
vice-presidents, teachers and doctors both ways mostly for a month or more, training in the hundreds
of 人次, 260 万元 of fiscal aid by March and over 130 万元 of donations, and (`ledger.demo.cooperation`)
enterprises, jobs, job fairs, sales, paired schools, hospitals and villages and media reports — each
with the evidence a clerk keeps, made on the fly. Names, units and wording are data (resources/demo);
dates, numbers and people come from one `random.Random(seed)`, so the same seed gives the same ledger.
"""

from __future__ import annotations

import json
import shutil
import tempfile
from collections.abc import Callable
from datetime import date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

from openpyxl import Workbook

from ledger import evidence, records
from ledger.demo import cooperation as demo_cooperation
from ledger.demo.files import demo_photo
from ledger.demo.year import ORDINALS, Document, Entry, Values, Year, held_in, other, spoken, wan
from ledger.kinds import KINDS
from ledger.kinds.common import ARCHIVED
from ledger.models import Setting
from ledger.plans import store as plans
from ledger.resources import resource_path
from ledger.storage.folder import Ledger

AUTHOR = "示范数据"
Progress = Callable[[float, str], None]
# An evidence file as a clerk would have kept it: original name, role, caption, content.
File = tuple[str, str, str, bytes]

EAST_TO_WEST, WEST_TO_EAST = "东部选派到西部", "西部到东部跟岗学习或进修"

# Who is sent each year, by field, role and direction, and how many of them only come for a short
# exchange, which must not count. The plan asks for at least 4 person-times east→west and 8 west→east of
# both teachers and medical staff, each for a month or more. The year falls short in one place, as real
# years do: most doctors from the west could only come for two-week refresher courses (7 of 8 stayed long).
DISPATCH_BATCHES = (
    ("教育", "教师", True, 7, 1),
    ("教育", "校长", True, 1, 0),
    ("教育", "教师", False, 12, 1),
    ("医疗卫生", "医生", True, 6, 1),
    ("医疗卫生", "护士", True, 2, 0),
    ("医疗卫生", "医生", False, 10, 6),
    ("医疗卫生", "护士", False, 3, 0),
    ("农业技术", "农技人员", True, 4, 1),
)


# Meetings -------------------------------------------------------------------------------------


def _meetings(year: Year) -> list[Entry]:
    data, rng = year.data, year.rng
    texts, offices, short = data["meeting_texts"], data["offices"], data["short"]
    context = {"year": year.year, "prev": year.year - 1}
    entries = []

    def meeting(
        meeting_type: str,
        title: str,
        when: date,
        side: str,
        lead: dict[str, str],
        units: list[str],
        *,
        heading: str = "",
        minutes_prefix: str = "扶协纪",
        signer: str = "",
        attendees: str = "",
        main: bool = False,
        roll: bool = False,
        level: str = "县",
        **text_context: Any,
    ) -> None:
        """A meeting held on `side`, its minutes issued there under `minutes_prefix`."""
        rooms = data["meeting_rooms"][side]
        location = rooms.get(meeting_type) or rng.choice(rooms["other"])
        words = {**context, "lead": lead["name"], "lead_post": lead["post"], **text_context}
        minutes_no = year.doc_no(short[side] + minutes_prefix, when, per_year=40)
        values = {
            "title": title,
            "date": when,
            "meeting_type": meeting_type,
            "level": level,
            "held_in": held_in(side),
            "lead": lead["name"],
            "lead_post": lead["post"],
            "main_leader_present": main,
            "attendees": attendees,
            "minutes_no": minutes_no,
            "summary": texts[meeting_type]["summary"].format_map(words),
            "decisions": texts[meeting_type]["decisions"].format_map(words),
            "location": location,
            "responsible_units": units,
            "record_status": year.status(when),
        }
        opening = f"{spoken(when)}，{lead['post']}{lead['name']}在{location}主持召开{heading or title}。"
        minutes = Document(
            f"{heading or title}纪要",
            minutes_no,
            (opening, f"参加人员：{attendees}。", values["summary"], "会议议定：" + values["decisions"]),
            signer or offices[side]["poverty"],
            when,
        )
        kind_of_scene = meeting_type.replace("调研对接/互访", "调研对接").replace("党政联席会议", "联席会议")
        photos = [(f"{kind_of_scene}现场{n}.jpg", f"{title}现场") for n in range(1, rng.choice((1, 1, 2)) + 1)]
        entries.append(
            Entry("meeting", values, [("会议纪要.pdf", "会议纪要", minutes)], photos, "签到表" if roll else "")
        )

    all_offices = [unit for side in ("east", "west") for unit in offices[side].values()]
    main_leaders = [year.leader(side, role) for side in ("east", "west") for role in ("secretary", "mayor")]
    in_charge = [year.leader(side, "in_charge") for side in ("east", "west")]

    # 1.2 two joint meetings by June, one on each side, the main leaders of both present.
    for number, (side, first, last) in enumerate(
        (("west", year.on(4, 13), year.on(4, 24)), ("east", year.on(6, 8), year.on(6, 19))), start=1
    ):
        meeting(
            "党政联席会议",
            f"鹤山—龙州扶贫协作{year.year}年第{ORDINALS[number - 1]}次党政联席会议",
            year.day(first, last),
            side,
            year.leader(side, "secretary"),
            all_offices,
            signer=offices[side]["party"],
            attendees="、".join(f"{p['post']}{p['name']}" for p in main_leaders + in_charge)
            + "，两地党委办公室、政府办公室、扶贫办、财政局、人社局等部门主要负责同志",
            main=True,
            roll=True,
        )
    # 1.3 two progress meetings by June, chaired by the leaders in charge.
    for number, (side, first, last) in enumerate(
        (("east", year.on(5, 18), year.on(5, 29)), ("west", year.on(6, 22), year.on(6, 30))), start=1
    ):
        meeting(
            "工作推进会",
            f"鹤山—龙州扶贫协作工作推进会（{year.year}年第{ORDINALS[number - 1]}次）",
            year.day(first, last),
            side,
            year.leader(side, "in_charge"),
            [offices["east"]["poverty"], offices["west"]["poverty"]],
            attendees="、".join(f"{p['post']}{p['name']}" for p in in_charge)
            + "，两地扶贫办、财政局、教育局、卫生健康局、人社局、农业农村局负责同志",
            roll=True,
        )
    # 1.4 on each side: standing committee and executive meetings each quarter, the leading group three times.
    for side in ("east", "west"):
        place = year.place(side)
        for quarter in range(1, 5):
            start = year.on(quarter * 3 - 2, 5)
            for meeting_type, role, office, heading, prefix in (
                ("党委常委会会议", "secretary", "party", f"{place}委常委会会议", "委常纪"),
                ("政府常务会议", "mayor", "government", f"{place}人民政府常务会议", "府常纪"),
            ):
                meeting(
                    meeting_type,
                    f"{heading}专题研究粤桂扶贫协作工作（第{ORDINALS[quarter - 1]}季度）",
                    year.day(start, start + timedelta(days=78)),
                    side,
                    year.leader(side, role),
                    [offices[side][office], offices[side]["poverty"]],
                    heading=heading,
                    minutes_prefix=prefix,
                    signer=offices[side][office],
                    attendees=f"{place}委常委" if role == "secretary" else f"{place}人民政府领导班子成员",
                    main=True,
                    place=place,
                    quarter=ORDINALS[quarter - 1],
                )
        # The plan asks for three leading-group meetings each side; the west's November one was not held.
        for number, month in enumerate((3, 7, 11) if side == "east" else (3, 7), start=1):
            meeting(
                "领导小组会议",
                f"{place}扶贫开发领导小组{year.year}年第{ORDINALS[number - 1]}次会议",
                year.day(year.on(month, 2), year.on(month, 25)),
                side,
                year.leader(side, "mayor"),
                [offices[side]["poverty"]],
                heading=f"{place}扶贫开发领导小组会议",
                minutes_prefix="扶领纪",
                signer=f"{place}扶贫开发领导小组办公室",
                attendees=f"{place}扶贫开发领导小组组长、副组长及成员单位负责同志",
                main=True,
            )
    # 1.1 main leaders visit the other side by June (≥ 2 each way); the leaders in charge later in the year.
    west_projects = [payment["project"] for payment in data["fiscal_aid"]["payments"]]
    for side in ("east", "west"):
        host = other(side)
        for role, first, last in (
            ("secretary", year.on(4, 27), year.on(5, 22)),
            ("mayor", year.on(5, 25), year.on(6, 24)),
            ("in_charge", year.on(7, 6), year.on(11, 20)),
        ):
            lead = year.leader(side, role)
            meeting(
                "调研对接/互访",
                f"{lead['post']}{lead['name']}率队赴{year.place(host)}调研对接扶贫协作工作",
                year.day(first, last),
                host,
                lead,
                [offices[side]["party"], offices[side]["poverty"], offices[host]["poverty"]],
                attendees=f"{year.place(side)}党政代表团成员及扶贫办、科工商务局、人社局负责同志；{year.place(host)}有关领导陪同",
                main=role != "in_charge",
                host=year.place(host),
                project=rng.choice(west_projects) if host == "west" else "鹤山市工业园区用工企业和农产品批发市场",
            )
    # Departments of the west learn from their counterparts in the east.
    for topic, visited in (
        ("education", "鹤山市纪元中学、鹤山市职业技术学校"),
        ("health", "鹤山市人民医院、鹤山市中医院"),
        ("labour", "鹤山市人力资源市场和重点用工企业"),
        ("agriculture", "鹤山市农业龙头企业和农产品批发市场"),
    ):
        east_unit, west_unit = data["departments"][topic][:2]
        meeting(
            "调研对接/互访",
            f"{west_unit}赴{east_unit}考察学习",
            year.day(year.on(4, 20), year.on(11, 27)),
            "east",
            year.leader("west", "deputy"),
            [east_unit, west_unit],
            signer=east_unit,
            attendees=f"{west_unit}、{east_unit}负责同志及业务骨干",
            host=east_unit,
            project=visited,
        )
    # 6.6 paired towns and villages: the eastern side visits.
    for east_town, west_town in data["town_pairs"]:
        secretary, _ = year.person("男")
        meeting(
            "调研对接/互访",
            f"{east_town}赴{west_town}开展结对帮扶调研对接",
            year.day(year.on(4, 15), year.on(9, 25)),
            "west",
            {"name": secretary, "post": f"{east_town}党委书记"},
            [east_town, west_town],
            signer=f"{west_town}人民政府" if west_town.endswith(("镇", "乡")) else f"{west_town}村民委员会",
            attendees=f"{east_town}、{west_town}负责同志及驻村工作队员",
            level="镇",
            host=west_town,
            project="结对村产业帮扶",
        )
    # Talks: the paired schools and hospitals, and the departments of each line of work.
    pairs = [(*pair, "结对帮扶和教师互派", "deputy") for pair in data["school_pairs"][:2]]
    pairs += [(*pair, "结对帮扶和医护人员互派", "deputy") for pair in data["hospital_pairs"][:2]]
    pairs += [
        (*data["departments"][topic][:2], subject, "in_charge")
        for topic, subject in (
            ("labour", "劳务协作和稳岗就业"),
            ("commerce", "产业合作和扶贫车间建设"),
            ("agriculture", "消费扶贫和农产品产销对接"),
            ("disabled", "残疾人事业帮扶"),
        )
    ]
    for east_unit, west_unit, subject, role in pairs:
        side = rng.choice(("east", "west"))
        meeting(
            "座谈会",
            f"{east_unit}与{west_unit}{subject}座谈会",
            year.day(year.on(4, 7), year.on(9, 25)),
            side,
            year.leader(side, role),
            [east_unit, west_unit],
            signer=east_unit if side == "east" else west_unit,
            attendees=f"{east_unit}、{west_unit}负责同志及有关人员",
            roll=True,
            east_unit=east_unit,
            west_unit=west_unit,
            subject=subject,
        )
    return entries


# People: cadres and dispatched professionals ----------------------------------------------------


def _cadres(year: Year) -> list[Entry]:
    as_of = year.on(12, 20)  # the ledger shows the year as it stood at the year-end check
    entries = []
    for posting in year.data["cadres"]:
        side = posting["side"]
        if "person" in posting:
            name, gender = posting["person"], posting["gender"]
        else:
            name, gender = year.person(year.rng.choice(("男", "男", "女")))
        start, end = date.fromisoformat(posting["start"]), date.fromisoformat(posting["end"])
        returned = date.fromisoformat(posting["returned_on"]) if "returned_on" in posting else None
        if returned is None and end <= as_of:
            returned = end
        posting_status = "在岗" if returned is None else "期满返回" if returned >= end else "提前返回"
        issued = year.day(start - timedelta(days=20), start - timedelta(days=5))
        doc_no = year.doc_no(posting["doc_prefix"], issued, per_year=80)
        values = {
            "person_name": name,
            "gender": gender,
            "id_number": year.id_number(side, gender, (1972, 1982) if posting["rank"] == "处级" else (1980, 1992)),
            "phone": year.phone(),
            "direction": "东部派往西部" if side == "east" else "西部派往东部",
            "rank": posting["rank"],
            "home_unit": posting["home_unit"],
            "home_post": posting["home_post"],
            "host_unit": posting["host_unit"],
            "host_post": posting["host_post"],
            "start_date": start,
            "end_date": end,
            "returned_on": returned,
            "posting_status": posting_status,
            "appointment_doc_no": doc_no,
            # Postings begun in earlier years are part of this year's work and its ledger.
            "year": year.year,
            "summary": posting["summary"],
            "responsible_units": year.data["departments"]["organisation"],
            # A posting still running stays open for the year-end figures; a finished one may be archived.
            "record_status": "已核实" if returned is None else year.status(returned),
        }
        letter = Document(
            f"关于{name}同志挂职任职的通知",
            doc_no,
            (
                f"经研究，同意{name}同志（{posting['home_unit']}{posting['home_post']}）到{posting['host_unit']}挂职，"
                f"挂任{posting['host_post']}，挂职时间自{spoken(start)}起至{spoken(end)}止。",
                "挂职期间，人事关系和工资福利待遇保留在原单位，由接收单位负责日常管理和考核。",
            ),
            posting["appointed_by"],
            issued,
        )
        entries.append(Entry("cadre", values, [("任职文件.pdf", "任职文件", letter)]))
    return entries


def _dispatches(year: Year) -> list[Entry]:
    data, rng = year.data, year.rng
    # Teachers come for a term once schools reopened (spring 2020) or for the autumn term; doctors any time.
    waves = {
        "教育": ((year.on(4, 20), year.on(4, 30)), (year.on(8, 31), year.on(9, 7))),
        "医疗卫生": ((year.on(3, 16), year.on(4, 10)), (year.on(9, 1), year.on(9, 18))),
        "农业技术": ((year.on(3, 2), year.on(3, 20)),),
    }
    stays = {
        ("教育", 0): (31, 45, 61, 75),
        ("教育", 1): (31, 61, 92, 120),
        ("医疗卫生", 0): (31, 45, 61, 92, 183),
        ("医疗卫生", 1): (31, 45, 61, 92),
        ("农业技术", 0): (31, 61, 92),
    }
    entries = []
    for work, role, east_to_west, people, shorts in DISPATCH_BATCHES:
        home_side, host_side = ("east", "west") if east_to_west else ("west", "east")
        starts = [year.day(*window) for window in waves[work]]
        batch: dict[int, list[Entry]] = {}
        for number in range(people):
            wave = number % len(starts)
            start = starts[wave] + timedelta(days=rng.choice((0, 0, 0, 7)))
            short = number >= people - shorts
            days = rng.choice((7, 14, 21)) if short else rng.choice(stays[work, wave])
            # The first teacher sent west and the first doctor come east carry the rare-character names.
            rare = number == 0 and (role, east_to_west) in (("教师", True), ("医生", False))
            name, gender = year.person("女" if role == "护士" and rng.random() < 0.9 else None, rare=rare)
            home, host, subject = _institutions(year, work, role, east_to_west)
            verb = f"到{host}{subject}" if subject else f"到{host}"
            summary = {
                ("教育", True): f"在{host}任教{subject}，上示范课，开展听课评课和教研指导。",
                ("教育", False): f"{verb}跟岗学习，参加集体备课、听课评课和教研活动。",
                ("医疗卫生", True): f"在{host}{subject}坐诊、带教查房，推广适宜技术，开展业务培训。",
                ("医疗卫生", False): f"{verb}进修学习，参加临床诊疗和业务培训。",
                ("农业技术", True): f"驻点{host}指导{subject}，开展田间培训和技术服务。",
            }[work, east_to_west]
            values = {
                "person_name": name,
                "gender": gender,
                "id_number": year.id_number(home_side, gender) if rng.random() < 0.6 else None,
                "phone": year.phone() if rng.random() < 0.7 else None,
                "field": work,
                "role": role,
                "professional_title": rng.choice(data["professional_titles"][role]),
                "direction": EAST_TO_WEST if east_to_west else WEST_TO_EAST,
                "home_institution": home,
                "host_institution": host,
                "subject": subject,
                "start_date": start,
                "end_date": start + timedelta(days=days - 1),
                "summary": ("短期交流：" if short else "") + summary,
                "responsible_units": [data["issuers"][work]["east"]["unit"], data["issuers"][work]["west"]["unit"]],
                "record_status": year.status(start + timedelta(days=days - 1)),
            }
            photos = [("工作照.jpg", f"{name}在{host}工作")] if rng.random() < 0.3 else []
            entry = Entry("dispatch", values, photos=photos)
            batch.setdefault(wave, []).append(entry)
            entries.append(entry)
        # One notice names the whole wave; the evidence store keeps it once for everyone it names.
        issuer = data["issuers"][work][home_side]
        for wave, members in batch.items():
            issued = starts[wave] - timedelta(days=7)
            verb = {"教育": "支教", "医疗卫生": "支医"}.get(work, "开展技术帮扶") if east_to_west else "跟岗学习"
            notice = Document(
                f"关于选派{role}{'赴' if east_to_west else '到'}{year.place(host_side)}{verb}的通知",
                year.doc_no(issuer["prefix"], issued, per_year=90),
                (
                    f"根据{year.year}年度粤桂扶贫协作（鹤山—龙州）工作要点，经两地协商，选派以下同志：",
                    "、".join(f"{m.values['person_name']}（{m.values['home_institution']}）" for m in members) + "。",
                    "请派出单位做好工作安排，接收单位落实食宿和日常管理，期满后出具鉴定意见。",
                ),
                issuer["unit"],
                issued,
            )
            for member in members:
                member.documents.append(("选派通知.pdf", "通知文件", notice))
    return entries


def _institutions(year: Year, work: str, role: str, east_to_west: bool) -> tuple[str, str, str]:
    """Sending and receiving institution and the subject or department, mostly along the paired ones."""
    data, rng = year.data, year.rng
    if work == "农业技术":
        host = rng.choice(data["west_townships"]) + "农业服务中心"
        return data["issuers"][work]["east"]["unit"], host, rng.choice(("甘蔗牛养殖技术", "澳洲坚果种植技术"))
    if work == "教育":
        pair = data["school_pairs"][0] if role == "校长" else rng.choices(data["school_pairs"], (4, 2, 2, 1, 1))[0]
        level = "vocational" if "职业" in pair[0] else "primary" if "小学" in pair[0] else "middle"
        subject = "学校管理" if role == "校长" else rng.choice(data["subjects"][level])
    else:
        pair = rng.choices(data["hospital_pairs"], (3, 2, 1))[0]
        departments = data["medical_departments"]
        if "妇幼" in pair[0]:
            departments = ["妇产科", "儿科"]
        subject = rng.choice(departments)
    home, host = pair if east_to_west else pair[::-1]
    return home, host, subject


# Training and money -----------------------------------------------------------------------------


def _trainings(year: Year) -> list[Entry]:
    data, rng = year.data, year.rng
    entries = []
    for course in data["trainings"]:
        kind = course["type"]
        # Cadre training counts towards the October target; courses the plan wants by a month ("by") run
        # before it; the rest runs through November.
        first, last = year.on(4, 7), year.on(10, 16) if kind == "党政干部培训" else year.on(11, 20)
        if "by" in course:
            last = year.on(course["by"], 25)
        span = (last - first) // course["runs"]
        for run in range(course["runs"]):
            start = year.day(first + span * run, first + span * (run + 1))
            participants = rng.randint(*course["participants"])
            poor = None
            if "poor_share" in course:
                low, high = course["poor_share"]
                poor = rng.randint(round(participants * low), round(participants * high))
            title = f"{year.year}年{course['name']}"
            if course["runs"] > 1:
                title += f"（第{ORDINALS[run]}期）"
            organiser = course["organiser"]
            units = {
                "党政干部培训": data["departments"]["organisation"],
                "劳动力技能培训": data["departments"]["labour"],
                "致富带头人/乡村振兴人才培训": [data["offices"]["east"]["poverty"], data["offices"]["west"]["poverty"]],
            }.get(kind, [organiser])
            values = {
                "title": title,
                "training_type": kind,
                "programme": course.get("programme"),
                "organiser": organiser,
                "held_in": course["held_in"],
                "start_date": start,
                "end_date": start + timedelta(days=course["days"] - 1),
                "sessions": 1,
                "participants": participants,
                "poor_participants": poor,
                "certificates": rng.randint(round(participants * 0.8), participants)
                if course.get("certified")
                else None,
                "location": course["venue"],
                "responsible_units": units,
                "summary": course["summary"],
                "record_status": year.status(start),
            }
            issued = start - timedelta(days=rng.randint(7, 14))
            notice = Document(
                f"关于举办{title}的通知",
                year.doc_no(data["short"]["east" if organiser.startswith("鹤山") else "west"] + "培通", issued, 50),
                (
                    f"为落实{year.year}年度粤桂扶贫协作（鹤山—龙州）工作要点，定于{spoken(start)}起在{course['venue']}"
                    f"举办{title}，为期{course['days']}天，培训{participants}人。",
                    course["summary"],
                    "请各有关单位按分配名额选派学员，按时报到。",
                ),
                organiser,
                issued,
            )
            documents = [("培训通知.pdf", "通知文件", notice)] if rng.random() < 0.5 else []
            photo = rng.choice(("开班仪式.jpg", "培训现场.jpg"))
            roll = "花名册" if kind == "劳动力技能培训" else "签到表"
            entries.append(Entry("training", values, documents, [(photo, f"{title}{photo[:-4]}")], roll))
    return entries


def _disbursements(year: Year) -> list[Entry]:
    data, rng = year.data, year.rng
    fiscal, offices = data["fiscal_aid"], data["offices"]
    poverty_offices = [offices["east"]["poverty"], offices["west"]["poverty"]]
    entries = []

    def voucher(values: Values, lines: list[str]) -> Entry:
        name = f"拨付凭证-{values['voucher_no']}.pdf"
        document = Document(values["title"], values["voucher_no"], tuple(lines), values["payer"], values["date"])
        return Entry("disbursement", values, [(name, "拨付凭证", document)])

    def donation(values: Values, lines: list[str], number: int) -> Entry:
        """A gift's receipt, and its agreement but for two, which the evidence check then finds missing."""
        receipt = Document(values["title"], values["voucher_no"], tuple(lines), values["payee"], values["date"])
        documents = [(f"捐赠收据-{values['voucher_no']}.pdf", "收据", receipt)]
        if number not in (2, 9):
            signed = values["date"] - timedelta(days=7)
            agreement = Document(
                f"{values['payer']}捐赠协议书",
                f"鹤龙捐协〔{year.year}〕{number + 1:02d}号",
                (
                    f"捐赠方：{values['payer']}。受赠方：{values['payee']}。",
                    f"捐赠方自愿向受赠方捐赠{values['summary'].split('捐赠', 1)[1]}",
                    "受赠方按捐赠用途使用捐赠财产，接受捐赠方和社会监督。",
                ),
                values["payer"],
                signed,
            )
            documents.append((f"捐赠协议-{values['payer']}.pdf", "捐赠协议", agreement))
        return Entry("disbursement", values, documents)

    # 3.1 the city's own 260 万元, paid in batches by the plan's deadline (March).
    payments = fiscal["payments"]
    first, span = year.on(2, 17), (year.on(3, 31) - year.on(2, 17)) // len(payments)
    for number, payment in enumerate(payments):
        when = year.day(first + span * number, first + span * (number + 1))
        amount = Decimal(payment["amount"])
        values = {
            "title": f"拨付{year.year}年鹤山市本级财政帮扶资金（第{ORDINALS[number]}批）",
            "fund_type": "财政援助资金",
            "fund_level": "县区",
            "amount": amount,
            "date": when,
            "payer": fiscal["payer"],
            "payee": fiscal["payee"],
            "voucher_no": year.doc_no("鹤财预", when, per_year=100),
            "project": payment["project"],
            "use": payment["use"],
            "deep_poverty": payment["deep_poverty"],
            "summary": f"鹤山市本级财政帮扶资金第{ORDINALS[number]}批{wan(amount)}万元，用于{payment['project']}。",
            "responsible_units": data["departments"]["finance"],
            "record_status": year.status(when),
        }
        entries.append(
            voucher(
                values,
                [
                    f"根据{year.year}年度粤桂扶贫协作（鹤山—龙州）工作要点，现拨付鹤山市本级财政帮扶资金。",
                    f"付款单位：{fiscal['payer']}；收款单位：{fiscal['payee']}。",
                    f"金额：人民币{amount:,.2f}元。项目：{payment['project']}。",
                    "请按照粤桂扶贫协作资金管理规定专账核算，专款专用。",
                ],
            )
        )
    # 7.2 donations: eight at 17—32 万元 each keep the year over the plan's 130 万元.
    for gift in data["donations"]:
        when = year.day(year.on(4, 1), year.on(11, 30))
        amount = Decimal(rng.randrange(170_000, 320_001, 5_000))
        values = {
            "title": f"{gift['donor']}捐赠{gift['project']}资金",
            "fund_type": "社会帮扶资金",
            "fund_level": "社会",
            "amount": amount,
            "date": when,
            "payer": gift["donor"],
            "payee": gift["payee"],
            "voucher_no": f"捐赠票据No.{rng.randrange(10**7, 10**8)}",
            "project": gift["project"],
            "use": gift["use"],
            "deep_poverty": gift["deep_poverty"],
            "summary": f"{gift['donor']}向{gift['payee']}捐赠{wan(amount)}万元，用于{gift['project']}。",
            "responsible_units": poverty_offices,
            "record_status": year.status(when),
        }
        entries.append(
            donation(
                values,
                [
                    f"今收到{gift['donor']}捐赠款人民币{amount:,.2f}元。",
                    f"捐赠用途：{gift['project']}。",
                    f"接收单位：{gift['payee']}。",
                ],
                len(entries) - len(payments),
            )
        )
    # Donated goods count at their value (捐物折款).
    for gift in data["goods"]:
        when = year.day(year.on(gift["months"][0], 1), year.on(gift["months"][1], 28))
        low, high = gift["quantity"]
        step = 10 ** max(len(str(low)) - 2, 0)  # round quantities, as goods are counted
        quantity = rng.randrange(low, high + 1, step)
        amount = quantity * Decimal(gift["price"])
        what = f"{gift['goods']}{quantity}{gift['unit']}"
        values = {
            "title": f"{gift['donor']}捐赠{what}（折款）",
            "fund_type": "捐物折款",
            "fund_level": "社会",
            "amount": amount,
            "date": when,
            "payer": gift["donor"],
            "payee": gift["payee"],
            "voucher_no": f"物资接收单No.{rng.randrange(10**5):05d}",
            "use": gift["use"],
            "deep_poverty": False,
            "summary": f"{gift['donor']}向{gift['payee']}捐赠{what}，按单价{gift['price']}元折款{amount:,.2f}元。",
            "responsible_units": poverty_offices,
            "record_status": year.status(when),
        }
        entry = donation(
            values,
            [
                f"今收到{gift['donor']}捐赠{what}，单价{gift['price']}元，折合人民币{amount:,.2f}元。",
                f"接收单位：{gift['payee']}。物资已清点入库，按规定登记管理。",
            ],
            len(entries) - len(payments),
        )
        entry.photos.append(("捐赠仪式.jpg", f"{gift['donor']}捐赠{gift['goods']}仪式"))
        entries.append(entry)
    return entries


def _generate(year: Year) -> list[Entry]:
    """Every record of the demo year, in the order they are added."""
    first = _meetings(year) + _cadres(year) + _dispatches(year) + _trainings(year) + _disbursements(year)
    return first + demo_cooperation.generate(year)


# Evidence ---------------------------------------------------------------------------------------


def _evidence(year: Year, entry: Entry, rendered: dict[Document, bytes]) -> list[File]:
    rng, values = year.rng, entry.values
    when = values.get("date") or values["start_date"]
    files = []
    for name, role, document in entry.documents:
        if document not in rendered:
            rendered[document] = document.render()
        files.append((name, role, document.title, rendered[document]))
    if entry.roll:
        files.append(_roll(year, entry))
    for name, caption in entry.photos:
        # About one photo in six is stored sideways or upside down, as cameras do, with the EXIF tag to undo it.
        orientation = rng.choice((6, 6, 3, 8)) if rng.random() < 1 / 6 else 1
        size = (600, 800) if rng.random() < 0.15 else (800, 600)
        taken = datetime(
            when.year, when.month, when.day, rng.choice((9, 10, 14, 15)), rng.randrange(60), rng.randrange(60)
        )
        content = demo_photo(rng, caption=caption, taken_at=taken, orientation=orientation, size=size)
        files.append((name, "照片", caption, content))
    return files


def _roll(year: Year, entry: Entry) -> File:
    """The sign-in sheet (签到表), or the roster (花名册) of trainees or of workers, with names drawn now."""
    values, rng = entry.values, year.rng
    when = values.get("date") or values["start_date"]
    who = "学员" if entry.kind == "training" else "人员"
    heading = f"{values['title']}{who + '花名册' if entry.roll == '花名册' else '签到表'}"
    if entry.roll == "花名册":
        # Trainees are counted in participants, workers in people.
        total = values.get("participants") or values["people"]
        poor = values.get("poor_participants") or values.get("poor_people") or 0
        flags = [True] * poor + [False] * (total - poor)
        rng.shuffle(flags)
        townships = year.data["west_townships"]
        lines = [
            f"{number:02d}．{name}　{rng.choice(townships)}　{'建档立卡贫困户' if is_poor else '一般户'}"
            for number, (name, is_poor) in enumerate(zip(year.crowd(len(flags)), flags, strict=True), start=1)
        ]
        lines.insert(0, f"{who}{total}人，其中建档立卡贫困人口{poor}人。")
    else:
        count = values.get("participants") or rng.randint(14, 30)
        names = [f"{number:02d}．{name}" for number, name in enumerate(year.crowd(count), start=1)]
        lines = [f"时间：{spoken(when)}　地点：{values.get('location') or ''}"]
        lines += ["　".join(names[row : row + 5]) for row in range(0, len(names), 5)]
    document = Document(heading, "", tuple(lines), values.get("organiser") or "", when)
    return (f"{entry.roll}.pdf", entry.roll, heading, document.render())


# Building -------------------------------------------------------------------------------------------


def build_demo(path: Path, *, seed: int = 2020, progress: Progress | None = None) -> dict[str, int]:
    """Creates a ledger at `path` (empty or missing) holding the demo year; returns counts by label.

    Raises NotALedger, touching nothing, when the folder is not empty. If building fails halfway,
    the folder is left as it was given: a half-built demo would pass for a finished one.
    """
    folder = Path(path)
    existed = folder.exists()
    year = Year(seed)
    entries = _generate(year)
    ledger = Ledger.create(folder, author=AUTHOR)
    try:
        with ledger:
            return _fill(ledger, year, entries, seed, progress or (lambda fraction, message: None))
    except BaseException:
        if existed:
            for child in folder.iterdir():
                if child.is_dir():
                    shutil.rmtree(child, ignore_errors=True)
                else:
                    child.unlink(missing_ok=True)
        else:
            shutil.rmtree(folder, ignore_errors=True)
        raise


def _plan_workbook(folder: Path) -> Path:
    """The plan's task list as the office sends it: a title row, the header, the area merged down its rows."""
    data = json.loads(resource_path("demo", "heshan-longzhou-2020-plan.json").read_text(encoding="utf-8"))
    book = Workbook()
    sheet = book.active
    sheet.append([data["title"]])
    sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(data["header"]))
    sheet.append(data["header"])
    first = 3
    for number, row in enumerate(data["rows"]):
        sheet.append(row if number == 0 or row[0] != data["rows"][number - 1][0] else [None, *row[1:]])
        last = sheet.max_row
        if number + 1 == len(data["rows"]) or data["rows"][number + 1][0] != row[0]:
            if last > first:
                sheet.merge_cells(start_row=first, start_column=1, end_row=last, end_column=1)
            first = last + 1
    path = folder / "工作要点清单.xlsx"
    book.save(path)
    return path


def _fill(ledger: Ledger, year: Year, entries: list[Entry], seed: int, report: Progress) -> dict[str, int]:
    east, west = year.data["pairing"]["east"], year.data["pairing"]["west"]
    with ledger.session() as session, session.begin():
        pairing = records.add_pairing(session, east, west).name
        session.add(Setting(key="compiling_unit", value=year.data["compiling_unit"]))
    counts: dict[str, int] = {}
    attached, done = 0, 0
    rendered: dict[Document, bytes] = {}
    with tempfile.TemporaryDirectory() as scratch:
        for kind, spec in KINDS.items():
            batch = [entry for entry in entries if entry.kind == kind]
            with ledger.session() as session, session.begin():
                for entry in batch:
                    status = entry.values["record_status"]
                    values = {**entry.values, "pairing": pairing}
                    if status == ARCHIVED:
                        values["record_status"] = "已核实"
                    record = records.add_record(session, kind, values)
                    for number, (name, role, caption, content) in enumerate(_evidence(year, entry, rendered)):
                        source = Path(scratch) / str(number) / name
                        source.parent.mkdir(exist_ok=True)
                        source.write_bytes(content)
                        evidence.attach(session, ledger.evidence_dir, record, [source], role=role, caption=caption)
                        attached += 1
                    if status == ARCHIVED:
                        # Archived once its evidence is in, as a clerk does: an archived record is locked.
                        records.update_record(session, record, {"record_status": ARCHIVED})
                    done += 1
                    report(done / len(entries), f"正在生成{spec.label}（{done}/{len(entries)}）")
            counts[spec.label] = len(batch)
        with ledger.session() as session, session.begin():
            report(1.0, "正在导入年度计划")
            plans.import_plan(session, _plan_workbook(Path(scratch)), pairing=pairing, year=year.year)
    with ledger.session() as session, session.begin():
        # Written last: the command line takes a ledger with this setting for a finished demo.
        session.add(Setting(key="demo_seed", value=str(seed)))
    counts["佐证材料"] = attached
    return counts
