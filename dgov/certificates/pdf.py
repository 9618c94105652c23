"""The certificate as a PDF: Chinese text in an embedded, subset TrueType font, a layout
per certificate type, and a QR code pointing at the public verification page.

The printed text of a certificate is the legal document itself (GB/T 36903 metadata in
Chinese), not interface text, so its labels are not translated with the reader's
language. The font is WenQuanYi Micro Hei (TrueType outlines, SIL OFL), shipped by the
``paperang-p2-fonts-cjk`` wheel so that ``pip`` brings it; reportlab embeds the subset of
glyphs each document uses, so every reader shows every character.
"""

import datetime as dt
import io
import math
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import qrcode
from qrcode.constants import ERROR_CORRECT_M
from reportlab.lib.colors import HexColor
from reportlab.lib.pagesizes import A4, landscape
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen import canvas

FONT = "WenQuanYiMicroHei"
RED = HexColor("#b22222")


@cache
def register_font() -> str:
    import paperang_p2_fonts_cjk

    path = Path(paperang_p2_fonts_cjk.__file__).parent / "fonts" / "wqy-microhei.ttc"
    pdfmetrics.registerFont(TTFont(FONT, str(path), subfontIndex=0))
    return FONT


@dataclass(frozen=True)
class SealMark:
    """What the visible seal shows: the seal's name around the rim, its key's fingerprint."""

    name: str
    fingerprint: str


# Where the seal is drawn (centre x, centre y, radius) per layout; the signature field is
# placed on the same square (``seal_box``).
_SEAL_PLACES = {"licence": (470, 150, 62), "permit": (280, 150, 62)}


def seal_box(layout: str) -> tuple[int, int, int, int]:
    x, y, r = _SEAL_PLACES.get(layout, _SEAL_PLACES["permit"])
    return (x - r, y - r, x + r, y + r)


def _star(c: canvas.Canvas, x: float, y: float, r: float) -> None:
    path = c.beginPath()
    for n in range(10):
        radius = r if n % 2 == 0 else r * 0.38
        angle = math.pi / 2 + n * math.pi / 5
        point = (x + radius * math.cos(angle), y + radius * math.sin(angle))
        if n == 0:
            path.moveTo(*point)
        else:
            path.lineTo(*point)
    path.close()
    c.drawPath(path, stroke=0, fill=1)


def _draw_seal(c: canvas.Canvas, mark: SealMark, layout: str, font: str) -> None:
    x, y, r = _SEAL_PLACES.get(layout, _SEAL_PLACES["permit"])
    draw_seal(c, mark, x, y, r, font)


def draw_seal(c: canvas.Canvas, mark: SealMark, x: float, y: float, r: float, font: str) -> None:
    """An official round seal in red centred on (x, y): rim, star, the name along the
    upper arc, and the key fingerprint across the bottom, all from the seal's data (the
    written notices draw it where their signature block falls)."""
    c.saveState()
    c.setStrokeColor(RED)
    c.setFillColor(RED)
    c.setLineWidth(3)
    c.circle(x, y, r, stroke=1, fill=0)
    _star(c, x, y, r * 0.3)
    size = 11.0
    c.setFont(font, size)
    chars = list(mark.name)
    span = min(math.radians(250), math.radians(20) * max(len(chars) - 1, 1))
    for n, char in enumerate(chars):
        angle = math.pi / 2 + span / 2 - (span * n / max(len(chars) - 1, 1))
        c.saveState()
        c.translate(x + (r - size - 3) * math.cos(angle), y + (r - size - 3) * math.sin(angle))
        c.rotate(math.degrees(angle) - 90)
        c.drawCentredString(0, 0, char)
        c.restoreState()
    c.setFont(font, 6)
    c.drawCentredString(x, y - r * 0.55, mark.fingerprint)
    c.restoreState()


@dataclass(frozen=True)
class Content:
    """What the page shows."""

    title: str
    number: str
    identifier: str
    holder_name: str
    holder_code_label: str
    holder_code: str  # as printed: an ID number arrives here masked
    item_name: str
    issuer_name: str
    issued_on: dt.date
    valid_from: dt.date
    valid_to: dt.date
    verify_url: str
    layout: str
    annotation: str = ""  # 加注件: purpose and expiry
    seal: SealMark | None = None
    verification_code: str = ""


