"""The ORM tables every record kind shares: records, pairings, units, evidence and the audit log.

Record kinds add their own table in `ledger.kinds` (joined-table inheritance on `record`), so a
query across kinds — the recycle bin, search, the binder — reads one table. Keys are UUIDs so the
ledgers of several laptops can be merged; nothing is ever deleted outright from the interface, only
marked deleted; money is stored as integer fen.
"""

from __future__ import annotations

import datetime as dt
import uuid
from datetime import UTC, datetime
from decimal import Decimal

from sqlalchemy import (
    BigInteger,
    DateTime,
    ForeignKey,
    Index,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
    Uuid,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from ledger import activities
from ledger.values import fen_to_money, money_to_fen


class Money(TypeDecorator[Decimal]):
    """Decimal yuan in Python, integer fen in the database: sums stay exact in SQL too."""

    impl = BigInteger
    cache_ok = True

    def process_bind_param(self, value: Decimal | None, dialect) -> int | None:
        return None if value is None else money_to_fen(value)

    def process_result_value(self, value: int | None, dialect) -> Decimal | None:
        return None if value is None else fen_to_money(value)


class DecimalText(TypeDecorator[Decimal]):
    """A Decimal kept as its text, for numbers that are not money (a target of 0.5 万元, 95 %) but must stay exact."""

    impl = String
    cache_ok = True

    def process_bind_param(self, value: Decimal | None, dialect) -> str | None:
        return None if value is None else str(Decimal(value))

    def process_result_value(self, value: str | None, dialect) -> Decimal | None:
        return None if value is None else Decimal(value)


class ActivityList(TypeDecorator[list[activities.Activity]]):
    """A list of dated entries, kept as JSON text (amounts in fen) in one column of its record."""

    impl = Text
    cache_ok = True

    def process_bind_param(self, value: list[activities.Activity] | None, dialect) -> str:
        return activities.dumps(value or [])

    def process_result_value(self, value: str | None, dialect) -> list[activities.Activity]:
        return activities.loads(value or "[]")


class UtcDateTime(TypeDecorator[datetime]):
    """Aware datetimes stored as UTC, because SQLite keeps no time zone of its own."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given for a UTC column")
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value: datetime | None, dialect) -> datetime | None:
        return None if value is None else value.replace(tzinfo=UTC)


def utc_now() -> datetime:
    return datetime.now(UTC)


class Base(DeclarativeBase):
    type_annotation_map = {
        uuid.UUID: Uuid(),
        datetime: UtcDateTime(),
        Decimal: Money(),
        str: String(),
    }


class Stamped:
    """Who made a row and who changed it last, set by `ledger.records` from the session's author."""

    created_at: Mapped[datetime] = mapped_column(default=utc_now)
    created_by: Mapped[str] = mapped_column(default="")
    updated_at: Mapped[datetime] = mapped_column(default=utc_now)
    updated_by: Mapped[str] = mapped_column(default="")


class Pairing(Stamped, Base):
    """A 结对关系: one eastern place helping one western place, e.g. 鹤山市—龙州县."""

    __tablename__ = "pairing"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    name: Mapped[str] = mapped_column(unique=True)
    east: Mapped[str]
    west: Mapped[str]
    # The receiving counties (受援县) where the west side is a prefecture of several, as a JSON list: what a
    # record's 受援县 is chosen from and what 县均 divides by.
    counties: Mapped[str] = mapped_column(Text, default="[]", server_default="[]")


class Unit(Stamped, Base):
    """An entry of the directory of units (责任单位), offered for completion and shared by records."""

    __tablename__ = "unit"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    name: Mapped[str] = mapped_column(unique=True)


class Person(Stamped, Base):
    """An entry of the directory of people (人员名录) that cadre and dispatch records name (`ledger.persons`): the same
    身份证号 is the same person; without one, the same name from the same unit."""

    __tablename__ = "person"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    name: Mapped[str] = mapped_column(index=True)
    gender: Mapped[str] = mapped_column(default="")
    # Empty (None) until known: a person then known by name and unit is listed as 身份未核.
    id_number: Mapped[str | None] = mapped_column(unique=True)
    phone: Mapped[str] = mapped_column(default="")
    unit: Mapped[str] = mapped_column(default="")  # 派出单位, as typed on the person's latest record
    poverty_status: Mapped[str] = mapped_column(default="")  # '', 脱贫户 or 监测对象


class Record(Stamped, Base):
    """The fields every kind has. Kind-specific fields live in the kind's own table."""

    __tablename__ = "record"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    kind: Mapped[str] = mapped_column(String(32))
    pairing_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("pairing.id"))
    year: Mapped[int]
    title: Mapped[str]
    summary: Mapped[str | None] = mapped_column(Text)
    location: Mapped[str | None]
    record_status: Mapped[str] = mapped_column(default="草稿")
    # One-day kinds use `date`, kinds that last use the period; the spec says which.
    date: Mapped[dt.date | None]
    start_date: Mapped[dt.date | None]
    end_date: Mapped[dt.date | None]
    county: Mapped[str | None]  # 受援县, where the pairing covers several (`Pairing.counties`)
    # The last year a record counts in, its first being `year`; None while it runs with no end (`KindSpec.last_year`).
    last_year: Mapped[int | None]
    # The person a record of a kind with person fields names (`ledger.persons`); None for other kinds.
    person_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("person.id"), index=True)
    deleted_at: Mapped[datetime | None]
    deleted_by: Mapped[str | None]
    # 1 when made, one more for each write to it (`ledger.record_writes`): a workbook row carries the revision
    # it was exported at, so an import can tell that the record changed since.
    revision: Mapped[int] = mapped_column(default=1, server_default="1")

    pairing: Mapped[Pairing] = relationship(lazy="joined")
    unit_links: Mapped[list[RecordUnit]] = relationship(
        order_by="RecordUnit.position", cascade="all, delete-orphan", lazy="selectin"
    )
    attachments: Mapped[list[Attachment]] = relationship(
        order_by="Attachment.position", cascade="all, delete-orphan", back_populates="record"
    )

    __mapper_args__ = {"polymorphic_on": "kind"}
    __table_args__ = (
        Index("ix_record_kind_year_date", "kind", "year", "date"),
        Index("ix_record_kind_year_start", "kind", "year", "start_date"),
        Index("ix_record_pairing_year", "pairing_id", "year"),
        Index("ix_record_kind_last_year", "kind", "last_year"),
    )

    @property
    def responsible_units(self) -> list[str]:
        return [link.unit.name for link in self.unit_links]

    @property
    def deleted(self) -> bool:
        return self.deleted_at is not None


