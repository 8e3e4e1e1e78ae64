"""Evidence: files attached to records, each in a role with a caption, kept once each in the store.

A file is copied into `evidence/.tmp` while it is hashed, synced to disk, then renamed into its place in the
store (`ledger.evidence_store`), so a crash leaves either nothing or a whole file, never half of one. The same
photo attached to three records is stored once. A file that could never be printed (damaged, locked, of absurd
size) is refused, and so are the others of the same attach: nothing is stored until every file has been copied
and looked at. Attachments are written here alone: attached, changed, detached, or put as a package has them.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
import tempfile
import unicodedata
import uuid
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ledger.audit_entries import audit, author_of
from ledger.errors import InvalidInput, LedgerError, RecordLocked, storage_error
from ledger.evidence_store import CHUNK, TEMP, add_file_row, intact, place_file, stored_path
from ledger.fields import Problem
from ledger.kinds import KINDS
from ledger.kinds.common import ARCHIVED
from ledger.limits import Limits, file_problem
from ledger.media import MediaInfo, probe
from ledger.models import EVIDENCE_ROLES, Attachment, EvidenceFile, Record, utc_now
from ledger.pdf.media import DOCUMENTS
from ledger.records import find_pairing
from ledger.values import CAPTION_LENGTH, NAME_LENGTH, text_problem
from ledger.years import in_year

# What evidence can be, by the ending of its name: photos the binder prints (recognised by their content, so a
# photo under an odd name is taken too; HEIC is refused by `ledger.media`), scans it merges page by page, and
# documents it names in a record's list. `attach` refuses any other file, and the window's file dialog offers
# these and nothing else.
PHOTO_SUFFIXES = (".jpg", ".jpeg", ".png", ".gif", ".bmp", ".tif", ".tiff", ".webp", ".jfif")
SCAN_SUFFIXES = (".pdf",)
DOCUMENT_SUFFIXES = tuple(DOCUMENTS)
SPREADSHEET_SUFFIXES = (".xls", ".xlsx", ".et", ".ods", ".csv")
ACCEPTED_SUFFIXES = PHOTO_SUFFIXES + SCAN_SUFFIXES + DOCUMENT_SUFFIXES


class EvidenceRefused(LedgerError):
    """Files that cannot be evidence, each with its reason; none of the files given was attached."""

    def __init__(self, refused: Sequence[tuple[str, str]], given: int):
        self.refused = list(refused)  # (name as shown, reason)
        if given == len(self.refused) == 1:
            text = "未能添加 {}：{}".format(*self.refused[0])
        else:
            lines = [f"{len(self.refused)} 个文件不能作为佐证材料，本次未添加任何文件："]
            text = "\n".join(lines + [f"  {name}：{reason}" for name, reason in self.refused])
        super().__init__(text)


class _Unreadable(Exception):
    """A file that cannot be read in; the reason is in Chinese."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


def clean_name(name: str) -> str:
    """The file name alone, without folders or control characters, as it will be shown; a long one is
    shortened before its extension, which says what the file is."""
    base = re.split(r"[\\/]", name)[-1]
    base = "".join(ch for ch in base if unicodedata.category(ch)[0] != "C").strip(" .")
    if len(base) > NAME_LENGTH:
        stem, dot, suffix = base.rpartition(".")
        keep = f".{suffix}" if dot and stem and len(suffix) <= 10 else ""
        base = (stem if keep else base)[: NAME_LENGTH - len(keep)] + keep
    return base or "未命名文件"


def _extension(name: str) -> str:
    suffix = Path(clean_name(name)).suffix.lower()
    return suffix if re.fullmatch(r"\.[a-z0-9]{1,10}", suffix) else ""


@dataclass
class _Copied:
    source: Path
    temp: Path
    sha256: str
    size: int


@contextlib.contextmanager
def _storing(evidence_dir: Path) -> Iterator[None]:
    """A failure writing the store's temporary copy (a full disk) names the store, not a file the user never sees."""
    try:
        yield
    except OSError as error:
        raise storage_error(error, evidence_dir) or error from None


