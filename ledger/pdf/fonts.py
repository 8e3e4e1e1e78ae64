"""The Chinese fonts of the PDF binder: found on this machine, registered with reportlab, embedded in the file.

reportlab embeds only TrueType outlines (CFF fonts such as Noto Sans CJK are refused), and a character the
font lacks prints blank without an error. So the search tries each candidate, keeps the TrueType ones that
hold Chinese, picks the body font by a preference list (宋体 first, as official documents use it) and keeps
the others as fallbacks for the characters it lacks (SimSun-ExtB for names like 𠮷). With none at all the
binder still prints, in the non-embedded STSong-Light, and says so.
"""

from __future__ import annotations

import functools
import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass, replace
from pathlib import Path

from reportlab.pdfbase import pdfmetrics, ttfonts
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfbase.ttfonts import TTFont, TTFontFile

CID_FONT = "STSong-Light"
_reportlab_to_unicode_cmap = ttfonts.makeToUnicodeCMap

# Families in order of preference for the body text, as normalised names (see _key).
PREFERENCE = [
    "simsun",
    "simsunextb",  # no common characters, so never the body font: ranked here to be the first fallback
    "songtisc",
    "stsong",
    "fangsong",
    "stfangsong",
    "simhei",
    "microsoftyahei",
    "kaiti",
    "stheiti",
    "hiraginosansgb",
    "pingfangsc",
    "wenquanyizenhei",
    "wenquanyimicrohei",
    "arplumingcn",
    "droidsansfallback",
]
# The Chinese names people type for the Windows families.
ALIASES = {
    "宋体": "simsun",
    "新宋体": "nsimsun",
    "仿宋": "fangsong",
    "黑体": "simhei",
    "楷体": "kaiti",
    "微软雅黑": "microsoftyahei",
}
REGULAR_STYLES = {"regular", "book", "normal", "roman", "medium", "w3"}

WINDOWS_FILES = ["simsun.ttc", "simsunb.ttf", "simfang.ttf", "simhei.ttf", "simkai.ttf", "msyh.ttc", "msyh.ttf"]
MAC_DIRS = ["/System/Library/Fonts", "/System/Library/Fonts/Supplemental", "/Library/Fonts", "~/Library/Fonts"]
MAC_FILES = [
    "Songti.ttc",
    "STHeiti Light.ttc",
    "STHeiti Medium.ttc",
    "Hiragino Sans GB.ttc",
    "PingFang.ttc",
    "Arial Unicode.ttf",
]


@dataclass(frozen=True)
class FontFace:
    name: str  # the name registered with reportlab
    path: Path | None
    subfont_index: int = 0
    embedded: bool = True


@dataclass
class Fonts:
    main: FontFace  # body text
    fallbacks: list[FontFace]  # tried in order for characters main lacks
    warnings: list[str]  # in Chinese, for the user

    def has(self, face: FontFace, char: str) -> bool:
        cmap = getattr(getattr(pdfmetrics.getFont(face.name), "face", None), "charToGlyph", None)
        if cmap is None:  # the CID font: the reader's font supplies the glyphs, and UCS-2 reaches the BMP only
            return ord(char) <= 0xFFFF
        return ord(char) in cmap

    def face_for(self, char: str) -> FontFace | None:
        return next((face for face in [self.main, *self.fallbacks] if self.has(face, char)), None)


@dataclass(frozen=True)
class _Candidate:
    path: Path
    index: int
    name: str  # PostScript name, registered as is
    keys: frozenset[str]  # normalised family, full and PostScript names
    regular: bool
    preferred: bool = False


