"""`ledger check`: proof that a ledger is whole — database, keys, records and every evidence file."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from ledger.evidence_store import TEMP, sha256_of, stored_files
from ledger.jobs import Job
from ledger.kinds import KINDS, MODELS
from ledger.models import Attachment, EvidenceFile, Record
from ledger.records import record_values
from ledger.storage.folder import Ledger
from ledger.validation import check_values


def check_ledger(ledger: Ledger, job: Job | None = None) -> list[str]:
    """Every problem found, in Chinese, each naming the table, record or file concerned."""
    job = job or Job()
    problems: list[str] = []
    with ledger.engine.connect() as connection:
        job.report(0.0, "检查数据库完整性")
        integrity = [row[0] for row in connection.exec_driver_sql("PRAGMA integrity_check")]
        if integrity != ["ok"]:
            problems.extend(f"数据库损坏：{line}" for line in integrity)
        for table, rowid, parent, _ in connection.exec_driver_sql("PRAGMA foreign_key_check"):
            problems.append(f"数据表 {table} 第 {rowid} 行引用了 {parent} 中不存在的行")

    with ledger.session() as session:
        job.report(0.1, "检查记录")
        for kind, model in MODELS.items():
            spec = KINDS[kind]
            for record in session.scalars(select(model).where(model.deleted_at.is_(None))):
                for problem in check_values(spec, record_values(record)):
                    problems.append(f"{spec.label}记录 {record.id}（{record.title}）：{problem}")

        files = session.scalars(select(EvidenceFile).order_by(EvidenceFile.sha256)).all()
        referenced = set(session.scalars(select(Attachment.sha256).distinct()))
        for number, stored in enumerate(files, start=1):
            job.report(0.2 + 0.75 * number / max(len(files), 1), f"核对佐证材料 {number}/{len(files)}")
            path = ledger.evidence_dir / stored.relative_path
            if not path.is_file():
                problems.append(f"佐证材料文件缺失：{path}{_used_by(session, stored.sha256)}")
            elif path.stat().st_size != stored.size:
                problems.append(f"佐证材料文件大小不符（已被改动或损坏）：{path}{_used_by(session, stored.sha256)}")
            elif sha256_of(path) != stored.sha256:
                problems.append(
                    f"佐证材料文件内容与登记的校验值不符（已被改动或损坏）：{path}{_used_by(session, stored.sha256)}"
                )
            if stored.sha256 not in referenced:
                problems.append(f"佐证材料文件没有任何记录使用：{path}")

        known = {stored.relative_path for stored in files}
        for path in stored_files(ledger.evidence_dir):
            if path.relative_to(ledger.evidence_dir).as_posix() not in known:
                problems.append(f"佐证材料文件夹中有未登记的文件：{path}")
        leftovers = sorted((ledger.evidence_dir / TEMP).glob("*")) if (ledger.evidence_dir / TEMP).is_dir() else []
        problems.extend(f"残留的临时文件：{path}" for path in leftovers)
    job.done("检查完毕")
    return problems


def _used_by(session: Session, sha256: str) -> str:
    """Which records a damaged file belongs to, under the names the user gave it: what to attach again."""
    rows = session.execute(
        select(Record.kind, Record.title, Attachment.original_name)
        .join(Attachment.record)
        .where(Attachment.sha256 == sha256)
        .order_by(Record.title)
    ).all()
    if not rows:
        return ""
    named = [f"{KINDS[kind].label}“{title}”的 {name}" for kind, title, name in rows[:3]]
    more = f"等 {len(rows)} 处" if len(rows) > 3 else ""
    return f"\n    用于：{'；'.join(named)}{more}。请找到原件重新添加。"