def _copy_in(evidence_dir: Path, source: Path, most_bytes: int) -> _Copied:
    try:
        stream = source.open("rb")
    except FileNotFoundError:
        raise _Unreadable("找不到文件（可能刚被移动或删除）") from None
    except PermissionError:
        raise _Unreadable("没有权限读取这个文件") from None
    with stream:
        temp_dir = evidence_dir / TEMP
        temp_dir.mkdir(parents=True, exist_ok=True)
        digest, size = hashlib.sha256(), 0
        handle, temp_name = tempfile.mkstemp(dir=temp_dir)
        temp = Path(temp_name)
        try:
            with os.fdopen(handle, "wb") as target:
                while chunk := stream.read(CHUNK):
                    size += len(chunk)
                    if size > most_bytes:  # it grew after its size was checked
                        raise _Unreadable(f"文件在读入时变大，超过上限 {most_bytes // 2**20} MB")
                    digest.update(chunk)
                    with _storing(evidence_dir):
                        target.write(chunk)
                with _storing(evidence_dir):
                    target.flush()
                    os.fsync(target.fileno())
            if size == 0:
                raise _Unreadable("文件是空的（0 字节）")
        except BaseException:
            temp.unlink(missing_ok=True)
            raise
    return _Copied(source, temp, digest.hexdigest(), size)


def _take_in(
    session: Session, evidence_dir: Path, sources: Sequence[Path], limits: Limits
) -> list[tuple[_Copied, MediaInfo | None]]:
    """Copies every file into the store's temporary folder and probes the contents the store lacks; if any file
    cannot be evidence, removes the copies and refuses them all, naming every file refused and why."""
    taken: list[tuple[_Copied, MediaInfo | None]] = []
    refused: list[tuple[str, str]] = []
    probed: dict[str, MediaInfo] = {}
    try:
        for source in sources:
            # Size and kind from the directory first: a 2 GB file or a pipe is refused without reading a byte.
            problem = file_problem(source, limits.evidence_mb, "max_evidence_mb")
            if problem:
                refused.append((clean_name(source.name), problem))
                continue
            try:
                copied = _copy_in(evidence_dir, source, limits.evidence_mb * 2**20)
            except _Unreadable as error:
                refused.append((clean_name(source.name), error.reason))
                continue
            info = None
            if session.get(EvidenceFile, copied.sha256) is None:
                info = probed.get(copied.sha256) or probe(copied.temp, source.name, limits.image_megapixels)
                probed[copied.sha256] = info
                refusal = info.refusal or _type_refusal(info, source.name)
                if refusal:
                    refused.append((clean_name(source.name), refusal))
            taken.append((copied, info))
        if refused:
            raise EvidenceRefused(refused, len(sources))
    except BaseException:
        for copied, _ in taken:
            copied.temp.unlink(missing_ok=True)
        raise
    return taken


def stored_file_refusal(path: Path, name: str, limits: Limits) -> tuple[str | None, MediaInfo | None]:
    """Why a file brought in whole (a package's evidence) could not be evidence, as `attach` would refuse it, and
    what it is; the reason is None when it can be. `name` is the original name, whose ending may make a document."""
    problem = file_problem(path, limits.evidence_mb, "max_evidence_mb")
    if problem:
        return problem, None
    if path.stat().st_size == 0:
        return "文件是空的（0 字节）", None
    try:
        info = probe(path, name, limits.image_megapixels)
    except OSError:
        return "无法读取这个文件", None
    return info.refusal or _type_refusal(info, name), info


def _type_refusal(info: MediaInfo, name: str) -> str | None:
    """Why a file that is neither a photo nor a PDF by its content, nor a document by its name, cannot be evidence."""
    if info.mime == "application/pdf" or info.width is not None or _extension(name) in DOCUMENT_SUFFIXES:
        return None
    shown = _extension(name) or "没有扩展名"
    return f"这种文件（{shown}）不能作为佐证材料：可以添加照片（JPG、PNG 等）、PDF，或 Word、Excel 等文档"


def _refuse_if_archived(record: Record, verb: str) -> None:
    # An archived record's evidence is what was inspected; changing it means reopening the record first.
    if record.record_status == ARCHIVED:
        raise RecordLocked(f"记录“{record.title}”已归档，不能{verb}佐证材料。如确需{verb}，请先把状态改回“已核实”。")


