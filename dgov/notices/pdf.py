"""A written notice as a PDF: A4, the title and the document number, the text wrapped
character by character (Chinese has no spaces to break at), the signature block set to
the right with the seal drawn over the issuer's name, the derivation of its dates in small
type, a page count on every page, and on the last page the QR code of the verification
page (the certificates' page: ``dgov.certificates.sealing.verify_url``).

The font, the drawn seal and the QR code are the certificates' (``dgov.certificates.pdf``).
Like a certificate's, the printed text is the legal document itself, in Chinese.
"""

import io
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache

from reportlab.lib.pagesizes import A4
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfgen import canvas

from dgov.certificates import pdf as certificate_pdf
from dgov.notices.templating import SEAL_TEXT

WIDTH, HEIGHT = A4
LEFT, RIGHT = 72.0, WIDTH - 72.0
TOP, BOTTOM = HEIGHT - 72.0, 130.0  # below BOTTOM: the page count and, last, the QR code
BODY_SIZE, BODY_LEADING = 13.0, 24.0
NOTE_SIZE, NOTE_LEADING = 9.0, 14.0
SEAL_RADIUS = 56.0
SIGNATURE_RIGHT = RIGHT - 24.0


@dataclass(frozen=True)
class Content:
    title: str
    number: str
    text: str
    notes: str
    signature_line: int
    issuer: str
    verify_url: str
    verification_code: str
    seal: certificate_pdf.SealMark | None = None


@dataclass(frozen=True)
class Rendered:
    data: bytes
    pages: int
    seal_page: int  # index of the page the seal is on
    seal_box: tuple[int, int, int, int]  # where the signature field goes on that page


@lru_cache(maxsize=8192)
def _width(char: str, font: str, size: float) -> float:
    return float(pdfmetrics.stringWidth(char, font, size))


def wrap(line: str, font: str, size: float, width: float) -> list[str]:
    """``line`` cut into pieces no wider than ``width``, at any character."""
    pieces, current, used = [], "", 0.0
    for char in line:
        w = _width(char, font, size)
        if current and used + w > width:
            pieces.append(current)
            current, used = "", 0.0
        current += char
        used += w
    pieces.append(current)
    return pieces


Draw = Callable[[canvas.Canvas], None]


class _Layout:
    """Places lines on pages top to bottom; each page is a list of drawing steps."""

    def __init__(self) -> None:
        self.pages: list[list[Draw]] = [[]]
        self.y = TOP

    def room(self, height: float) -> None:
        if self.y - height < BOTTOM:
            self.pages.append([])
            self.y = TOP

    def add(self, step: Draw) -> None:
        self.pages[-1].append(step)


def _text(x: float, y: float, text: str, font: str, size: float, *, align: str = "left") -> Draw:
    def draw(c: canvas.Canvas) -> None:
        c.setFont(font, size)
        if align == "right":
            c.drawRightString(x, y, text)
        elif align == "centre":
            c.drawCentredString(x, y, text)
        else:
            c.drawString(x, y, text)

    return draw


def render(content: Content) -> Rendered:
    font = certificate_pdf.register_font()
    layout = _Layout()
    layout.add(_text(WIDTH / 2, HEIGHT - 100, content.title, font, 22, align="centre"))
    if content.number:
        layout.add(_text(WIDTH / 2, HEIGHT - 128, content.number, font, 12, align="centre"))
    layout.y = HEIGHT - 170

    lines = content.text.split("\n")
    body, signature = lines[: content.signature_line], lines[content.signature_line :]
    for line in body:
        if not line.strip():
            layout.y -= BODY_LEADING / 2
            continue
        for piece in wrap(line, font, BODY_SIZE, RIGHT - LEFT):
            layout.room(BODY_LEADING)
            layout.add(_text(LEFT, layout.y, piece, font, BODY_SIZE))
            layout.y -= BODY_LEADING

    # The signature block stays together, with room above for the seal.
    layout.y -= BODY_LEADING
    layout.room(len(signature) * BODY_LEADING + SEAL_RADIUS)
    seal_page, seal_centre = len(layout.pages) - 1, (SIGNATURE_RIGHT - 80, layout.y)
    for line in signature:
        shown = line.replace(SEAL_TEXT, "")
        if SEAL_TEXT in line:
            seal_page = len(layout.pages) - 1
            seal_centre = (SIGNATURE_RIGHT - _line_width(shown, font) / 2, layout.y + 4)
        layout.add(_text(SIGNATURE_RIGHT, layout.y, shown, font, BODY_SIZE, align="right"))
        layout.y -= BODY_LEADING
    if content.seal is not None:
        mark, (x, y) = content.seal, seal_centre
        layout.pages[seal_page].append(
            lambda c: certificate_pdf.draw_seal(c, mark, x, y, SEAL_RADIUS, font)  # type: ignore[misc]
        )

    if content.notes:
        layout.y -= NOTE_LEADING
        for line in content.notes.split("\n"):
            for piece in wrap(line, font, NOTE_SIZE, RIGHT - LEFT):
                layout.room(NOTE_LEADING)
                layout.add(_text(LEFT, layout.y, piece, font, NOTE_SIZE))
                layout.y -= NOTE_LEADING

    buffer = io.BytesIO()
    c = canvas.Canvas(buffer, pagesize=A4, invariant=True, pageCompression=1, initialFontName=font)
    c.setTitle(f"{content.title} {content.number}".strip())
    c.setSubject(content.verification_code)
    c.setKeywords([content.number, content.verification_code])
    c.setAuthor(content.issuer)
    c.setCreator("dgov")
    total = len(layout.pages)
    for n, steps in enumerate(layout.pages):
        c.setFillColorRGB(0, 0, 0)
        for step in steps:
            step(c)
        c.setFillColorRGB(0, 0, 0)
        c.setFont(font, 9)
        c.drawCentredString(WIDTH / 2, 24, f"第{n + 1}页 共{total}页")
        if n == total - 1 and content.verify_url:
            size = 84.0
            certificate_pdf.qr(c, content.verify_url, LEFT, 36, size)
            c.setFont(font, 8)
            c.drawString(LEFT + size + 12, 100, "扫码核验本文书")
            if content.verification_code:
                c.drawString(LEFT + size + 12, 86, f"核验码：{content.verification_code}")
            c.drawString(LEFT + size + 12, 72, f"核验地址：{content.verify_url}")
        c.showPage()
    c.save()
    x, y = seal_centre
    box = (int(x - SEAL_RADIUS), int(y - SEAL_RADIUS), int(x + SEAL_RADIUS), int(y + SEAL_RADIUS))
    return Rendered(data=buffer.getvalue(), pages=total, seal_page=seal_page, seal_box=box)


def _line_width(text: str, font: str) -> float:
    return sum(_width(char, font, BODY_SIZE) for char in text)
