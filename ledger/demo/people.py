"""The demo year's people (鹤山市—龙州县, 2020): the work group's cadres and the professionals sent each way.

The cadres' postings are data, some begun in earlier years and some ended early; teachers, doctors, nurses and
farm technicians are sent both ways in waves, each wave named in one notice, mostly for a month or more, with a
few short exchanges that must not count. Who goes, when and for how long comes from the demo year's random
stream.
"""

from __future__ import annotations

from datetime import date, timedelta

from ledger.demo.year import Document, Entry, Year, spoken

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


def cadres(year: Year) -> list[Entry]:
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
            # A posting begun in an earlier year is filed under that year and counts in each year it lasts into.
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


def posted_again(year: Year, entries: list[Entry]) -> list[Entry]:
    """One of the west's cadres, back from six months in the east, is posted there again in November for another
    six months: two postings of one person in the year, a cadre counted once. Made after the rest of the year,
    so that what it draws from the random stream changes nothing else."""
    first = next(
        entry
        for entry in entries
        if entry.kind == "cadre"
        and entry.values["home_post"] == "项目股股长"
        and entry.values["home_unit"] == "龙州县扶贫办"
    )
    values = first.values
    start, end = year.on(11, 16), date(year.year + 1, 5, 15)
    issued = year.on(11, 6)
    doc_no = year.doc_no("鹤组干", issued, per_year=80)
    name, host = values["person_name"], values["host_unit"]
    again = {
        **values,
        "start_date": start,
        "end_date": end,
        "returned_on": None,
        "posting_status": "在岗",
        "appointment_doc_no": doc_no,
        "summary": f"首期挂职期满后，应{host}商请再次挂职半年，继续负责两地协作项目库和资金项目对接。",
        "record_status": "已核实",
    }
    letter = Document(
        f"关于{name}同志继续挂职的通知",
        doc_no,
        (
            f"经商{values['home_unit']}同意，{name}同志继续到{host}挂职，挂任{values['host_post']}，"
            f"挂职时间自{spoken(start)}起至{spoken(end)}止。",
            "挂职期间，人事关系和工资福利待遇保留在原单位，由接收单位负责日常管理和考核。",
        ),
        "中共鹤山市委组织部",
        issued,
    )
    return [Entry("cadre", again, [("任职文件.pdf", "任职文件", letter)])]


def dispatches(year: Year) -> list[Entry]:
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
