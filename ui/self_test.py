"""`--self-test`: proof that an installed copy works end to end, on a ledger in a temporary folder.

It runs what a user relies on — the demo, `check`, the Excel ledger, the binder, the window — and prints
each step with its time, so a support call can start from its output. Exit status 0 only if all passed.
"""

from __future__ import annotations

import os
import tempfile
import time
import traceback
from collections.abc import Callable
from pathlib import Path

from ledger import __version__


def run_self_test(say: Callable[[str], None] = print) -> int:
    # Offscreen unless the caller chose a platform: the test must also run where no one is logged in.
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    failures = 0
    say(f"协作台账 {__version__} 自检")
    with tempfile.TemporaryDirectory(prefix="xiezuo-self-test-") as work:
        folder = Path(work) / "ledger"
        for name, step in _steps(folder, Path(work)):
            started = time.perf_counter()
            try:
                detail = step()
            except Exception as error:  # noqa: BLE001 - every failure is reported and the next step still runs
                failures += 1
                say(f"✗ {name}：{error}")
                say(traceback.format_exc().rstrip())
                continue
            say(f"✓ {name}（{time.perf_counter() - started:.1f} 秒）{detail}")
    say("自检通过。" if failures == 0 else f"自检失败：{failures} 项未通过。")
    return 0 if failures == 0 else 1


def _steps(folder: Path, work: Path) -> list[tuple[str, Callable[[], str]]]:
    def demo() -> str:
        from ledger.demo.build import build_demo

        counts = build_demo(folder)
        return "：" + "、".join(f"{label} {count}" for label, count in counts.items())

    def check() -> str:
        from ledger.check import check_ledger
        from ledger.storage.folder import Ledger

        with Ledger.open(folder) as ledger:
            problems = check_ledger(ledger)
        if problems:
            raise RuntimeError("；".join(problems[:5]))
        return "：数据库、记录和佐证材料均完好"

    def excel() -> str:
        from openpyxl import load_workbook

        from ledger.excel.export import export_workbook
        from ledger.storage.folder import Ledger

        target = work / "台账.xlsx"
        with Ledger.open(folder) as ledger, ledger.session() as session:
            export_workbook(session, target)
        sheets = load_workbook(target, read_only=True).sheetnames
        return f"：{len(sheets)} 张工作表，{target.stat().st_size // 1024} KB"

    def binder() -> str:
        from pypdf import PdfReader

        from ledger.pdf.binder import BinderOptions, build_binder
        from ledger.storage.folder import Ledger

        target = work / "佐证材料.pdf"
        with Ledger.open(folder) as ledger, ledger.session() as session:
            result = build_binder(ledger, session, target, BinderOptions())
        reader = PdfReader(target)
        fonts = sorted(_embedded_fonts(reader))
        if not fonts:
            raise RuntimeError("PDF 中没有嵌入任何字体")
        notes = f"；{len(result.warnings)} 条提示" if result.warnings else ""
        return f"：{len(reader.pages)} 页，{target.stat().st_size // 1024} KB，嵌入字体 {'、'.join(fonts)}{notes}"

    def window() -> str:
        from PySide6.QtWidgets import QApplication

        from ledger.storage.folder import Ledger
        from ui.app import install_chinese
        from ui.context import LedgerContext
        from ui.main_window import MainWindow

        app = QApplication.instance() or QApplication(["协作台账"])
        translated = install_chinese(app) is not None
        with Ledger.open(folder) as ledger:
            main = MainWindow(LedgerContext(ledger))
            main.show()
            app.processEvents()
            shown = main.isVisible()
            main.close()
            app.processEvents()
        if not shown:
            raise RuntimeError("主窗口没有显示出来")
        return f"：{app.platformName()} 平台，Qt 中文翻译{'已' if translated else '未'}载入"

    return [
        ("生成演示台账", demo),
        ("检查台账", check),
        ("导出 Excel 台账", excel),
        ("编制佐证材料 PDF", binder),
        ("打开并关闭主窗口", window),
    ]


def _embedded_fonts(reader) -> set[str]:
    """The names of the fonts the first pages embed (a font only named would print differently elsewhere)."""
    names = set()
    for page in reader.pages[:5]:
        fonts = page.get("/Resources", {}).get("/Font", {})
        for font in fonts.values():
            font = font.get_object()
            descendants = font.get("/DescendantFonts")
            described = descendants[0].get_object() if descendants else font
            descriptor = described.get("/FontDescriptor")
            if descriptor and any(key in descriptor.get_object() for key in ("/FontFile", "/FontFile2", "/FontFile3")):
                names.add(str(font.get("/BaseFont", "?")).lstrip("/").split("+")[-1])
    return names
