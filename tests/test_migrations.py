"""Schema upgrades: a new ledger gets the whole schema, an old one is backed up and upgraded intact."""

import shutil
import sqlite3
from decimal import Decimal
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from samples import VALID
from sqlalchemy import select

from ledger import audit_entries, records
from ledger.errors import LedgerError
from ledger.models import Base, Record
from ledger.storage import schema
from ledger.storage.db import make_engine, sqlite_url
from ledger.storage.folder import Ledger

FIXTURE = Path(__file__).with_name("fixtures") / "ledger-0001.sqlite"


def test_an_empty_database_is_migrated_to_exactly_the_models(tmp_path):
    with Ledger.create(tmp_path / "new") as ledger, ledger.engine.connect() as connection:
        # Types compared too: no column the models declare otherwise than the migrations make it.
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        assert compare_metadata(context, Base.metadata) == []
        assert schema.current_revision(ledger.engine) == schema.head_revision()
    # Nothing to back up on creation; the new ledger is copied once it is closed.
    assert [path.name.rsplit("-", 1)[1] for path in (tmp_path / "new" / "backups").iterdir()] == ["close.sqlite"]


@pytest.fixture
def old_ledger(tmp_path) -> Path:
    folder = tmp_path / "old"
    folder.mkdir()
    shutil.copy(FIXTURE, folder / "ledger.sqlite")
    return folder


def test_an_older_ledger_is_backed_up_then_upgraded_with_its_data(old_ledger):
    with Ledger.open(old_ledger, author="测试员") as ledger:
        assert schema.current_revision(ledger.engine) == schema.head_revision()
        with ledger.session() as session:
            meeting = records.get_record(session, "33333333-3333-3333-3333-333333333333")
            assert meeting.title == "鹤山—龙州扶贫协作党政联席会议"
            assert meeting.responsible_units == ["龙州县扶贫办"]
            assert meeting.lead == "李明" and meeting.main_leader_present is True
            money = records.get_record(session, "44444444444444444444444444444444")
            assert money.amount == Decimal("2600000.00")
            assert len(audit_entries.history(session, meeting.id)) == 1
            # The upgraded ledger takes evidence, which revision 0001 had no tables for.
            assert meeting.attachments == []
            records.update_record(session, meeting, {"summary": "升级后修改"})
            session.commit()

    backups = sorted((old_ledger / "backups").iterdir())
    assert len(backups) == 2 and "before-upgrade" in backups[0].name and "close" in backups[1].name
    backup = sqlite3.connect(backups[0])
    assert backup.execute("SELECT version_num FROM alembic_version").fetchone() == ("0001",)
    assert backup.execute("SELECT count(*) FROM record").fetchone() == (2,)
    assert backup.execute("PRAGMA integrity_check").fetchone() == ("ok",)


def test_an_upgraded_ledger_takes_records_of_the_kinds_added_later(old_ledger):
    with Ledger.open(old_ledger, author="测试员") as ledger, ledger.session() as session:
        for kind in ("labour", "industry", "consumption", "tie", "publicity"):
            records.add_record(session, kind, VALID[kind])
        session.commit()
        [tie] = records.list_records(session, "tie")
        assert [activity.text for activity in tie.activities] == ["捐赠图书", "送教下乡，开设公开课"]
        assert len(records.list_records(session, "meeting")) == 1


def test_upgrades_keep_child_rows_and_leave_foreign_keys_on(old_ledger):
    with Ledger.open(old_ledger) as ledger, ledger.engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert connection.exec_driver_sql("SELECT count(*) FROM meeting").scalar() == 1
        assert connection.exec_driver_sql("SELECT count(*) FROM record_unit").scalar() == 1
        assert connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall() == []


def test_a_failed_migration_leaves_the_database_as_it_was(old_ledger, monkeypatch):
    from alembic.operations import Operations

    real_create_index = Operations.create_index

    def failing_create_index(self, name, *args, **kwargs):
        if name == "ix_attachment_sha256":
            raise RuntimeError("disk full")
        return real_create_index(self, name, *args, **kwargs)

    monkeypatch.setattr(Operations, "create_index", failing_create_index)
    engine = make_engine(sqlite_url(old_ledger / "ledger.sqlite"))
    with pytest.raises(RuntimeError, match="disk full"):
        schema.upgrade(engine)
    assert schema.current_revision(engine) == "0001"
    with engine.connect() as connection:
        tables = {row[0] for row in connection.exec_driver_sql("SELECT name FROM sqlite_master WHERE type='table'")}
    engine.dispose()
    assert "attachment" not in tables and "evidence_file" not in tables


def test_a_ledger_from_a_newer_program_is_refused(old_ledger):
    db = sqlite3.connect(old_ledger / "ledger.sqlite")
    db.execute("UPDATE alembic_version SET version_num = '9999'")
    db.commit()
    db.close()
    with pytest.raises(LedgerError, match="更新版本"):
        Ledger.open(old_ledger)


def test_upgrading_the_first_version_gives_every_record_revision_1(old_ledger):
    with Ledger.open(old_ledger, author="测试员") as ledger, ledger.session() as session:
        assert sorted(session.scalars(select(Record.revision))) == [1, 1]
        meeting = records.get_record(session, "33333333-3333-3333-3333-333333333333")
        records.update_record(session, meeting, {"summary": "升级后修改"})
        session.commit()
        assert meeting.revision == 2