def attach(
    session: Session,
    evidence_dir: Path,
    record: Record,
    sources: Sequence[Path],
    *,
    role: str = "其他",
    caption: str | None = None,
    roles: Sequence[str] | None = None,
    captions: Sequence[str | None] | None = None,
) -> list[Attachment]:
    """Attaches files to a record, each in `role` with `caption`, or in its own one of `roles` and `captions`
    (one for each of `sources`); content the record already has is not attached again, and its
    attachment comes back with a warning. Raises EvidenceRefused, having stored nothing, when any file
    cannot be evidence. Files are in the store before the caller commits; if the transaction fails,
    `discard_unreferenced` removes the ones that no row came to reference."""
    roles = [role] * len(sources) if roles is None else list(roles)
    captions = [caption] * len(sources) if captions is None else list(captions)
    if not len(roles) == len(captions) == len(sources):
        raise ValueError(f"{len(sources)} files, {len(roles)} roles and {len(captions)} captions")
    for given in roles:
        _check_role(given)
    problems = [problem for given in captions if (problem := caption_problem(given))]
    if problems:
        raise InvalidInput(problems)
    if record.deleted:
        raise InvalidInput([Problem("record", "记录", record.title, "记录在回收站里，请先恢复")])
    _refuse_if_archived(record, "添加")
    taken = _take_in(session, evidence_dir, [Path(path) for path in sources], Limits.of(session))
    author = author_of(session)
    position = session.scalar(select(func.max(Attachment.position)).where(Attachment.record_id == record.id))
    position = -1 if position is None else position
    already = {attachment.sha256: attachment for attachment in live_attachments(record)}
    attachments = []
    for (copied, info), role, caption in zip(taken, roles, captions, strict=True):
        source = copied.source
        stored = session.get(EvidenceFile, copied.sha256)
        warning = None
        if stored is None:
            assert info is not None
            ext = _extension(source.name)
            place_file(evidence_dir, copied.temp, copied.sha256, ext)
            warning = info.warning
            add_file_row(session, copied.sha256, ext, copied.size, vars(info))
        else:
            existing = evidence_dir / stored.relative_path
            if intact(existing, stored):
                copied.temp.unlink()
            else:
                # The stored copy went missing or was damaged; this upload is the same content, so it heals the store.
                place_file(evidence_dir, copied.temp, copied.sha256, stored.ext)
            if copied.sha256 in already:
                # The same content twice on one record would only print twice in the binder.
                attachment = already[copied.sha256]
                attachment.warning = f"这份材料已经添加过（{attachment.original_name}），没有重复添加"
                attachments.append(attachment)
                continue
        position += 1
        attachment = Attachment(
            id=uuid.uuid4(),
            record=record,  # through the relationship, so that record.attachments sees it at once
            sha256=copied.sha256,
            original_name=clean_name(source.name),
            role=role,
            caption=_caption(caption),
            position=position,
            created_by=author,
            updated_by=author,
        )
        attachment.warning = warning
        session.add(attachment)
        session.flush()
        audit(
            session,
            "attach",
            "attachment",
            attachment.id,
            record.kind,
            {"record": str(record.id), "file": attachment.original_name, "sha256": copied.sha256, "role": role},
        )
        attachments.append(attachment)
        already[copied.sha256] = attachment
    return attachments


def _check_role(role: str) -> None:
    if role not in EVIDENCE_ROLES:
        raise InvalidInput([Problem("role", "材料类型", role, f"只能是：{'、'.join(EVIDENCE_ROLES)}")])


def _caption(caption: str | None) -> str | None:
    return caption.strip() if caption and caption.strip() else None


def caption_problem(caption: object) -> Problem | None:
    """Why `caption` cannot be an attachment's 说明 (the binder prints it under the picture); None when it can."""
    if caption is None:
        return None
    problem = text_problem(caption.strip() if isinstance(caption, str) else caption, CAPTION_LENGTH)
    return Problem("caption", "说明", str(caption), problem) if problem else None


def update_attachment(
    session: Session, attachment: Attachment, *, role: str | None = None, caption: str | None = None
) -> dict[str, list[Any]]:
    """Changes an attachment's role or caption (None leaves it as it is; an empty caption clears it); returns the
    changes as {name: [old, new]}, empty when nothing changed. Refused, like attaching, on an archived record."""
    if role is not None:
        _check_role(role)
    if problem := caption_problem(caption):
        raise InvalidInput([problem])
    record = attachment.record
    if attachment.deleted_at is not None:
        raise InvalidInput([Problem("attachment", "佐证材料", attachment.original_name, "已移除，请先从回收站恢复")])
    if record.deleted:
        raise InvalidInput([Problem("record", "记录", record.title, "记录在回收站里，请先恢复")])
    _refuse_if_archived(record, "修改")
    wanted = {
        "role": attachment.role if role is None else role,
        "caption": attachment.caption if caption is None else _caption(caption),
    }
    changes = {
        name: [getattr(attachment, name), value] for name, value in wanted.items() if getattr(attachment, name) != value
    }
    if not changes:
        return {}
    for name, (_, value) in changes.items():
        setattr(attachment, name, value)
    attachment.updated_at = utc_now()
    attachment.updated_by = author_of(session)
    session.flush()
    audit(session, "update", "attachment", attachment.id, record.kind, {"file": attachment.original_name, **changes})
    return changes


