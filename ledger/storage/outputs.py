"""Files the user asked for (workbooks, binders): never inside the ledger's folder; written beside their target,
then renamed over it.

A kill between writing and renaming leaves a `.~` temporary beside the target. The ledger notes each one it
makes in `cache/outputs/` (`notes`, the ledger's cache folder), and opening the ledger removes those still
there (`clear_noted`). A set of files, the volumes of a binder, is put in place by `publish`: the old set is
renamed aside first, then the new one moved in, then the old removed; a journal in `cache/outputs/` lets the
next opening finish or undo a publish that was killed, so the final names hold the old set or the new one,
never a mix."""

from __future__ import annotations

import contextlib
import functools
import json
import os
import secrets
import tempfile
import threading
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import BinaryIO

from ledger.errors import LedgerError


class OutputInsideLedger(LedgerError):
    """An output named inside the ledger's own folder (its database, a stored file, its backups); nothing written."""


def refuse_inside_ledger(
    path: str | os.PathLike,
    ledger_folder: str | os.PathLike | None,
    what: str = "输出文件",
    instead: str = "请另选一个位置",
) -> None:
    """Raises OutputInsideLedger when `path` (a file or folder to be written) is the ledger's folder or lies inside
    it, however it is named: symlinks and `..` resolved, case ignored where the system ignores it, and the folder
    known by its identity on disk too (a second name for the same directory). Call it before anything is written:
    an export over `ledger.sqlite` or a backup over a stored evidence file destroys what the ledger keeps."""
    if ledger_folder is None:
        return
    real, home = _real(Path(path)), _real(Path(ledger_folder))
    if not (_within(real, home) or _same_directory_above(real, home)):
        return
    shown = str(path)
    if str(real) != shown:
        shown = f"{shown}，即 {real}"
    raise OutputInsideLedger(f"不能把{what}保存在台账文件夹里（{shown}）：{instead}。")


def ledger_folder_of(session) -> Path | None:
    """The folder of the ledger whose database `session` reads (None for a database in memory)."""
    database = session.get_bind().url.database
    if not database or database == ":memory:":
        return None
    return Path(database).parent


def ledger_cache_of(session) -> Path | None:
    """The cache folder of the ledger whose database `session` reads (None for a database in memory)."""
    folder = ledger_folder_of(session)
    return folder / "cache" if folder is not None else None


def spilling_into_ledger_cache(function):
    """Runs `function(session, …)` with Python's temporary files in that ledger's cache (`temporary_files_in`)."""

    @functools.wraps(function)
    def run(session, *args, **kwargs):
        with temporary_files_in(ledger_cache_of(session)):
            return function(session, *args, **kwargs)

    return run


def _real(path: Path) -> Path:
    """`path` absolute, with every symlink followed and every `..` taken, as far as it exists. No `~` expansion:
    the writers take `~` as a folder of that name, and so must the check."""
    try:
        return path.resolve()
    except (OSError, RuntimeError):  # a symlink loop: at least take the `..` apart
        return Path(os.path.abspath(path))


def _within(path: Path, folder: Path) -> bool:
    """Whether `path` is `folder` or below it, comparing names as the system does (case-blind on Windows)."""
    parts = Path(os.path.normcase(str(path))).parts
    above = Path(os.path.normcase(str(folder))).parts
    return parts[: len(above)] == above


def _same_directory_above(path: Path, folder: Path) -> bool:
    """Whether `path` or a folder above it is `folder`'s very directory under another name (a case-blind disk on
    macOS, a short 8.3 name, a second mount), which the names alone would not show."""
    try:
        home = os.stat(folder)
    except OSError:
        return False
    for probe in (path, *path.parents):
        try:
            if os.path.samestat(os.stat(probe), home):
                return True
        except OSError:
            continue  # not there yet: the output would create it
    return False


