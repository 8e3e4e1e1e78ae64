"""The directory of people: the same 身份证号 is the same person, without one the same name from the same unit; kept
by every write, in bulk too, filled on upgrade from the records already kept, listed masked, and its people without
an ID number listed by `ledger gaps`."""

import json
import uuid
from datetime import date

from alembic import command
from samples import ID_NUMBER, VALID
from sqlalchemy import event, func, select

from ledger import records
from ledger.audit_log import read_log
from ledger.identity import id_check_char
from ledger.models import Person, Record
from ledger.persons import directory
from ledger.storage import schema
from ledger.storage.folder import Ledger

OTHER_ID = "44078419800101002" + id_check_char("44078419800101002")


def _cadre(session, **changes):
    return records.add_record(session, "cadre", {**VALID["cadre"], **changes})


def _dispatch(session, **changes):
    return records.add_record(session, "dispatch", {**VALID["dispatch"], **changes})


def _people(session) -> list[tuple]:
    found = session.execute(
        select(Person.name, Person.id_number, Person.gender, Person.phone, Person.unit).order_by(
            Person.name, Person.unit
        )
    )
    return [tuple(row) for row in found]


def test_the_same_id_number_is_the_same_person_whatever_the_kind(session):
    posting = _cadre(session)
    trip = _dispatch(session, person_name="陈志强", gender=None, id_number=ID_NUMBER, home_institution="鹤山市第一中学")
    session.flush()
    assert posting.person_id == trip.person_id
    # The latest unit given; the gender and phone kept from before, this record giving none.
    assert _people(session) == [("陈志强", ID_NUMBER, "男", "13812345678", "鹤山市第一中学")]


def test_without_an_id_number_the_same_name_from_the_same_unit_is_the_same_person(session):
    first = _dispatch(session)
    second = _dispatch(session, phone="13900001111")
    elsewhere = _dispatch(session, home_institution="鹤山市第一中学")
    session.flush()
    assert first.person_id == second.person_id != elsewhere.person_id
    assert _people(session) == [
        ("黄丽华", None, "女", "", "鹤山市第一中学"),
        ("黄丽华", None, "女", "13900001111", "鹤山市纪元中学"),
    ]


def test_a_later_record_bringing_the_id_number_gives_it_to_the_person_known_without_one(session):
    first = _dispatch(session)
    later = _dispatch(session, id_number=OTHER_ID, start_date=date(2020, 9, 1), end_date=date(2020, 12, 31))
    session.flush()
    assert later.person_id == first.person_id
    assert _people(session) == [("黄丽华", OTHER_ID, "女", "", "鹤山市纪元中学")]
    # From then on a record without it, by the same name from the same unit, is theirs: the number left out.
    again = _dispatch(session, start_date=date(2021, 3, 1), end_date=date(2021, 6, 30))
    session.flush()
    assert again.person_id == first.person_id
    assert _people(session) == [("黄丽华", OTHER_ID, "女", "", "鹤山市纪元中学")]


def test_a_record_without_the_number_is_the_person_known_with_it_whichever_comes_first(session):
    with_number = _cadre(session)
    without = _cadre(session, id_number=None, start_date=date(2021, 7, 1), end_date=date(2022, 6, 30))
    session.flush()
    assert without.person_id == with_number.person_id
    assert _people(session) == [("陈志强", ID_NUMBER, "男", "13812345678", "鹤山市科工商务局")]


def test_an_edit_moves_a_record_to_its_person_and_corrects_one_named_by_it_alone(session):
    typo = _dispatch(session, person_name="黄丽花", home_institution=None)
    session.flush()
    person_id = typo.person_id
    # A name mistyped, a unit filled in later: the same person, corrected in place rather than left behind.
    records.update_record(session, typo, {"person_name": "黄丽华", "home_institution": "鹤山市纪元中学"})
    assert typo.person_id == person_id
    assert _people(session) == [("黄丽华", None, "女", "", "鹤山市纪元中学")]
    # A change that does not say who the person is leaves the directory alone.
    records.update_record(session, typo, {"subject": "语文"})
    assert typo.person_id == person_id
    # Two records of one person: the ID number typed on one of them is the person's.
    other = _dispatch(session)
    session.flush()
    assert other.person_id == person_id
    records.update_record(session, other, {"id_number": OTHER_ID})
    assert other.person_id == person_id
    assert _people(session) == [("黄丽华", OTHER_ID, "女", "", "鹤山市纪元中学")]