def detach(session: Session, attachment: Attachment) -> None:
    """Moves an attachment to the recycle bin; the stored file stays, so it can be restored."""
    if attachment.deleted_at is not None:
        return
    _refuse_if_archived(attachment.record, "移除")
    attachment.deleted_at = utc_now()
    attachment.deleted_by = author_of(session)
    session.flush()
    audit(session, "detach", "attachment", attachment.id, attachment.record.kind, {"file": attachment.original_name})


#: What of an attachment is shown (its name, role, caption, place, whether it is removed): a merge puts another
#: ledger's attachment in place of ours when one of these differs, and logs those.
SHOWN = ("original_name", "role", "caption", "position", "deleted_at")


def put_attachment(
    session: Session, attachment_id: uuid.UUID, values: Mapping[str, Any], package: str
) -> dict[str, list[str]]:
    """Puts an attachment as another ledger has it (a merge), its file in the store already (`put_stored_file`):
    added under its own id with `values` (record, content, name, role, caption, place, stamps), or, when what is
    `SHOWN` of it differs, given `values`. Logged with the package's name; returns the changes of what is shown
    as {name: [old, new]}, empty when nothing was written to an attachment we had."""
    attachment = session.get(Attachment, attachment_id)
    if attachment is None:
        session.add(Attachment(id=attachment_id, **values))
        session.flush()
        logged = {"file": values["original_name"], "package": package}
        audit(session, "attach", "attachment", attachment_id, None, logged)
        return {}
    changes = {
        name: [str(getattr(attachment, name)), str(values[name])]
        for name in SHOWN
        if getattr(attachment, name) != values[name]
    }
    if changes:
        for name, value in values.items():
            setattr(attachment, name, value)
        audit(session, "update", "attachment", attachment_id, None, changes)
    return changes


def attachment_json(attachment: Attachment) -> dict[str, Any]:
    """An attachment as `ledger show --json` prints it, with what its stored file is."""
    stored = attachment.file
    return {
        "id": str(attachment.id),
        "role": attachment.role,
        "caption": attachment.caption,
        "original_name": attachment.original_name,
        "sha256": stored.sha256,
        "path": stored.relative_path,
        "size": stored.size,
        "mime": stored.mime,
        "width": stored.width,
        "height": stored.height,
        "taken_at": stored.taken_at.isoformat() if stored.taken_at else None,
        "page_count": stored.page_count,
    }


def live_attachments(record: Record) -> list[Attachment]:
    return [attachment for attachment in record.attachments if attachment.deleted_at is None]


@dataclass(frozen=True)
class Listed:
    """One attachment as the list of a year's evidence shows it, with its record."""

    kind: str
    record_id: uuid.UUID
    title: str
    attachment_id: uuid.UUID
    name: str
    role: str
    caption: str
    relative_path: str
    size: int
    mime: str
    page_count: int | None


def list_evidence(session: Session, *, year: int | None = None, pairing: str | None = None) -> list[Listed]:
    """Every live attachment of live records of `year` and `pairing` (None: all), by kind, record date and order;
    read in one query, without an ORM object for each."""
    query = (
        select(
            Record.kind,
            Record.id,
            Record.title,
            Attachment.id,
            Attachment.original_name,
            Attachment.role,
            Attachment.caption,
            EvidenceFile.sha256,
            EvidenceFile.ext,
            EvidenceFile.size,
            EvidenceFile.mime,
            EvidenceFile.page_count,
        )
        .join(Record, Attachment.record_id == Record.id)
        .join(EvidenceFile, Attachment.sha256 == EvidenceFile.sha256)
        .where(Attachment.deleted_at.is_(None), Record.deleted_at.is_(None))
        .order_by(func.coalesce(Record.date, Record.start_date), Record.created_at, Record.id, Attachment.position)
    )
    if year is not None:
        query = query.where(in_year(Record, year))
    if pairing:
        found = find_pairing(session, pairing)
        if found is None:
            return []
        query = query.where(Record.pairing_id == found.id)
    order = {kind: number for number, kind in enumerate(KINDS)}
    listed = []
    for row in session.execute(query):
        kind, record_id, title, attachment_id, name, role, caption, sha256, ext, size, mime, pages = row
        path = stored_path(Path(), sha256, ext).as_posix()
        listed.append(Listed(kind, record_id, title, attachment_id, name, role, caption or "", path, size, mime, pages))
    return sorted(listed, key=lambda entry: order.get(entry.kind, len(order)))