@functools.cache
def find_fonts(preferred: str | Path | None = None) -> Fonts:
    """The fonts for this process's PDFs; `preferred` is a font file or a family name (宋体, SimSun, …).

    Cached, as the search reads megabytes per font; `find_fonts.cache_clear()` searches again."""
    candidates, rejected = _candidates(preferred)
    main: FontFace | None = None
    main_is_preferred = False
    fallbacks: list[FontFace] = []
    used: set[Path | str] = set()
    for candidate in sorted(candidates, key=_rank):
        if candidate.path in used or candidate.name in used:
            continue  # another face of the same collection, or the same font in two folders: same glyphs
        try:
            font = _load(candidate.path, candidate.index, candidate.name)
        except Exception as error:  # TTFError, struct.error, IndexError… on a damaged file
            if candidate.preferred:
                rejected.append(f"{candidate.path.name} 无法读取：{error}")
            continue
        cmap = font.face.charToGlyph
        common = ord("中") in cmap and ord("国") in cmap
        if candidate.preferred and not common:
            rejected.append(f"{candidate.path.name} 缺少常用汉字")
        if not common and not any(0x3400 <= code <= 0x9FFF or 0x20000 <= code <= 0x3FFFF for code in cmap):
            continue  # no Chinese at all
        _register(font)
        face = FontFace(candidate.name, candidate.path, candidate.index)
        if main is None and common:
            main, main_is_preferred = face, candidate.preferred
        else:
            fallbacks.append(face)
        used |= {candidate.path, candidate.name}
    warnings = []
    if preferred and not main_is_preferred:
        reason = "；".join(dict.fromkeys(rejected)) or "本机没有这个字体"
        warnings.append(f"指定的字体“{preferred}”不能使用（{reason}），已改用自动找到的字体。")
    if main is None:
        _register(UnicodeCIDFont(CID_FONT))
        main = FontFace(CID_FONT, None, embedded=False)
        warnings.append(
            "本机没有找到可嵌入的 TrueType 中文字体（如宋体），已改用 STSong-Light：该字体不嵌入 PDF，"
            "文字能否显示取决于阅读软件。安装宋体等中文字体后重新编制即可嵌入。"
        )
    return Fonts(main=main, fallbacks=fallbacks, warnings=warnings)


@functools.cache  # a search with another preferred font reuses what an earlier one read
def _load(path: Path, index: int, name: str) -> TTFont:
    return TTFont(name, str(path), subfontIndex=index)


def _rank(candidate: _Candidate) -> tuple[bool, int, bool]:
    family = min((PREFERENCE.index(key) for key in candidate.keys if key in PREFERENCE), default=len(PREFERENCE))
    return (not candidate.preferred, family, not candidate.regular)


def _register(font: TTFont | UnicodeCIDFont) -> None:
    pdfmetrics.registerFont(font)
    # As a rule no bold or italic Chinese face exists: <b> and <i> print in the same face rather than fail.
    name = font.fontName
    pdfmetrics.registerFontFamily(name, normal=name, bold=name, italic=name, boldItalic=name)


def _to_unicode_cmap(font_name: str, subset: list[int]) -> str:
    """reportlab's ToUnicode map with characters above U+FFFF as UTF-16 pairs, as PDF wants: reportlab writes
    them as five hex digits, which readers reject, so 𠀡 printed fine but could not be copied or searched."""
    return re.sub(
        r"> <([0-9A-F]{5,6})>$",
        lambda match: "> <" + chr(int(match[1], 16)).encode("utf-16-be").hex().upper() + ">",
        _reportlab_to_unicode_cmap(font_name, subset),
        flags=re.MULTILINE,
    )


ttfonts.makeToUnicodeCMap = _to_unicode_cmap


# Candidates --------------------------------------------------------------------------------------


def _candidates(preferred: str | Path | None) -> tuple[list[_Candidate], list[str]]:
    """Every TrueType face worth trying, in the order found, and why preferred ones could not be read."""
    rejected: list[str] = []
    wanted: set[str] = set()
    places: list[tuple[Path, int | None, bool]] = []  # file, face (None: all of a collection), preferred
    if preferred:
        path = Path(preferred).expanduser()
        if path.is_file():
            places.append((path, None, True))
        else:
            wanted = {_key(str(preferred)), ALIASES.get(str(preferred).strip(), "")} - {""}
            places += [(file, index, True) for file, index in _fontconfig_match(str(preferred))]
    places += [(file, None, False) for file in _system_fonts()]
    candidates: dict[tuple[Path, int], _Candidate] = {}
    for file, index, is_preferred in places:
        for candidate in _faces(file, index, rejected if is_preferred else []):
            if is_preferred or candidate.keys & wanted:
                candidate = replace(candidate, preferred=True)
            candidates.setdefault((candidate.path, candidate.index), candidate)
    return list(candidates.values()), rejected