def test_every_change_to_the_directory_is_audited(session):
    _dispatch(session)
    _dispatch(session, phone="13900001111")
    session.commit()
    lines = [(line.action, line.what, line.summary) for line in read_log(session, []) if line.what.startswith("人员")]
    assert lines == [
        ("修改", "人员“黄丽华”", "联系电话：（空） → 13900001111"),
        ("新增", "人员“黄丽华”", "性别：女；名称：黄丽华；单位：鹤山市纪元中学"),
    ]


def test_a_merge_puts_the_record_with_its_person(session):
    record_id = uuid.uuid4()
    put, _ = records.put_record(session, "cadre", record_id, VALID["cadre"], {})
    assert put.person_id is not None
    before = put.person_id
    records.put_record(session, "cadre", record_id, {**VALID["cadre"], "phone": "13900001111"}, {})
    assert put.person_id == before
    assert _people(session) == [("陈志强", ID_NUMBER, "男", "13900001111", "鹤山市科工商务局")]
    assert records.add_record(session, "meeting", VALID["meeting"]).person_id is None  # a kind naming no one


def test_a_thousand_records_added_at_once_find_their_persons_in_a_few_queries(session):
    _dispatch(session, id_number=OTHER_ID, person_name="早已登记")  # known before: found, not added again
    session.flush()
    rows = []
    for number in range(1000):
        row = {**VALID["dispatch"], "person_name": f"人员{number % 400}", "home_institution": f"学校{number % 2}"}
        if number < 600:  # 300 people with an ID number, each on two records
            body = f"4407841980{1 + number % 300 // 28:02d}{1 + number % 300 % 28:02d}{number % 300:03d}"
            row |= {"id_number": body + id_check_char(body), "person_name": f"有证{number % 300}"}
        if number == 999:
            row |= {"id_number": OTHER_ID, "person_name": "早已登记"}
        rows.append(row)
    statements = []
    listen = (session.get_bind(), "before_cursor_execute", lambda *args: statements.append(args[2]))
    event.listen(*listen)
    try:
        ids = records.add_many(session, "dispatch", rows)
    finally:
        event.remove(*listen)
    on_persons = [sql for sql in statements if "FROM person " in sql or "INTO person " in sql]
    assert len(on_persons) == 4  # 301 ID numbers looked up at once, 700 names in two, the new persons written at once
    assert len(statements) <= 15  # the whole batch: a few statements, not one a row
    # 300 with an ID, 1 known before; without one, 人员{n} for n in 600..998, each of one school: 399 more.
    assert session.scalar(select(func.count()).select_from(Person)) == 300 + 1 + 399
    people = dict(session.execute(select(Record.id, Record.person_id).where(Record.id.in_(ids))).all())
    assert people[ids[0]] == people[ids[300]]  # 有证0, twice
    assert len({people[record_id] for record_id in ids[:600]}) == 300
    known = session.scalar(select(Person.id).where(Person.id_number == OTHER_ID))
    assert people[ids[999]] == known