def format_date(day: dt.date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def qr(c: canvas.Canvas, text: str, x: float, y: float, size: float) -> None:
    # A fixed mask pattern skips the mask search, the slow part of QR encoding.
    code = qrcode.QRCode(error_correction=ERROR_CORRECT_M, border=2, mask_pattern=0)
    code.add_data(text)
    code.make(fit=True)
    matrix = code.get_matrix()
    cell = size / len(matrix)
    path = c.beginPath()
    for row, line in enumerate(matrix):
        col = 0
        while col < len(line):  # one rectangle per run of dark modules: a smaller page
            if not line[col]:
                col += 1
                continue
            end = col
            while end < len(line) and line[end]:
                end += 1
            path.rect(x + col * cell, y + size - (row + 1) * cell, (end - col) * cell, cell)
            col = end
    c.setFillColorRGB(0, 0, 0)
    c.drawPath(path, stroke=0, fill=1)


def _rows(content: Content) -> list[tuple[str, str]]:
    return [
        ("证照编号", content.number),
        ("持证主体", content.holder_name),
        (content.holder_code_label, content.holder_code),
        ("许可事项", content.item_name),
        ("有效期限", f"{format_date(content.valid_from)} 至 {format_date(content.valid_to)}"),
        ("发证机关", content.issuer_name),
        ("发证日期", format_date(content.issued_on)),
    ]


def render(content: Content) -> bytes:
    font = register_font()
    buffer = io.BytesIO()
    size = landscape(A4) if content.layout == "licence" else A4
    width, height = size
    c = canvas.Canvas(buffer, pagesize=size, invariant=True, pageCompression=1, initialFontName=font)
    # Uncompressed metadata: the verifier finds the identifier even in a damaged file.
    c.setTitle(f"{content.title} {content.number}")
    c.setSubject(content.identifier)
    c.setKeywords([content.identifier, content.number])
    c.setAuthor(content.issuer_name)
    c.setCreator("dgov")

    if content.layout == "licence":
        c.setStrokeColor(RED)
        c.setLineWidth(3)
        c.rect(24, 24, width - 48, height - 48)
        c.setLineWidth(1)
        c.rect(32, 32, width - 64, height - 64)
        c.setFillColor(RED)
        c.setFont(font, 32)
        c.drawCentredString(width / 2, height - 100, content.title)
        left, top, step, label_width = 90, height - 160, 34, 130
        qr_x, qr_y, qr_size = width - 230, 70, 140
    else:
        c.setFillColor(RED)
        c.setFont(font, 26)
        c.drawCentredString(width / 2, height - 110, content.title)
        c.setStrokeColor(RED)
        c.line(60, height - 130, width - 60, height - 130)
        left, top, step, label_width = 70, height - 180, 36, 120
        qr_x, qr_y, qr_size = width - 200, 90, 130

    c.setFillColorRGB(0, 0, 0)
    for n, (label, value) in enumerate(_rows(content)):
        y = top - n * step
        c.setFont(font, 14)
        c.drawString(left, y, f"{label}：")
        c.setFont(font, 14)
        c.drawString(left + label_width, y, value)

    c.setFont(font, 8)
    c.drawString(left, 50, f"证照标识：{content.identifier}")
    if content.verification_code:
        c.drawString(left, 62, f"核验码：{content.verification_code}  核验地址：{content.verify_url}")
    qr(c, content.verify_url, qr_x, qr_y, qr_size)
    c.setFont(font, 9)
    c.drawCentredString(qr_x + qr_size / 2, qr_y - 12, "扫码核验")

    if content.annotation:
        c.setFillColor(RED)
        c.setFont(font, 13)
        c.drawString(left, 75, content.annotation)

    if content.seal is not None:
        _draw_seal(c, content.seal, content.layout, font)

    c.showPage()
    c.save()
    return buffer.getvalue()