def _faces(file: Path, index: int | None, rejected: list[str]) -> list[_Candidate]:
    """The faces of a font file, read by name only (cheap); a collection stops at its first face that cannot be
    read (CFF or damaged: the others are too)."""
    faces = []
    try:
        indices = [index] if index is not None else range(_face_count(file))
    except OSError as error:
        rejected.append(f"{file.name}：{error}")
        return []
    for face_index in indices:
        try:
            info = TTFontFile(str(file), charInfo=0, subfontIndex=face_index)
        except Exception as error:  # "postscript outlines are not supported", a damaged file
            cff = "postscript outlines" in str(error)
            rejected.append(f"{file.name}：{'PostScript（CFF）轮廓，无法嵌入' if cff else error}")
            break
        names = [_text(info.familyName), _text(info.fullName), _text(info.name)]
        faces.append(
            _Candidate(
                path=file.resolve(),
                index=face_index,
                name=_text(info.name),
                keys=frozenset(_key(name) for name in names),
                regular=_key(_text(info.styleName)) in REGULAR_STYLES,
            )
        )
    return faces


def _face_count(file: Path) -> int:
    with open(file, "rb") as stream:
        head = stream.read(12)
    return int.from_bytes(head[8:12], "big") if head[:4] == b"ttcf" and len(head) == 12 else 1


def _system_fonts() -> list[Path]:
    """Known Chinese font files of Windows and macOS, then what fontconfig lists as Chinese."""
    found: list[Path] = []
    if sys.platform == "win32":
        folders = [Path(os.environ.get("WINDIR", r"C:\Windows")) / "Fonts"]
        if os.environ.get("LOCALAPPDATA"):  # fonts installed for one user (Windows 10 1809 on)
            folders.append(Path(os.environ["LOCALAPPDATA"]) / "Microsoft" / "Windows" / "Fonts")
        found += [folder / name for name in WINDOWS_FILES for folder in folders if (folder / name).is_file()]
    if sys.platform == "darwin":
        folders = [Path(folder).expanduser() for folder in MAC_DIRS]
        found += [folder / name for name in MAC_FILES for folder in folders if (folder / name).is_file()]
    return found + _fontconfig_list()


def _fontconfig_list() -> list[Path]:
    return [Path(file) for file in sorted(set(_run_fc(["fc-list", "-f", r"%{file}\n", ":lang=zh"]).splitlines()))]


def _fontconfig_match(family: str) -> list[tuple[Path, int]]:
    """fontconfig's file for a family, if it really is that family (fc-match answers its default otherwise)."""
    output = _run_fc(["fc-match", "-f", r"%{file}\t%{index}\t%{family}", family])
    parts = output.split("\t")
    if len(parts) != 3 or not parts[1].isdigit():
        return []
    names = {_key(name) for name in parts[2].split(",")}
    return [(Path(parts[0]), int(parts[1]))] if _key(family) in names else []


def _run_fc(command: list[str]) -> str:
    if shutil.which(command[0]) is None:
        return ""
    try:
        return subprocess.run(command, capture_output=True, text=True, timeout=30, check=True).stdout
    except (OSError, subprocess.SubprocessError):
        return ""


def _text(name: bytes | str) -> str:
    return getattr(name, "ustr", None) or (name.decode("latin-1") if isinstance(name, bytes) else str(name))


def _key(name: str) -> str:
    return "".join(char for char in name.casefold() if char not in " -_")
