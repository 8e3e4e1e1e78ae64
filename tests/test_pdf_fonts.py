"""Chinese fonts and text of the PDF binder, on this machine's real fonts: found, embedded, falling back per
character, reported when missing, and wrapped by the Chinese line-breaking rules."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest
from pypdf import PdfReader
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfbase.ttfonts import TTFontFile
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Paragraph, SimpleDocTemplate

from ledger.pdf import fonts as pdf_fonts
from ledger.pdf.fonts import FontFace, Fonts, find_fonts
from ledger.pdf.text import draw_string, paragraph_markup, string_width, styles

CLOSING = "，。、；：！？）」』》〉】”’"
OPENING = "（「『《〈【“‘"
RARE = "𠮷"  # U+20BB7, in names; in no font this machine is expected to have


@pytest.fixture
def fresh_search():
    find_fonts.cache_clear()
    yield
    find_fonts.cache_clear()


def _faces() -> list[FontFace]:
    fonts = find_fonts()
    return [fonts.main, *fonts.fallbacks]


def _pdf(path: Path, fonts: Fonts, text: str) -> PdfReader:
    missing: set[str] = set()
    SimpleDocTemplate(str(path)).build(
        [Paragraph(paragraph_markup(text, fonts, missing), styles(fonts)["body"])],
        onFirstPage=lambda canvas, doc: draw_string(canvas, 72, 40, text, fonts, 9),
    )
    return PdfReader(path)


def _font_files(reader: PdfReader) -> dict[str, bool]:
    """Each font of the first page: whether its TrueType program is embedded (a FontFile2)."""
    embedded = {}
    for font in reader.pages[0]["/Resources"]["/Font"].values():
        font = font.get_object()
        holder = font["/DescendantFonts"][0].get_object() if "/DescendantFonts" in font else font
        descriptor = holder.get("/FontDescriptor")
        embedded[str(font["/BaseFont"])] = descriptor is not None and "/FontFile2" in descriptor.get_object()
    return embedded


def test_a_truetype_font_is_found_and_embedded(tmp_path):
    fonts = find_fonts()
    assert fonts.main.embedded and fonts.main.path and fonts.main.path.is_file(), fonts.warnings
    assert fonts.has(fonts.main, "中") and not fonts.warnings
    reader = _pdf(tmp_path / "a.pdf", fonts, "2020年鹤山市—龙州县东西部协作")
    embedded = _font_files(reader)
    assert [name for name, is_embedded in embedded.items() if fonts.main.name in name and is_embedded], embedded
    assert "鹤山市—龙州县东西部协作" in reader.pages[0].extract_text()


def test_a_preferred_font_is_honoured_by_path_and_by_name(fresh_search):
    default = find_fonts().main
    other = next((face for face in _faces() if face.path != default.path and find_fonts().has(face, "国")), None)
    if other is None:
        pytest.skip("only one Chinese TrueType font on this machine")
    family = TTFontFile(str(other.path), charInfo=0, subfontIndex=other.subfont_index).familyName.decode()
    for preferred in (other.path, str(other.path), family):
        fonts = find_fonts(preferred)
        assert (fonts.main.path, fonts.main.name) == (other.path, other.name), preferred
        assert not fonts.warnings and default in fonts.fallbacks


def test_the_main_font_follows_the_preference_list_not_the_order_found(fresh_search, monkeypatch):
    files = pdf_fonts._system_fonts()
    if len({face.path for face in _faces()}) < 2:
        pytest.skip("only one Chinese TrueType font on this machine")
    ranked = find_fonts().main
    for order in (files, files[::-1]):
        find_fonts.cache_clear()
        monkeypatch.setattr(pdf_fonts, "_system_fonts", lambda order=order: order)
        assert find_fonts().main == ranked
    # Droid Sans Fallback is last on the list: whatever else is installed comes first.
    assert "Droid" not in ranked.name


def test_an_unknown_preferred_font_is_reported_and_replaced(fresh_search):
    fonts = find_fonts("方正小标宋不存在体")
    assert fonts.main == find_fonts().main
    assert "方正小标宋不存在体" in fonts.warnings[0]


def _cff_font() -> Path | None:
    try:
        listing = subprocess.run(["fc-list", "-f", "%{file}\n", ":lang=zh"], capture_output=True, text=True).stdout
    except OSError:
        return None
    for file in sorted(set(listing.split())):
        try:
            TTFontFile(file, charInfo=0)
        except Exception as error:
            if "postscript outlines" in str(error):
                return Path(file)
    return None


def test_a_cff_font_is_skipped(fresh_search):
    cff = _cff_font()
    if cff is None:
        pytest.skip("no CFF Chinese font installed (e.g. fonts-noto-cjk)")
    fonts = find_fonts(cff)
    assert fonts.main.embedded and fonts.main.path != cff
    assert cff not in {face.path for face in _faces()}  # the automatic search passes it by too
    assert "CFF" in fonts.warnings[0] and cff.name in fonts.warnings[0]


def test_without_a_truetype_font_stsong_light_is_used_and_the_user_told(fresh_search, monkeypatch, tmp_path):
    monkeypatch.setattr(pdf_fonts, "_system_fonts", lambda: [])
    fonts = find_fonts()
    assert fonts.main == FontFace("STSong-Light", None, embedded=False)
    assert len(fonts.warnings) == 1 and "STSong-Light" in fonts.warnings[0] and "不嵌入" in fonts.warnings[0]
    embedded = _font_files(_pdf(tmp_path / "cid.pdf", fonts, "东西部协作"))
    assert "/STSong-Light" in embedded and not any(embedded.values())


def test_a_character_the_main_font_lacks_is_set_in_a_fallback_font(tmp_path):
    fonts = find_fonts()
    # 䶮 (Extension A, in names): WenQuanYi Micro Hei lacks it, Droid Sans Fallback and AR PL UMing have it.
    pairs = [(a, b) for a in _faces() for b in _faces() if not fonts.has(a, "䶮") and fonts.has(b, "䶮")]
    if not pairs:
        pytest.skip("no pair of installed fonts where one lacks 䶮 and another has it")
    lacking, having = pairs[0]
    chosen = Fonts(main=lacking, fallbacks=[having], warnings=[])
    missing: set[str] = set()
    assert paragraph_markup("王䶮䶮同志", chosen, missing) == f'王<font name="{having.name}">䶮䶮</font>同志'
    assert not missing
    reader = _pdf(tmp_path / "fallback.pdf", chosen, "王䶮同志")
    embedded = _font_files(reader)
    assert all(any(face.name in name and ok for name, ok in embedded.items()) for face in (lacking, having))
    assert "王䶮同志" in reader.pages[0].extract_text()


def test_an_astral_character_falls_back_and_can_be_copied(tmp_path):
    fonts = find_fonts()
    astral = [
        (face, chr(code))
        for face in _faces()
        if face.embedded
        for code in sorted(pdf_fonts.pdfmetrics.getFont(face.name).face.charToGlyph)
        if 0x20000 <= code < 0x30000
    ]
    if not astral:
        pytest.skip("no installed font has a character of Extension B (e.g. fonts-arphic-uming)")
    having, char = astral[0]
    lacking = next((face for face in _faces() if not fonts.has(face, char)), None)
    if lacking is None:
        pytest.skip(f"every installed font has {char}")
    chosen = Fonts(main=lacking, fallbacks=[having], warnings=[])
    missing: set[str] = set()
    assert paragraph_markup(f"李{char}", chosen, missing) == f'李<font name="{having.name}">{char}</font>'
    assert not missing
    # Copying and searching need the ToUnicode map to hold it as a UTF-16 pair, not five hex digits.
    assert f"李{char}" in _pdf(tmp_path / "astral.pdf", chosen, f"李{char}").pages[0].extract_text()


def test_a_character_no_font_has_is_reported_and_marked():
    fonts = find_fonts()
    lacking = [face for face in _faces() if not fonts.has(face, RARE)]
    if not lacking:
        pytest.skip(f"an installed font has {RARE}")
    chosen = Fonts(main=lacking[0], fallbacks=lacking[1:], warnings=[])
    missing: set[str] = set()
    assert paragraph_markup(f"陈{RARE}", chosen, missing) == "陈〓"
    assert missing == {RARE}


def test_markup_escapes_breaks_lines_and_switches_fonts_per_run(monkeypatch):
    main, fallback = FontFace("Main", None), FontFace("Fallback", None)
    # 甲 and 乙 only in the fallback, 丙 in no font.
    monkeypatch.setattr(
        Fonts, "has", lambda self, face, char: char == "〓" or (char in "甲乙") == (face is fallback) and char != "丙"
    )
    fonts = Fonts(main=main, fallbacks=[fallback], warnings=[])
    missing: set[str] = set()
    markup = paragraph_markup("A&B<c>\r\n甲 乙丁\u200b丙\t甲", fonts, missing)
    assert markup == 'A&amp;B&lt;c&gt;<br/><font name="Fallback">甲 乙</font>丁〓 <font name="Fallback">甲</font>'
    assert missing == {"丙"}


def test_canvas_text_switches_fonts_and_measures_each_run():
    fonts = find_fonts()
    pair = next(((a, b) for a in _faces() for b in _faces() if not fonts.has(a, "䶮") and fonts.has(b, "䶮")), None)
    if pair is None:
        pytest.skip("no pair of installed fonts where one lacks 䶮 and another has it")
    chosen = Fonts(main=pair[0], fallbacks=[pair[1]], warnings=[])
    calls = []

    class Recorder(Canvas):
        def setFont(self, name, size, leading=None):
            calls.append(name)
            super().setFont(name, size, leading)

    draw_string(Recorder("/dev/null"), 0, 0, "第1页 王䶮", chosen, 9)
    assert calls == [pair[0].name, pair[1].name]
    expected = stringWidth("第1页 王", pair[0].name, 9) + stringWidth("䶮", pair[1].name, 9)
    assert string_width("第1页 王䶮", chosen, 9) == pytest.approx(expected)


TEXT = (
    "2020年，鹤山市与龙州县召开党政联席会议（第三次）。会议指出：“要把东西部协作作为重大政治任务！”"
    "双方签订《2020年东西部扶贫协作协议》，明确产业合作、劳务协作、人才交流等重点任务；"
    "财政援助资金2600万元，比上年增长13.5%。各单位要“抓落实、见实效”，确保按时完成（含结对帮扶）？"
    "「专项」『项目』〈附件〉【备注】‘说明’。"
)


def _line_texts(para: Paragraph) -> list[tuple[str, float]]:
    """Each laid-out line's text and the room left on it."""
    lines = para.blPara.lines
    if para.blPara.kind == 0:  # one font: (room, [text])
        return [("".join(words), room) for room, words in lines]
    return [("".join(frag.text for frag in line.words), line.extraSpace) for line in lines]


@pytest.mark.parametrize("text", [TEXT * 2, TEXT + "\n" + TEXT], ids=["one run", "with a line break"])
def test_closing_punctuation_never_starts_a_line(text):
    fonts = find_fonts()
    style = styles(fonts)["body"]
    markup = paragraph_markup(text, fonts, set())
    assert style.wordWrap == "CJK" and style.fontName == fonts.main.name
    for width in range(40, 400, 3):
        para = Paragraph(markup, style)
        para.wrap(width, 100_000)
        lines = _line_texts(para)
        assert "".join(line for line, _ in lines) == text.replace("\n", ""), width
        for (line, room), (following, _) in zip(lines, lines[1:], strict=False):
            assert room > -0.01, (width, line)  # nothing hangs past the margin
            assert line and following, (width, lines)
            assert following[0] not in CLOSING, (width, line, following)
            assert line[-1] not in OPENING, (width, line, following)
            assert not re.fullmatch(r"[\w.%]{2}", line[-1] + following[0], re.ASCII), (width, line, following)
