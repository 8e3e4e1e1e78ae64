"""The demo year's meetings (鹤山市—龙州县, 2020): what seed 002 asks of them in section 一 and 6.6.

Two joint meetings and two progress meetings by June, the standing committee and executive meetings of each
side every quarter and their leading groups three times (the west's November one was not held), the main
leaders' visits both ways, departments learning from their counterparts, paired towns visiting and talks
between paired schools, hospitals and departments — each with its minutes, photos and often a sign-in sheet.
Wording is data (resources/demo); dates and names come from the demo year's random stream.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from ledger.demo.year import ORDINALS, Document, Entry, Year, held_in, other, spoken


def meetings(year: Year) -> list[Entry]:
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
