"""The demo year's training courses (鹤山市—龙州县, 2020): cadres, skills, leaders of rich villages and more.

Courses and their runs are data; each run's dates, trainees (in the hundreds of 人次 over the year, poor ones
counted where the plan asks) and certificates come from the demo year's random stream, with a notice for about
half of them, a photo each and a roster or sign-in sheet.
"""

from __future__ import annotations

from datetime import timedelta

from ledger.demo.year import ORDINALS, Document, Entry, Year, spoken


def trainings(year: Year) -> list[Entry]:
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