def temporary_beside(target: Path, notes: Path | None = None) -> tuple[int, Path]:
    """An open handle and the path of a new file in `target`'s folder, to fill and then rename over `target`,
    so an interrupted write leaves the old file, or none, never half a one.

    With `notes` (the ledger's cache folder) the temporary is noted there first, so that the ledger's next
    opening removes it if this process is killed before it is renamed or removed; `forget` drops the note.
    mkstemp makes the file private to its owner; it gets the permissions of a file the user saved."""
    target.parent.mkdir(parents=True, exist_ok=True)
    token = secrets.token_hex(6)
    prefix = f".~{token}-"
    if notes is not None:  # noted before it exists: a kill just after mkstemp still leaves a note naming it
        _write_note(notes, f"{token}.note", {"folder": str(target.parent), "prefix": prefix})
    handle, name = tempfile.mkstemp(prefix=prefix, suffix=target.suffix, dir=target.parent)
    if hasattr(os, "fchmod"):  # not on Windows, where mkstemp's file is not private to begin with
        os.fchmod(handle, 0o666 & ~_umask())
    return handle, Path(name)


def forget(temporary: Path, notes: Path | None) -> None:
    """Drops the note of a temporary made by `temporary_beside`, once it is renamed into place or removed."""
    if notes is None:
        return
    token = temporary.name.removeprefix(".~").split("-", 1)[0]
    with contextlib.suppress(OSError):
        (notes / NOTES / f"{token}.note").unlink()


@contextlib.contextmanager
def replacing(target: Path, notes: Path | None = None) -> Iterator[tuple[int, Path]]:
    """Yields `temporary_beside(target, notes)` for the body to fill and close, then renames the temporary over
    `target`; if the body or the rename fails, the temporary is removed. Either way its note goes."""
    handle, temporary = temporary_beside(target, notes)
    try:
        yield handle, temporary
        os.replace(temporary, target)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
    finally:
        forget(temporary, notes)


def write_synced(handle: int, write: Callable[[BinaryIO], object]) -> None:
    """Fills the file open at `handle` through `write(stream)`, syncs it to the disk and closes it, so what a
    rename then puts in place is whole even after a power cut."""
    with os.fdopen(handle, "wb") as stream:
        write(stream)
        stream.flush()
        os.fsync(stream.fileno())


NOTES = "outputs"  # in the ledger's cache/: the notes of output temporaries and publish journals in flight


def clear_noted(notes: Path) -> list[Path]:
    """At the ledger's opening (nobody else writes for it): finishes or undoes every publish a kill
    interrupted and removes every noted temporary still there. A note whose folder is missing (a USB
    stick not plugged in) is kept for a later opening. Returns the files removed."""
    folder = notes / NOTES
    if not folder.is_dir():
        return []
    removed: list[Path] = []
    for note in sorted(folder.glob("*.journal")):
        try:
            journal = json.loads(note.read_text(encoding="utf-8"))
            moves = [(Path(t), Path(f)) for t, f in journal["moves"]]
            aside = [(Path(f), Path(a)) for f, a in journal["aside"]]
            state = journal["state"]
        except (OSError, ValueError, KeyError, TypeError):
            with contextlib.suppress(OSError):
                note.unlink()  # unreadable: written half by a kill before the publish began
            continue
        if not all(final.parent.is_dir() for _, final in moves):
            continue
        if _settle(moves, aside, state, note):
            with contextlib.suppress(OSError):
                note.unlink()
    for note in sorted(folder.glob("*.note")):
        try:
            noted = json.loads(note.read_text(encoding="utf-8"))
            where, prefix = Path(noted["folder"]), str(noted["prefix"])
        except (OSError, ValueError, KeyError, TypeError):
            with contextlib.suppress(OSError):
                note.unlink()
            continue
        if not where.is_dir():
            continue
        clean = True
        for stale in where.glob(f"{glob_escape(prefix)}*"):
            try:
                stale.unlink()
                removed.append(stale)
            except OSError:
                clean = False
        if clean:
            with contextlib.suppress(OSError):
                note.unlink()
    return removed


def glob_escape(text: str) -> str:
    return "".join(f"[{ch}]" if ch in "*?[" else ch for ch in text)


