"""Real files, made byte by byte (no Pillow, no PDF library): what a scanner or phone
would send, and what an attacker would try instead."""

import io
import struct
import zipfile
import zlib

MB = 1024 * 1024


def _pdf(objects: list[bytes], *, version: bytes = b"1.4") -> bytes:
    """A PDF with a classic cross-reference table; object 1 is the catalog."""
    out = bytearray(b"%PDF-" + version + b"\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def _stream(dictionary: bytes, data: bytes) -> bytes:
    return b"<< " + dictionary + b" /Length %d >>\nstream\n" % len(data) + data + b"\nendstream"


PAGE_CONTENT = b"BT /F1 24 Tf 72 720 Td (Hello) Tj ET"


def pdf(catalog_extra: bytes = b"", *, extra_objects: list[bytes] | None = None) -> bytes:
    """A one-page PDF that says Hello; ``catalog_extra`` goes into the catalog dictionary."""
    return _pdf(
        [
            b"<< /Type /Catalog /Pages 2 0 R " + catalog_extra + b">>",
            b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R"
            b" /Resources << /Font << /F1 5 0 R >> >> >>",
            _stream(b"", PAGE_CONTENT),
            b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
            *(extra_objects or []),
        ]
    )


def pdf_with_javascript(action_name: bytes = b"/JavaScript") -> bytes:
    return pdf(b"/OpenAction 6 0 R ", extra_objects=[b"<< /S " + action_name + b" /JS (app.alert\\(1\\)) >>"])


def pdf_with_object_stream(catalog_extra: bytes = b"", *, dictionary: bytes = b"/Type /ObjStm") -> bytes:
    """A PDF 1.5 whose catalog and page tree sit in a Flate-compressed object stream
    (object 6), found through a cross-reference stream (object 7)."""
    packed = [
        b"<< /Type /Catalog /Pages 2 0 R " + catalog_extra + b">>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R"
        b" /Resources << /Font << /F1 5 0 R >> >> >>",
    ]
    header, body = [], b""
    for number, obj in enumerate(packed, start=1):
        header.append(b"%d %d" % (number, len(body)))
        body += obj + b"\n"
    head = b" ".join(header) + b"\n"
    compressed = zlib.compress(head + body)

    out = bytearray(b"%PDF-1.5\n%\xe2\xe3\xcf\xd3\n")
    offsets = {}
    offsets[4] = len(out)
    out += b"4 0 obj\n" + _stream(b"", PAGE_CONTENT) + b"\nendobj\n"
    offsets[5] = len(out)
    out += b"5 0 obj\n<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>\nendobj\n"
    offsets[6] = len(out)
    out += (
        b"6 0 obj\n"
        + _stream(dictionary + b" /N %d /First %d /Filter /FlateDecode" % (len(packed), len(head)), compressed)
        + b"\nendobj\n"
    )
    offsets[7] = len(out)
    rows = [struct.pack(">BIH", 0, 0, 65535)]
    rows += [struct.pack(">BIH", 2, 6, index) for index in range(len(packed))]
    rows += [struct.pack(">BIH", 1, offsets[n], 0) for n in (4, 5, 6, 7)]
    xref = zlib.compress(b"".join(rows))
    out += (
        b"7 0 obj\n" + _stream(b"/Type /XRef /Size 8 /W [1 4 2] /Root 1 0 R /Filter /FlateDecode", xref) + b"\nendobj\n"
    )
    out += b"startxref\n%d\n%%%%EOF\n" % offsets[7]
    return bytes(out)


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def png(width: int = 2, height: int = 2) -> bytes:
    """A red RGB image."""
    rows = b"".join(b"\x00" + b"\xff\x00\x00" * width for _ in range(height))
    return (
        b"\x89PNG\r\n\x1a\n"
        + _chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
        + _chunk(b"IDAT", zlib.compress(rows))
        + _chunk(b"IEND", b"")
    )


def _segment(marker: int, data: bytes) -> bytes:
    return struct.pack(">BBH", 0xFF, marker, len(data) + 2) + data


def jpeg() -> bytes:
    """A 1×1 grey baseline JPEG: one Huffman code each for DC 0 and end-of-block."""
    return (
        b"\xff\xd8"
        + _segment(0xE0, b"JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00")
        + _segment(0xDB, b"\x00" + b"\x01" * 64)
        + _segment(0xC0, b"\x08\x00\x01\x00\x01\x01\x01\x11\x00")
        + _segment(0xC4, b"\x00" + b"\x01" + b"\x00" * 15 + b"\x00")  # DC table 0: code "0" -> 0
        + _segment(0xC4, b"\x10" + b"\x01" + b"\x00" * 15 + b"\x00")  # AC table 0: code "0" -> EOB
        + _segment(0xDA, b"\x01\x01\x00\x00\x3f\x00")
        + b"\x3f"  # bits 0 (DC diff 0), 0 (EOB), padded with ones
        + b"\xff\xd9"
    )


def _zip(entries: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
    return buffer.getvalue()


OFD_XML = (
    b'<?xml version="1.0" encoding="UTF-8"?>\n'
    b'<ofd:OFD xmlns:ofd="http://www.ofdspec.org/2016" Version="1.0" DocType="OFD">'
    b"<ofd:DocBody><ofd:DocInfo><ofd:DocID>6f6664</ofd:DocID></ofd:DocInfo>"
    b"<ofd:DocRoot>Doc_0/Document.xml</ofd:DocRoot></ofd:DocBody></ofd:OFD>"
)


def ofd() -> bytes:
    return _zip(
        {
            "OFD.xml": OFD_XML,
            "Doc_0/Document.xml": b'<?xml version="1.0"?><ofd:Document xmlns:ofd="http://www.ofdspec.org/2016"/>',
        }
    )


def plain_zip() -> bytes:
    return _zip({"readme.txt": b"not an OFD", "Doc_0/OFD.xml": OFD_XML})


def zip_with_many_entries(count: int) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED) as archive:
        archive.writestr("OFD.xml", OFD_XML)
        for number in range(count):
            archive.writestr(f"e/{number}", b"")
    return buffer.getvalue()


def windows_executable() -> bytes:
    """The head of a PE file: "MZ", the DOS stub, "PE\\0\\0"."""
    stub = b"MZ" + b"\x90\x00" * 29 + struct.pack("<I", 64)
    return stub + b"\x00" * (64 - len(stub)) + b"PE\x00\x00" + b"\x00" * 200
