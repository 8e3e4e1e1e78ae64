"""Evidence files for the demo ledger, made on the fly: camera-like photos and official-looking PDFs.

Both are deterministic — the same inputs give the same bytes — so the same demo seed gives the same
ledger, evidence hashes included. Photos carry real EXIF (capture time, camera, orientation) and
some are stored sideways as a camera held upright stores them, to exercise orientation handling.
"""

from __future__ import annotations

import io
import random
from datetime import date, datetime

from PIL import Image, ImageDraw

#: The colour of the marker drawn in the upright scene's top-left corner.
MARKER = (0, 200, 0)

_EXIF_IFD = 0x8769
# What a camera stores for each orientation, undone by PIL.ImageOps.exif_transpose.
_STORED_AS = {3: Image.Transpose.ROTATE_180, 6: Image.Transpose.ROTATE_90, 8: Image.Transpose.ROTATE_270}


def demo_photo(
    rng: random.Random,
    *,
    caption: str,
    taken_at: datetime,
    orientation: int = 1,
    size: tuple[int, int] = (1024, 768),
) -> bytes:
    """A JPEG of a meeting room or training hall, upright after its EXIF orientation is applied.

    `caption` only varies the scene: Pillow's default font has no Chinese, and a photo has no text.
    """
    scene = random.Random(f"{rng.random()}{caption}")
    width, height = size
    image = Image.new("RGB", size)
    draw = ImageDraw.Draw(image)
    wall = (scene.randint(200, 235), scene.randint(195, 225), scene.randint(170, 210))
    for y in range(height):  # a softly lit wall, darker towards the floor
        shade = 1 - 0.35 * y / height
        draw.line([(0, y), (width, y)], fill=tuple(int(c * shade) for c in wall))
    banner_top = height // 10
    draw.rectangle([width // 8, banner_top, width * 7 // 8, banner_top + height // 9], fill=(178, 24, 30))
    for x in range(width // 8 + 12, width * 7 // 8 - 12, max(width // 40, 8)):  # the banner's lettering
        draw.rectangle([x, banner_top + height // 36, x + width // 70, banner_top + height // 13], fill=(250, 220, 90))
    table_top = height * 11 // 20
    draw.rectangle([width // 12, table_top, width * 11 // 12, table_top + height // 12], fill=(120, 72, 40))
    for row, y in enumerate((table_top - height // 8, table_top + height // 5)):
        count = scene.randint(6, 10)
        for seat in range(count):
            x = width // 10 + (seat + 0.5) * (width * 8 // 10) / count + scene.randint(-6, 6)
            radius = height // (28 if row == 0 else 20)
            suit = scene.choice([(30, 34, 48), (50, 50, 60), (235, 235, 240), (60, 80, 120)])
            draw.rectangle([x - radius * 1.4, y, x + radius * 1.4, y + radius * 4], fill=suit)
            draw.ellipse([x - radius, y - radius * 2, x + radius, y], fill=(226, 190, 160))
            draw.pieslice([x - radius, y - radius * 2, x + radius, y - radius * 0.6], 180, 360, fill=(25, 20, 20))
    marker = max(min(size) // 20, 8)
    draw.rectangle([4, 4, 4 + marker, 4 + marker], fill=MARKER)

    if orientation in _STORED_AS:
        image = image.transpose(_STORED_AS[orientation])
    exif = Image.Exif()
    stamp = taken_at.strftime("%Y:%m:%d %H:%M:%S")
    exif[0x010F] = "Canon"
    exif[0x0110] = "Canon EOS 80D"
    exif[0x0112] = orientation
    exif[0x0132] = stamp
    exif.get_ifd(_EXIF_IFD)[0x9003] = stamp
    output = io.BytesIO()
    image.save(output, "JPEG", quality=80, optimize=True, exif=exif)
    return output.getvalue()


def demo_pdf(
    title: str, doc_no: str, paragraphs: list[str], *, signed_by: str = "", dated: date | None = None
) -> bytes:
    """An A4 document in the official layout: red title, document number, body, signature and date."""
    from reportlab.lib.colors import Color, black
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen.canvas import Canvas

    from ledger.pdf.fonts import find_fonts

    # The machine's Chinese font, embedded, as a word processor would; STSong-Light where there is none.
    font = find_fonts().main.name
    red = Color(0.75, 0.08, 0.1)
    page_width, page_height = A4
    left, right, top, bottom = 80, page_width - 80, page_height - 90, 90
    output = io.BytesIO()
    canvas = Canvas(output, pagesize=A4, invariant=1, initialFontName=font)
    canvas.setTitle(title)

    def new_page() -> float:
        canvas.setFont(font, 12)
        canvas.setFillColor(black)
        return top

    canvas.setFillColor(red)
    canvas.setFont(font, 20)
    for line in _wrap(title, font, 20, right - left):
        canvas.drawCentredString(page_width / 2, top, line)
        top -= 30
    y = top
    if doc_no:
        canvas.setFillColor(black)
        canvas.setFont(font, 12)
        canvas.drawCentredString(page_width / 2, y, doc_no)
        y -= 14
    canvas.setStrokeColor(red)
    canvas.setLineWidth(1.5)
    canvas.line(left, y, right, y)
    top = page_height - 90
    y -= 34
    canvas.setFont(font, 12)
    canvas.setFillColor(black)
    for paragraph in paragraphs:
        for line in _wrap("\u3000\u3000" + paragraph, font, 12, right - left):
            if y < bottom:
                canvas.showPage()
                y = new_page()
            canvas.drawString(left, y, line)
            y -= 22
        y -= 4
    if y < bottom + 60:
        canvas.showPage()
        y = new_page()
    canvas.setFont(font, 12)
    for line in (signed_by, f"{dated.year}年{dated.month}月{dated.day}日" if dated else ""):
        if line:
            y -= 24
            canvas.drawRightString(right - 20, y, line)
    canvas.showPage()
    canvas.save()
    return output.getvalue()


def _wrap(text: str, font: str, size: float, width: float) -> list[str]:
    """Breaks Chinese text by characters, keeping closing punctuation off the start of a line."""
    from reportlab.pdfbase.pdfmetrics import stringWidth

    lines, line = [], ""
    for ch in text:
        if line and stringWidth(line + ch, font, size) > width and ch not in "，。、；：？！”）》":
            lines.append(line)
            line = ""
        line += ch
    if line:
        lines.append(line)
    return lines
