"""Pictures of the window for the README: `xvfb-run -s "-screen 0 1920x1080x24" python scripts/screenshots.py
[--size 1366x768] [--out DIR]`.

It makes a demo ledger in a temporary folder, opens the window at the size given (1366×768 by default, the
smallest laptop screen the users have; other sizes go to a folder of their own, docs/screenshots/1920x1080)
and saves a PNG of the first-start dialog, each main view, a table's right-click menu, a record form with its
evidence and a pairing tie's, the binder dialog, the preview of merging a colleague's package with a conflict,
and the audit log after that merge. Window settings go to a temporary folder too, so the pictures show the
defaults a new user sees.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", default="1366x768", help="the window's size, WIDTHxHEIGHT")
    parser.add_argument("--out", type=Path)
    args = parser.parse_args()
    width, height = (int(part) for part in args.size.split("x"))
    if args.out is None:
        args.out = ROOT / "docs" / "screenshots"
        if args.size != "1366x768":
            args.out /= args.size
    args.out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="screenshots-") as folder:
        os.environ["XDG_CONFIG_HOME"] = str(Path(folder) / "config")  # before Qt reads its settings
        from PySide6.QtCore import QCoreApplication
        from PySide6.QtWidgets import QApplication

        from ledger import records
        from ledger.demo.build import build_demo
        from ledger.kinds import KINDS
        from ledger.storage.folder import Ledger
        from ui.app import install_chinese
        from ui.context import LedgerContext
        from ui.first_start import FirstStartDialog
        from ui.main_window import MainWindow
        from ui.record_dialog import RecordDialog

        QCoreApplication.setOrganizationName("xiezuo")
        QCoreApplication.setApplicationName("协作台账")
        app = QApplication(sys.argv[:1])
        install_chinese(app)
        path = Path(folder) / "ledger"
        first = FirstStartDialog(path)
        first.name.setText("李娟")
        first.unit.setText("龙州县东西部协作工作组")
        first.show()
        save_widget(app, args.out, first, "first-start")
        first.close()
        build_demo(path)
        package = colleagues_package(path, Path(folder))
        with Ledger.open(path, author="李娟") as ledger:
            window = MainWindow(LedgerContext(ledger))
            window.resize(width, height)
            window.show()

            def save(widget, name: str) -> None:
                save_widget(app, args.out, widget, name)

            views = [("overview", window.overview), ("plans", window.plans)]
            views += [(kind, window.tables[kind]) for kind in KINDS]
            views += [("evidence", window.evidence), ("settings", window.settings)]
            for name, view in views:
                window.sidebar.setCurrentRow(window.stack.indexOf(view))
                save(window, name)

            table = window.show_kind("meeting")
            table.table.selectRow(2)
            rect = table.table.visualRect(table.proxy.index(2, 0))
            menu = table.row_menu()
            menu.popup(table.table.viewport().mapToGlobal(rect.center()))
            save_with_popup(app, args.out, window, menu, "table-menu")
            menu.close()
            with window.context.session() as session:
                record = next(r for r in records.list_records(session, "meeting") if r.attachments)
            form = RecordDialog(window.context, "meeting", record.id, parent=window)
            form.show()
            save(form, "record-form")
            form.reject()
            # A pairing tie: its year's activities typed as dated lines.
            with window.context.session() as session:
                tie = next(
                    r
                    for r in records.list_records(session, "tie")
                    if len(r.activities) > 2 and r.record_status == "已核实"
                )
            form = RecordDialog(window.context, "tie", tie.id, parent=window)
            form.show()
            save(form, "record-form-tie")
            form.reject()
            del table

            dialog = window.open_job("BinderDialog")
            save(dialog, "binder-dialog")
            dialog.close()

            # The same meeting changed here too: the package's change of it is then a conflict.
            with window.context.session() as session:
                shared = _shared_meeting(session)
            window.context.save_record("meeting", {"location": "龙州县人民政府第一会议室"}, shared.id)
            merge = window.open_job("MergeDialog")
            merge.resize(1000, 640)
            merge.set_source(package)
            merge.start()
            while merge.runner.running():
                app.processEvents()
            merge.source.edit.deselect()
            save(merge, "merge-preview")
            merge.commit()
            while merge.runner.running():
                app.processEvents()
            merge.close()

            window.sidebar.setCurrentRow(window.stack.indexOf(window.audit))
            save(window, "audit-log")
            window.close()
        app.quit()
    return 0


def save_widget(app, out: Path, widget, name: str) -> None:
    from PIL import Image

    for _ in range(5):
        app.processEvents()
    target = out / f"{name}.png"
    widget.grab().save(str(target))
    _shrink(Image, target)


def save_with_popup(app, out: Path, window, popup, name: str) -> None:
    """The window with an open menu drawn over it where it stands."""
    from PIL import Image

    for _ in range(5):
        app.processEvents()
    target = out / f"{name}.png"
    window.grab().save(str(target))
    menu_picture = out / f".{name}-menu.png"
    popup.grab().save(str(menu_picture))
    at = window.mapFromGlobal(popup.pos())
    with Image.open(target) as whole, Image.open(menu_picture) as menu:
        whole = whole.convert("RGB")
        whole.paste(menu.convert("RGB"), (at.x(), at.y()))
        whole.save(target)
    menu_picture.unlink()
    _shrink(Image, target)


def _shrink(Image, target: Path) -> None:
    # A window has few colours: a palette keeps the README's pictures a quarter of the size.
    with Image.open(target) as image:
        image.convert("RGB").quantize(256).save(target, optimize=True)
    print(target)


def _shared_meeting(session):
    """The first meeting of 2020 that is not archived: both laptops change it."""
    from ledger import records

    return next(r for r in records.list_records(session, "meeting", year=2020) if r.record_status != "已归档")


def colleagues_package(path: Path, folder: Path) -> Path:
    """A package from a copy of the demo ledger, where a colleague added a meeting and changed another."""
    from ledger import records
    from ledger.exchange.pack import write_pack
    from ledger.storage.folder import Ledger

    other = folder / "colleague"
    shutil.copytree(path, other)
    with Ledger.open(other, author="王海") as ledger:
        with ledger.session() as session, session.begin():
            shared = _shared_meeting(session)
            values = records.record_values(shared)
            values.pop("record_status")
            records.add_record(session, "meeting", {**values, "title": "鹤山市工作组赴龙州县调研对接座谈会"})
            changes = {"location": "龙州县委常委会议室", "attendees": "两地工作组全体成员"}
            records.update_record(session, shared, changes)
        return write_pack(ledger, folder / "王海的交换包.zip").path


if __name__ == "__main__":
    sys.exit(main())