class RecordUnit(Base):
    __tablename__ = "record_unit"

    record_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("record.id", ondelete="CASCADE"), primary_key=True)
    unit_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("unit.id"), primary_key=True)
    position: Mapped[int]

    unit: Mapped[Unit] = relationship(lazy="joined")


class AuditEntry(Base):
    """One change to the ledger: who, when, what, and each changed field as [old, new]."""

    __tablename__ = "audit_entry"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    at: Mapped[datetime] = mapped_column(default=utc_now, index=True)
    author: Mapped[str]
    action: Mapped[str] = mapped_column(String(16))  # insert, update, delete, restore, attach, detach
    target: Mapped[str] = mapped_column(String(16))  # record, attachment, pairing, unit
    target_id: Mapped[uuid.UUID] = mapped_column(index=True)
    record_kind: Mapped[str | None] = mapped_column(String(32))
    changes: Mapped[str] = mapped_column(Text, default="{}")  # JSON


class Setting(Base):
    """Ledger-wide preferences that travel with the ledger folder (author, compiling unit, …)."""

    __tablename__ = "setting"

    key: Mapped[str] = mapped_column(primary_key=True)
    value: Mapped[str] = mapped_column(Text)


class EvidenceFile(Base):
    """One stored file, named by its SHA-256; shared by every attachment of the same content."""

    __tablename__ = "evidence_file"

    sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    ext: Mapped[str] = mapped_column(String(16))
    size: Mapped[int] = mapped_column(BigInteger)
    mime: Mapped[str]
    width: Mapped[int | None]
    height: Mapped[int | None]
    orientation: Mapped[int | None]
    # Camera time from EXIF, as the camera wrote it (local, no zone).
    taken_at: Mapped[datetime | None] = mapped_column(DateTime)
    page_count: Mapped[int | None]
    added_at: Mapped[datetime] = mapped_column(default=utc_now)

    @property
    def relative_path(self) -> str:
        return f"{self.sha256[:2]}/{self.sha256}{self.ext}"


class Attachment(Stamped, Base):
    """Evidence attached to a record: a stored file in a role, with caption and order."""

    __tablename__ = "attachment"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    record_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("record.id", ondelete="CASCADE"), index=True)
    sha256: Mapped[str] = mapped_column(ForeignKey("evidence_file.sha256"), index=True)
    original_name: Mapped[str]
    role: Mapped[str] = mapped_column(default="其他")
    caption: Mapped[str | None]
    position: Mapped[int] = mapped_column(default=0)
    deleted_at: Mapped[datetime | None]
    deleted_by: Mapped[str | None]

    record: Mapped[Record] = relationship(back_populates="attachments")
    file: Mapped[EvidenceFile] = relationship(lazy="joined")

    #: Set by `evidence.attach` for the user to read (content attached already, a note on the file); not stored.
    warning = None