def publish(moves: list[tuple[Path, Path]], *, replaces: Iterable[Path] = (), notes: Path | None = None) -> None:
    """Puts a set of new files in place, each (temporary, final), as one: the files now at the final names and
    at `replaces` (an old set's other members, e.g. a fifth volume when there are four now) are renamed aside
    to `.~old-…` names, the new ones moved in, then the old removed. An exception on the way puts the old set
    back; a kill is finished or undone by the ledger's next opening from the journal kept in `notes`."""
    finals = [final for _, final in moves]
    old = [path for path in dict.fromkeys([*finals, *replaces]) if os.path.lexists(path)]
    token = secrets.token_hex(6)
    aside = [(path, path.with_name(f".~old-{token}-{path.name}")) for path in old]
    journal = None
    if notes is not None:
        journal = _write_note(notes, f"{token}.journal", _journal(moves, aside, "moving"))
    try:
        try:
            for path, put in aside:
                os.replace(path, put)
            for temporary, final in moves:
                os.replace(temporary, final)
        except BaseException:
            if journal is not None:
                _write_note(notes, journal.name, _journal(moves, aside, "undoing"))
            if _settle(moves, aside, "undoing", journal) and journal is not None:
                journal.unlink(missing_ok=True)
            raise
        if journal is not None:
            _write_note(notes, journal.name, _journal(moves, aside, "clearing"))
        if _settle(moves, aside, "clearing", journal) and journal is not None:
            journal.unlink(missing_ok=True)
    finally:
        for temporary, _ in moves:
            if not os.path.lexists(temporary):  # moved in, or removed by the undoing
                forget(temporary, notes)


def _settle(moves: list[tuple[Path, Path]], aside: list[tuple[Path, Path]], state: str, journal: Path | None) -> bool:
    """Ends a publish in `state`: "clearing" removes the old set; "undoing" puts it back; "moving" (killed
    while renaming) clears when every new file reached its final name, else undoes. True when it is done."""
    if state == "moving":
        whole = all(not os.path.lexists(t) and os.path.lexists(f) for t, f in moves)
        state = "clearing" if whole else "undoing"
        if journal is not None:
            with contextlib.suppress(OSError):
                _write_note(journal.parent.parent, journal.name, _journal(moves, aside, state))
    done = True
    if state == "clearing":
        for _, put in aside:
            try:
                Path(put).unlink(missing_ok=True)
            except OSError:
                done = False
        return done
    had_old = {final: put for final, put in aside}
    for temporary, final in moves:
        try:
            if final in had_old:
                if os.path.lexists(had_old[final]):  # the old one goes back over the new one in one step
                    os.replace(had_old[final], final)
            elif not os.path.lexists(temporary) and os.path.lexists(final):  # moved in, nothing was there
                final.unlink()
            if os.path.lexists(temporary):
                temporary.unlink()
        except OSError:
            done = False
    for final, put in aside:  # the old set's members that no new file replaces
        try:
            if final not in {f for _, f in moves} and os.path.lexists(put):
                os.replace(put, final)
        except OSError:
            done = False
    return done


def _journal(moves: list[tuple[Path, Path]], aside: list[tuple[Path, Path]], state: str) -> dict:
    return {
        "state": state,
        "moves": [[str(t), str(f)] for t, f in moves],
        "aside": [[str(f), str(a)] for f, a in aside],
    }


def _write_note(notes: Path, name: str, content: dict) -> Path:
    """Writes a note in `notes`/outputs whole (beside, synced, renamed), so a kill leaves it or its old text."""
    folder = notes / NOTES
    folder.mkdir(parents=True, exist_ok=True)
    final = folder / name
    partial = folder / f"{name}.part"
    with open(partial, "w", encoding="utf-8") as stream:
        json.dump(content, stream, ensure_ascii=False)
        stream.flush()
        os.fsync(stream.fileno())
    os.replace(partial, final)
    return final


_spill_lock = threading.Lock()
_spilling = 0
_spill_saved: str | None = None


@contextlib.contextmanager
def temporary_files_in(folder: Path | None) -> Iterator[None]:
    """Points Python's `tempfile` at `folder` (the ledger's cache) while the body runs, for libraries that
    spill personal data into the system temp folder and take no folder of their own: openpyxl's write-only
    sheets. This is process-wide (`tempfile.tempdir`): other threads' temporaries meanwhile go there too, which
    harms nothing; the first to enter sets it and the last to leave puts the old value back. None: no change."""
    global _spilling, _spill_saved
    if folder is None:
        yield
        return
    folder.mkdir(parents=True, exist_ok=True)
    with _spill_lock:
        if _spilling == 0:
            _spill_saved = tempfile.tempdir
            tempfile.tempdir = str(folder)
        _spilling += 1
    try:
        yield
    finally:
        with _spill_lock:
            _spilling -= 1
            if _spilling == 0:
                tempfile.tempdir = _spill_saved


def _umask() -> int:
    mask = os.umask(0o022)  # reading the mask means setting it; put it straight back
    os.umask(mask)
    return mask
