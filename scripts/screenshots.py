"""Pictures of the window for the README: `xvfb-run -s "-screen 0 1366x768x24" python scripts/screenshots.py
[--out DIR]`.

It makes a demo ledger in a temporary folder, opens the window at 1366×768 (the smallest laptop screen the
users have) and saves a PNG of each main view, a record form with its evidence, and the binder dialog.
Window settings go to a temporary folder too, so the pictures show the defaults a new user sees.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "screenshots")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="screenshots-") as folder:
        os.environ["XDG_CONFIG_HOME"] = str(Path(folder) / "config")  # before Qt reads its settings
        from PIL import Image
        from PySide6.QtCore import QCoreApplication
        from PySide6.QtWidgets import QApplication

        from ledger.demo import build_demo
        from ledger.folder import Ledger
        from ledger.kinds import KINDS
        from ui.app import install_chinese
        from ui.context import LedgerContext
        from ui.main_window import MainWindow
        from ui.record_form import RecordDialog

        QCoreApplication.setOrganizationName("xiezuo")
        QCoreApplication.setApplicationName("协作台账")
        app = QApplication(sys.argv[:1])
        install_chinese(app)
        path = Path(folder) / "ledger"
        build_demo(path)
        with Ledger.open(path) as ledger:
            window = MainWindow(LedgerContext(ledger))
            window.resize(1366, 768)
            window.show()

            def save(widget, name: str) -> None:
                for _ in range(5):
                    app.processEvents()
                target = args.out / f"{name}.png"
                widget.grab().save(str(target))
                # A window has few colours: a palette keeps the README's pictures a quarter of the size.
                with Image.open(target) as image:
                    image.convert("RGB").quantize(256).save(target, optimize=True)
                print(target)

            views = [("overview", window.overview), ("plans", window.plans)]
            views += [(kind, window.tables[kind]) for kind in KINDS]
            views += [("evidence", window.evidence), ("settings", window.settings)]
            for name, view in views:
                window.sidebar.setCurrentRow(window.stack.indexOf(view))
                save(window, name)

            table = window.show_kind("meeting")
            with window.context.session() as session:
                from ledger import records

                record = next(r for r in records.list_records(session, "meeting") if r.attachments)
            form = RecordDialog(window.context, "meeting", record.id, parent=window)
            form.show()
            save(form, "record-form")
            form.reject()
            del table

            dialog = window.open_job("BinderDialog")
            save(dialog, "binder-dialog")
            dialog.close()
            window.close()
        app.quit()
    return 0


if __name__ == "__main__":
    sys.exit(main())