EVIDENCE_ROLES = (
    "照片",
    "会议纪要",
    "签到表",
    "通知文件",
    "拨付凭证",
    "捐赠协议",
    "收据",
    "任职文件",
    "花名册",
    "协议书",
    "销售凭证",
    "报道截图",
    "其他",
)


class Plan(Stamped, Base):
    """An annual plan (年度工作计划 / 工作要点) of one pairing: its task list, imported from the office's table."""

    __tablename__ = "plan"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    pairing_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("pairing.id"))
    year: Mapped[int]
    title: Mapped[str]
    doc_no: Mapped[str | None]
    source_name: Mapped[str | None]  # the file it was imported from, as the user named it

    pairing: Mapped[Pairing] = relationship(lazy="joined")
    tasks: Mapped[list[Task]] = relationship(
        order_by="Task.position", cascade="all, delete-orphan", back_populates="plan"
    )

    __table_args__ = (Index("ix_plan_pairing_year", "pairing_id", "year"),)


class Task(Base):
    """One row of a plan's task list (清单): what is to be done, how much, by when and by whom."""

    __tablename__ = "task"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    plan_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("plan.id", ondelete="CASCADE"), index=True)
    position: Mapped[int]
    seq: Mapped[str] = mapped_column(default="")
    area: Mapped[str] = mapped_column(default="")
    item: Mapped[str] = mapped_column(Text)
    target_text: Mapped[str] = mapped_column(Text, default="")
    deadline: Mapped[dt.date | None]
    deadline_text: Mapped[str] = mapped_column(default="")
    # Units as the plan names them (两地扶贫办 is no single unit of the directory): a JSON list.
    responsible_units: Mapped[str] = mapped_column(Text, default="[]")
    assisting_units: Mapped[str] = mapped_column(Text, default="[]")
    remarks: Mapped[str] = mapped_column(Text, default="")

    plan: Mapped[Plan] = relationship(back_populates="tasks")
    targets: Mapped[list[Target]] = relationship(
        order_by="Target.position", cascade="all, delete-orphan", back_populates="task", lazy="selectin"
    )


class Target(Base):
    """A measure over the ledger with the threshold a task sets: 党政联席会议 ≥ 2 次."""

    __tablename__ = "target"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    task_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("task.id", ondelete="CASCADE"), index=True)
    position: Mapped[int]
    measure: Mapped[str] = mapped_column(String(32))
    params: Mapped[str] = mapped_column(Text, default="{}")  # JSON, as `ledger.plans.measures.parse_params` gives
    threshold: Mapped[Decimal] = mapped_column(DecimalText())
    source: Mapped[str] = mapped_column(default="")  # the words it was read from; empty when set by hand
    # Compared with the same figure of the plan's year before: "上年" at least as much, "增长" more; "" not.
    basis: Mapped[str] = mapped_column(String(8), default="", server_default="")

    task: Mapped[Task] = relationship(back_populates="targets")


class RecordTask(Base):
    """A record filed under a plan task; a task with linked records is measured on those alone."""

    __tablename__ = "record_task"

    record_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("record.id", ondelete="CASCADE"), primary_key=True)
    task_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("task.id", ondelete="CASCADE"), primary_key=True, index=True)


class RosterEntry(Stamped, Base):
    """One worker of a labour record's real-name roster (实名花名册, `ledger.rosters`), a person of the directory:
    the roster is kept as its file last imported said, one row per person."""

    __tablename__ = "roster_entry"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    record_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("record.id", ondelete="CASCADE"), index=True)
    position: Mapped[int]
    person_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("person.id"), index=True)
    name: Mapped[str]
    id_number: Mapped[str | None]
    gender: Mapped[str] = mapped_column(default="")
    hukou_county: Mapped[str] = mapped_column(default="")  # 户籍 县、乡、村
    hukou_town: Mapped[str] = mapped_column(default="")
    hukou_village: Mapped[str] = mapped_column(default="")
    poverty_status: Mapped[str] = mapped_column(default="")  # '', 脱贫户 or 监测对象
    work_province: Mapped[str] = mapped_column(default="")  # 就业地 省、市
    work_city: Mapped[str] = mapped_column(default="")
    employer: Mapped[str] = mapped_column(default="")
    post: Mapped[str] = mapped_column(default="")
    start_date: Mapped[dt.date | None]
    end_date: Mapped[dt.date | None]
    monthly_income: Mapped[Decimal | None]
    placement: Mapped[str] = mapped_column(default="")  # 输出方式: '', 有组织 or 自主

    __table_args__ = (UniqueConstraint("record_id", "person_id"),)