def test_the_upgrade_fills_the_directory_from_the_records_kept(tmp_path):
    with Ledger.create(tmp_path / "l", author="测试员") as ledger:
        with ledger.session() as session, session.begin():
            records.add_pairing(session, "鹤山市", "龙州县")
            twice = [_cadre(session).id, _cadre(session, start_date=date(2021, 9, 1), end_date=None).id]
            without = _dispatch(session).id
            again = _dispatch(session, phone="13900001111").id
            given_later = _dispatch(session, id_number=OTHER_ID, gender=None).id
            elsewhere = _dispatch(session, home_institution="鹤山市第一中学").id
            _dispatch(session, person_name="李明", home_institution=None)
            records.add_record(session, "meeting", VALID["meeting"])
        # The ledger as the previous version kept it: no directory.
        config = schema._config()
        with ledger.engine.connect() as connection:
            config.attributes["connection"] = connection
            command.downgrade(config, "0006")
            connection.commit()
            assert "person" not in connection.exec_driver_sql("SELECT name FROM sqlite_master").scalars().all()
    with Ledger.open(tmp_path / "l", author="测试员") as ledger, ledger.session() as session:
        person_of = dict(session.execute(select(Record.id, Record.person_id)).all())
        assert person_of[twice[0]] == person_of[twice[1]]
        assert person_of[without] == person_of[again] == person_of[given_later] != person_of[elsewhere]
        assert sorted(person_id is None for person_id in person_of.values()) == [False] * 7 + [True]
        assert _people(session) == [
            ("李明", None, "女", "", ""),
            ("陈志强", ID_NUMBER, "男", "13812345678", "鹤山市科工商务局"),
            ("黄丽华", None, "女", "", "鹤山市第一中学"),
            ("黄丽华", OTHER_ID, "女", "13900001111", "鹤山市纪元中学"),
        ]
        # And the write path goes on from there: the same ID number is the same person.
        assert _cadre(session).person_id == person_of[twice[0]]


def test_person_list_masks_personal_numbers_unless_asked(ledger_path, run):
    with Ledger.open(ledger_path, author="测试员") as ledger, ledger.session() as session, session.begin():
        _cadre(session)
        _cadre(session, start_date=date(2021, 9, 1), end_date=date(2022, 7, 31))
        _dispatch(session, phone="13900001111")
    status, out, err = run("person", "list")
    assert status == 0, err
    assert out.splitlines() == [
        "姓名    性别  身份证号            联系电话     派出单位          记录数  年度",
        "陈志强  男    4514**********0010  138****5678  鹤山市科工商务局  2       2019—2022",
        "黄丽华  女    （身份未核）        139****1111  鹤山市纪元中学    1       2020",
        "共 2 人",
    ]
    status, out, _ = run("person", "list", "--json", "--no-mask-personal")
    [cadre, teacher] = json.loads(out)
    assert (cadre["id_number"], cadre["phone"], cadre["records"]) == (ID_NUMBER, "13812345678", 2)
    assert cadre["years"] == [2019, 2020, 2021, 2022]
    assert (teacher["id_number"], teacher["phone"], teacher["poverty_status"]) == (None, "13900001111", "")
    status, out, _ = run("person", "list", "--json")
    assert [person["id_number"] for person in json.loads(out)] == ["4514**********0010", None]


def test_gaps_lists_the_people_without_an_id_number(ledger_path, run):
    with Ledger.open(ledger_path, author="测试员") as ledger, ledger.session() as session, session.begin():
        _cadre(session)
        trip = _dispatch(session).id
        _dispatch(session, person_name="李明", start_date=date(2019, 3, 1), end_date=date(2019, 6, 30))
    status, out, err = run("gaps", "--year", "2020")
    assert status == 0, err
    assert out.splitlines()[-3:] == [
        "身份未核：1 人没有身份证号，只凭姓名和单位区分，请在其记录中补全：",
        "姓名    派出单位        记录",
        f"黄丽华  鹤山市纪元中学  {str(trip)[:8]} 黄丽华赴龙州县高级中学支教",
    ]
    status, out, _ = run("gaps", "--year", "2020", "--json")
    [person] = [gap for gap in json.loads(out) if gap["kind"] == "person"]
    assert (person["title"], person["unit"], person["missing"]) == ("黄丽华", "鹤山市纪元中学", ["身份证号"])
    assert person["records"] == [{"id": str(trip), "kind": "dispatch", "title": "黄丽华赴龙州县高级中学支教"}]


def test_the_directory_counts_only_live_records(session):
    record = _cadre(session)
    records.delete_record(session, record)
    session.flush()
    [entry] = directory(session, as_of=date(2030, 1, 1))
    assert (entry.person.name, entry.records, entry.years) == ("陈志强", 0, [])
