"""What an upload must be before it is stored, judged by its content, never its name.

1. The type comes from the first bytes: ``%PDF-``, JPEG ``FF D8 FF``, PNG's eight-byte
   signature, or a ZIP whose root holds ``OFD.xml`` (GB/T 33190 OFD).
2. At most ``max_file_size()`` a file (``settings.UPLOAD_MAX_MB``, shared with the
   request-size guard in ``dgov.documents.middleware``).
3. The whole file is that one type, start to end (no polyglots): a PDF ends at its last
   ``%%EOF`` (incremental updates, each with its own ``%%EOF``, are normal PDF); a JPEG
   is walked marker by marker to its end-of-image (further whole JPEG images may follow:
   the multi-picture format of phones); a PNG chunk by chunk, CRCs checked, to ``IEND``;
   an OFD's ZIP entries lie end to end from the first byte to the end of the central
   directory. After the end only whitespace or NUL padding may follow. HTML markup is
   refused where a format lets text in: a PDF outside stream bodies, JPEG and PNG
   metadata, the ZIP comment.
4. Images are decoded by Pillow (JPEG at 1/8 scale, which still reads every coded
   byte) after their header is checked against ``MAX_IMAGE_PIXELS``: a decompression
   bomb is refused before any pixel is decoded.
5. A PDF is opened by qpdf (pikepdf) and every object is read, those inside object
   streams whatever their filter included: JavaScript, launch actions, actions that open
   another document (GoToR, GoToE) or send form data (SubmitForm, ImportData), embedded
   files, rich media and XFA forms are refused anywhere; a URI action only where it runs
   by itself (``/OpenAction``, an ``/AA`` event, or their ``/Next`` chain), since a link
   the reader clicks is ordinary. The raw bytes are also scanned for the names of those
   features (``#xx`` escapes undone), which catches objects that no cross-reference
   table lists but a repairing reader might still find.
6. An OFD archive may not declare more than ``MAX_OFD_UNPACKED`` or ``MAX_OFD_ENTRIES``;
   nothing is unpacked.
"""

import contextlib
import io
import logging
import os
import re
import resource
import select
import signal
import struct
import unicodedata
import zipfile
import zlib
from collections.abc import Iterator
from typing import IO, Any

import pikepdf
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from PIL import Image

from dgov.documents.models import FileType

logger = logging.getLogger(__name__)

MB = 1024 * 1024
MAX_FILES = 10
MAX_NAME_LENGTH = 200
MAX_OFD_UNPACKED = 200 * MB
MAX_OFD_ENTRIES = 10_000
# A 600 dpi A4 scan is 35 megapixels; a 50 MP phone photo fits. Decoding that as RGBA
# takes 200 MB at most, and only PNG is decoded at full size.
MAX_IMAGE_PIXELS = 50_000_000
# More objects than any real document has (a 1,000-page book has some 50,000): the walk
# over them stays under a few seconds.
MAX_PDF_OBJECTS = 200_000
# qpdf reads the PDF in a child process with these limits: a file built to exhaust the
# parser (a million objects in 6 MB took 8 s and 450 MB) costs at most this, and a crash
# of the parser costs nothing but the child.
PDF_CHECK_MEMORY = 1024 * MB
PDF_CHECK_SECONDS = 20
# JPEG images one file may hold one after the other (the primary and its MPF pictures).
MAX_JPEG_IMAGES = 8

PDF_MAGIC = b"%PDF-"
JPEG_MAGIC = b"\xff\xd8\xff"
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
ZIP_MAGIC = b"PK\x03\x04"

# PDF names that run code or carry other files (ISO 32000-1 §12.6.4, §7.11.4, §13.6),
# looked for everywhere in the raw file, stream bodies included: at six letters or more,
# random bytes of an image do not spell them by chance.
FORBIDDEN_PDF_NAMES = frozenset({b"JavaScript", b"EmbeddedFile", b"EmbeddedFiles", b"Launch", b"RichMedia"})
# Short names random bytes do spell ("/JS" turns up in about 7% of 20 MB photographs):
# looked for in the raw file outside stream bodies only.
FORBIDDEN_SHORT_PDF_NAMES = frozenset({b"JS", b"XFA"})

NOT_ACCEPTED_TYPE = _("%(name)s is not a PDF, JPEG, PNG or OFD file.")
TOO_LARGE = _("%(name)s is larger than %(limit)d MB.")
TOO_MANY = _("At most 10 files at a time.")
UNCHECKABLE_PDF = _("%(name)s could not be checked. Save it again as a plain PDF and upload it once more.")
OFD_TOO_BIG = _("%(name)s unpacks to more than 200 MB or 10,000 parts, which is not accepted.")
NOT_ONE_TYPE = _(
    "%(name)s is not a plain %(type)s file: it carries other content as well, such as a web page. "
    "Save it again as %(type)s and upload it once more."
)
DAMAGED_IMAGE = _("%(name)s is a damaged %(type)s image and cannot be read.")
TOO_MANY_PIXELS = _("%(name)s is an image of more than %(limit)d megapixels, which is not accepted.")

# Why a PDF is refused, by reason code (``pdf_problem``).
PDF_REASONS = {
    "javascript": _("%(name)s contains JavaScript, which is not accepted."),
    "launch": _("%(name)s would start a program on the reader's computer, which is not accepted."),
    "remote": _("%(name)s opens another file or document (a GoToR or GoToE action), which is not accepted."),
    "uri": _("%(name)s opens a web address by itself when it is opened or viewed, which is not accepted."),
    "submit": _("%(name)s sends or fetches form data (a SubmitForm or ImportData action), which is not accepted."),
    "embedded": _("%(name)s carries embedded files, which are not accepted."),
    "rich_media": _("%(name)s contains multimedia content, which is not accepted."),
    "xfa": _("%(name)s is an XFA form, which is not accepted. Print it to a plain PDF and upload that."),
}

# PDF lexical classes (ISO 32000-1 §7.2.2): a name runs from "/" to whitespace or a delimiter.
_NAME = re.compile(rb"/([^\x00\t\n\x0c\r ()<>\[\]{}/%]*)")
_HEX_ESCAPE = re.compile(rb"#([0-9A-Fa-f]{2})")
_STREAM = re.compile(rb"(?<![A-Za-z])stream(?:\r\n|\n|\r)")
# An HTML element that a browser would act on, as it would start in a page.
_MARKUP = re.compile(
    rb"<(?:!doctype|html|head|body|script|iframe|frameset|object|embed|svg|form|img|meta|style|link|base)(?=[\s/>])",
    re.IGNORECASE,
)
# What may follow the end of a file: whitespace and NUL padding.
_PADDING = b"\x00\t\n\x0c\r "


def max_file_size() -> int:
    """The largest file accepted, in bytes (``settings.UPLOAD_MAX_MB``)."""
    return int(settings.UPLOAD_MAX_MB) * MB


def clean_name(name: str | None) -> str:
    """The file name to keep and show: no path, no control or direction-override
    characters, at most ``MAX_NAME_LENGTH`` characters with the extension kept."""
    name = unicodedata.normalize("NFC", name or "").replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(ch for ch in name if unicodedata.category(ch)[0] != "C")
    name = " ".join(name.split()).lstrip(".")
    if len(name) > MAX_NAME_LENGTH:
        stem, dot, extension = name.rpartition(".")
        if dot and 0 < len(extension) <= 10:
            name = stem[: MAX_NAME_LENGTH - len(extension) - 1] + "." + extension
        else:
            name = name[:MAX_NAME_LENGTH]
    return name or "document"


def validate_upload(uploaded_file: Any) -> str:
    """The content type of an acceptable upload; ``ValidationError`` naming the file otherwise."""
    name = clean_name(uploaded_file.name)
    params: dict[str, Any] = {"name": name}
    size = uploaded_file.size
    limit = max_file_size()
    if size is None or size > limit:
        raise ValidationError(TOO_LARGE, code="too_large", params={**params, "limit": limit // MB})
    uploaded_file.seek(0)
    head = uploaded_file.read(8)
    uploaded_file.seek(0)
    try:
        if head.startswith(PDF_MAGIC):
            _check_pdf(uploaded_file.read(limit + 1), {**params, "type": "PDF"})
            return FileType.PDF
        if head.startswith(JPEG_MAGIC):
            _check_jpeg(uploaded_file.read(limit + 1), {**params, "type": "JPEG"})
            return FileType.JPEG
        if head.startswith(PNG_MAGIC):
            _check_png(uploaded_file.read(limit + 1), {**params, "type": "PNG"})
            return FileType.PNG
        if head.startswith(ZIP_MAGIC):
            _check_ofd(uploaded_file, {**params, "type": "OFD"})
            return FileType.OFD
    finally:
        uploaded_file.seek(0)
    raise ValidationError(NOT_ACCEPTED_TYPE, code="type", params=params)


def _not_one_type(params: dict[str, Any]) -> ValidationError:
    return ValidationError(NOT_ONE_TYPE, code="polyglot", params=params)


def _only_padding(data: bytes | memoryview) -> bool:
    return not bytes(data).strip(_PADDING)


# -- PDF ---------------------------------------------------------------------------------


def _check_pdf(data: bytes, params: dict[str, Any]) -> None:
    end = data.rfind(b"%%EOF")
    if end < 0 or not _only_padding(memoryview(data)[end + 5 :]):
        raise _not_one_type(params)
    if any(_MARKUP.search(part) for part in outside_stream_bodies(data)):
        raise _not_one_type(params)
    reason = raw_pdf_problem(data) or pdf_problem(data)
    if reason == "uncheckable":
        raise ValidationError(UNCHECKABLE_PDF, code="uncheckable", params=params)
    if reason:
        raise ValidationError(PDF_REASONS[reason], code=reason, params=params)


def pdf_names(data: bytes) -> Iterator[bytes]:
    """Every name token in ``data``, ``#xx`` escapes undone (``/J#61vaScript`` is ``JavaScript``)."""
    for match in _NAME.finditer(data):
        raw = match.group(1)
        yield _HEX_ESCAPE.sub(lambda h: bytes([int(h.group(1), 16)]), raw) if b"#" in raw else raw


def outside_stream_bodies(data: bytes) -> Iterator[bytes]:
    """The file with every stream body (from ``stream`` to the next ``endstream``) cut
    out. Cutting more than a reader would only makes the short-name scan read more."""
    position = 0
    while True:
        match = _STREAM.search(data, position)
        if match is None:
            yield data[position:]
            return
        yield data[position : match.start()]
        end = data.find(b"endstream", match.end())
        if end < 0:
            return
        position = end + len(b"endstream")


_RAW_REASONS = {
    b"JavaScript": "javascript",
    b"JS": "javascript",
    b"EmbeddedFile": "embedded",
    b"EmbeddedFiles": "embedded",
    b"Launch": "launch",
    b"RichMedia": "rich_media",
    b"XFA": "xfa",
}


def raw_pdf_problem(data: bytes) -> str | None:
    """The reason code of a forbidden name found in the raw bytes, or None."""
    for name in pdf_names(data):
        if name in FORBIDDEN_PDF_NAMES:
            return _RAW_REASONS[name]
    for part in outside_stream_bodies(data):
        for name in pdf_names(part):
            if name in FORBIDDEN_SHORT_PDF_NAMES:
                return _RAW_REASONS[name]
    return None


# Actions refused wherever they are (ISO 32000-1 §12.6.4, ISO 32000-2 §12.6.4.4, §13.7.5).
_ACTION_REASONS = {
    "/JavaScript": "javascript",
    "/Launch": "launch",
    "/GoToR": "remote",
    "/GoToE": "remote",
    "/SubmitForm": "submit",
    "/ImportData": "submit",
    "/RichMediaExecute": "rich_media",
}
# Refused where they run by themselves: on opening the document or on an /AA event.
_AUTOMATIC_ACTION_REASONS = {**_ACTION_REASONS, "/URI": "uri"}

_DICTIONARY = pikepdf.ObjectType.dictionary
_ARRAY = pikepdf.ObjectType.array
_STREAM_TYPE = pikepdf.ObjectType.stream
_NAME_TYPE = pikepdf.ObjectType.name_


class _Found(Exception):
    def __init__(self, reason: str) -> None:
        self.reason = reason


def pdf_problem(data: bytes) -> str | None:
    """The reason code for refusing a PDF as qpdf reads it (``PDF_REASONS``, or
    ``"uncheckable"``), or None when it is acceptable: read in a child process under
    ``PDF_CHECK_MEMORY`` and ``PDF_CHECK_SECONDS``. A child that runs out of either,
    or dies, makes the file uncheckable."""
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: never returns
        status = 1
        try:
            os.close(read_end)
            _limit_this_process()
            os.write(write_end, (_read_pdf(data) or "ok").encode("ascii"))
            status = 0
        except BaseException:
            logger.exception("The PDF check failed; the file is refused as uncheckable.")
        finally:
            os._exit(status)
    os.close(write_end)
    answer = b""
    try:
        ready, _w, _x = select.select([read_end], [], [], PDF_CHECK_SECONDS + 1)
        if ready:
            answer = os.read(read_end, 64)
    finally:
        os.close(read_end)
        if not answer:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
    reason = answer.decode("ascii", "replace")
    if reason == "ok":
        return None
    return reason if reason in PDF_REASONS else "uncheckable"


def _limit_this_process() -> None:
    """Cap the child's address space (what it has from its parent plus the budget) and
    its processor time."""
    with open("/proc/self/statm") as statm:
        mapped = int(statm.read().split()[0]) * resource.getpagesize()
    resource.setrlimit(resource.RLIMIT_AS, (mapped + PDF_CHECK_MEMORY, mapped + PDF_CHECK_MEMORY))
    resource.setrlimit(resource.RLIMIT_CPU, (PDF_CHECK_SECONDS, PDF_CHECK_SECONDS + 1))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))


# Warnings of qpdf about a cross-reference or object stream that does not hold what it
# says: objects a viewer might still find are hidden from the walk, so refuse the file.
_HIDING_WARNING = re.compile(r"cross-reference stream|xref stream|object stream", re.IGNORECASE)


def _read_pdf(data: bytes) -> str | None:
    """The walk itself (in the child)."""
    try:
        with pikepdf.open(io.BytesIO(data)) as pdf:
            declared = pdf.trailer.get("/Size")
            if not isinstance(declared, int) or declared > MAX_PDF_OBJECTS:
                return "uncheckable"
            automatic: list[Any] = []
            for obj in pdf.objects:
                _walk(obj, automatic)
            opening = pdf.Root.get("/OpenAction")
            if opening is not None:
                automatic.append(opening)
            _follow_automatic(automatic)
            if any(_HIDING_WARNING.search(warning) for warning in pdf.get_warnings()):
                return "uncheckable"
    except _Found as found:
        return found.reason
    except (pikepdf.PdfError, pikepdf.PasswordError, ValueError, TypeError, RecursionError, MemoryError):
        return "uncheckable"
    return None


def _walk(obj: Any, automatic: list[Any]) -> None:
    """Check one object and what it holds directly (indirect references are objects of
    their own in ``pdf.objects``); collect the actions of /AA events."""
    kind = getattr(obj, "_type_code", None)  # numbers and booleans arrive as Python values
    if kind == _STREAM_TYPE:
        _check_dictionary(obj.stream_dict, automatic)
    elif kind == _DICTIONARY:
        _check_dictionary(obj, automatic)
    elif kind == _ARRAY:
        for item in obj:
            if getattr(item, "_type_code", None) in (_DICTIONARY, _ARRAY) and not item.is_indirect:
                _walk(item, automatic)


def _check_dictionary(dictionary: Any, automatic: list[Any]) -> None:
    for key, value in dictionary.items():
        if key == "/JS":
            raise _Found("javascript")
        if key in ("/EF", "/EmbeddedFiles"):
            raise _Found("embedded")
        if key == "/XFA":
            raise _Found("xfa")
        if key == "/JavaScript":  # the document's JavaScript name tree
            raise _Found("javascript")
        kind = getattr(value, "_type_code", None)  # numbers and booleans arrive as Python values
        if key == "/AA" and kind == _DICTIONARY:
            automatic.extend(value.values())
        if kind == _NAME_TYPE:
            name = str(value)
            if key == "/S" and name in _ACTION_REASONS:
                raise _Found(_ACTION_REASONS[name])
            if key == "/Type" and name == "/EmbeddedFile":
                raise _Found("embedded")
            if key == "/Subtype" and name in ("/FileAttachment", "/RichMedia"):
                raise _Found("embedded" if name == "/FileAttachment" else "rich_media")
        elif kind in (_DICTIONARY, _ARRAY) and not value.is_indirect:
            _walk(value, automatic)


def _follow_automatic(actions: list[Any]) -> None:
    """Refuse an action that runs by itself, following /Next chains (each object once)."""
    seen: set[tuple[int, int]] = set()
    while actions:
        action = actions.pop()
        kind = getattr(action, "_type_code", None)
        if kind not in (_DICTIONARY, _ARRAY):
            continue
        if action.is_indirect:
            if action.objgen in seen:
                continue
            seen.add(action.objgen)
        if kind == _ARRAY:
            actions.extend(action)
            continue
        subtype = action.get("/S")
        if getattr(subtype, "_type_code", None) == _NAME_TYPE and str(subtype) in _AUTOMATIC_ACTION_REASONS:
            raise _Found(_AUTOMATIC_ACTION_REASONS[str(subtype)])
        following = action.get("/Next")
        if following is not None:
            actions.append(following)


# -- Images ------------------------------------------------------------------------------

# Markers that stand alone, without a length (ITU-T T.81 §B.1.1.3): TEM and RST0–RST7.
_STANDALONE = frozenset({0x01, *range(0xD0, 0xD8)})
# In entropy-coded data, 0xFF is followed by 0x00 (a stuffed byte) or a restart marker;
# anything else is the next marker (fill bytes 0xFF included).
_NEXT_MARKER = re.compile(rb"\xff(?=[^\x00\xd0-\xd7])")


class _Malformed(Exception):
    pass


def jpeg_end(data: bytes, start: int = 0) -> tuple[int, list[bytes]]:
    """Where the JPEG that begins at ``start`` ends (just after its end-of-image marker),
    and its metadata segments (APPn and COM), read marker by marker."""
    if data[start : start + 2] != b"\xff\xd8":
        raise _Malformed
    position = start + 2
    metadata: list[bytes] = []
    size = len(data)
    while True:
        if position >= size or data[position] != 0xFF:
            raise _Malformed
        while position < size and data[position] == 0xFF:
            position += 1
        if position >= size:
            raise _Malformed
        marker = data[position]
        position += 1
        if marker == 0xD9:
            return position, metadata
        if marker in _STANDALONE:
            continue
        if position + 2 > size:
            raise _Malformed
        length = data[position] << 8 | data[position + 1]
        if length < 2 or position + length > size:
            raise _Malformed
        if 0xE0 <= marker <= 0xEF or marker == 0xFE:
            metadata.append(data[position + 2 : position + length])
        position += length
        if marker == 0xDA:  # start of scan: entropy-coded data up to the next marker
            found = _NEXT_MARKER.search(data, position)
            if found is None:
                raise _Malformed
            position = found.start()


def _check_jpeg(data: bytes, params: dict[str, Any]) -> None:
    try:
        end, metadata = jpeg_end(data)
    except _Malformed:
        raise ValidationError(DAMAGED_IMAGE, code="damaged", params=params) from None
    images = 1
    # Further whole images may follow (MPF: the phone's depth or gain map); anything
    # else after the end is another file riding along.
    while not _only_padding(memoryview(data)[end:]):
        images += 1
        try:
            if images > MAX_JPEG_IMAGES:
                raise _Malformed
            end, more = jpeg_end(data, end)
        except _Malformed:
            raise _not_one_type(params) from None
        metadata += more
    if any(_MARKUP.search(segment) for segment in metadata):
        raise _not_one_type(params)
    _decode(data, params, ["JPEG"])  # a multi-picture file opens as MPO


class _Trailing(Exception):
    pass


def png_chunks(data: bytes) -> Iterator[tuple[bytes, memoryview]]:
    """(type, data) of each chunk, CRC checked, up to ``IEND``: ``_Malformed`` if a
    chunk is cut short or corrupt, ``_Trailing`` if anything but padding follows."""
    view = memoryview(data)
    position = len(PNG_MAGIC)
    while True:
        if position + 12 > len(data):
            raise _Malformed
        (length,) = struct.unpack_from(">I", data, position)
        kind = data[position + 4 : position + 8]
        body_end = position + 8 + length
        if body_end + 4 > len(data):
            raise _Malformed
        (crc,) = struct.unpack_from(">I", data, body_end)
        if zlib.crc32(view[position + 4 : body_end]) != crc:
            raise _Malformed
        yield kind, view[position + 8 : body_end]
        position = body_end + 4
        if kind == b"IEND":
            if not _only_padding(view[position:]):
                raise _Trailing
            return


def _check_png(data: bytes, params: dict[str, Any]) -> None:
    try:
        for kind, body in png_chunks(data):
            if kind not in (b"IDAT", b"fdAT") and _MARKUP.search(body):
                raise _Trailing
    except _Malformed:
        raise ValidationError(DAMAGED_IMAGE, code="damaged", params=params) from None
    except _Trailing:
        raise _not_one_type(params) from None
    _decode(data, params, ["PNG"])


def _decode(data: bytes, params: dict[str, Any], formats: list[str]) -> None:
    """Decode with Pillow after checking the size the header declares."""
    try:
        with Image.open(io.BytesIO(data), formats=formats) as image:
            width, height = image.size
            if width * height > MAX_IMAGE_PIXELS:
                raise Image.DecompressionBombError
            if image.format in ("JPEG", "MPO"):
                image.draft(image.mode, (max(1, width // 8), max(1, height // 8)))
            image.load()
    except Image.DecompressionBombError:  # also raised by Pillow's own, higher, limit
        raise ValidationError(
            TOO_MANY_PIXELS, code="too_many_pixels", params={**params, "limit": MAX_IMAGE_PIXELS // 1_000_000}
        ) from None
    except (OSError, SyntaxError, ValueError, struct.error, zlib.error, EOFError):
        raise ValidationError(DAMAGED_IMAGE, code="damaged", params=params) from None


# -- OFD ---------------------------------------------------------------------------------


def _declared_entry_count(file: IO[bytes]) -> int | None:
    """The entry count in the ZIP end-of-central-directory record, read before ``zipfile``
    builds its (unbounded) list of entries. None if there is no such record."""
    file.seek(0, 2)
    size = file.tell()
    tail_start = max(0, size - (22 + 65535))
    file.seek(tail_start)
    tail = file.read()
    at = tail.rfind(b"PK\x05\x06")
    if at < 0 or len(tail) - at < 22:
        return None
    (entries,) = struct.unpack("<H", tail[at + 10 : at + 12])
    return int(entries)


def _entries_end_to_end(file: Any, infos: list[zipfile.ZipInfo]) -> bool:
    """True when the local entries run from byte 0 without a gap to the central
    directory, which runs to the end record, which (with its comment) ends the file."""
    file.seek(0, 2)
    size = file.tell()
    file.seek(max(0, size - (22 + 65535)))
    tail = file.read()
    record = tail.rfind(b"PK\x05\x06")
    if record < 0 or len(tail) - record < 22:
        return False
    directory_size, directory_offset, comment_length = struct.unpack_from("<IIH", tail, record + 12)
    comment = tail[record + 22 :]
    if len(comment) != comment_length or _MARKUP.search(comment):
        return False
    if directory_offset + directory_size != size - len(tail) + record:
        return False
    position = 0
    for info in sorted(infos, key=lambda item: item.header_offset):
        if info.header_offset != position:
            return False
        file.seek(position)
        header = file.read(30)
        if len(header) < 30 or header[:4] != ZIP_MAGIC:
            return False
        name_length, extra_length = struct.unpack_from("<HH", header, 26)
        position += 30 + name_length + extra_length + info.compress_size
        if info.flag_bits & 0x08:  # a data descriptor follows the data
            file.seek(position)
            descriptor = file.read(4)
            position += (4 if descriptor == b"PK\x07\x08" else 0) + 12
    return position == directory_offset


def _check_ofd(file: Any, params: dict[str, Any]) -> None:
    entries = _declared_entry_count(file)
    if entries is None:
        raise ValidationError(NOT_ACCEPTED_TYPE, code="type", params=params)
    if entries > MAX_OFD_ENTRIES:  # 0xFFFF also means ZIP64, which no OFD within limits needs
        raise ValidationError(OFD_TOO_BIG, code="ofd_too_big", params=params)
    file.seek(0)
    try:
        with zipfile.ZipFile(file) as archive:
            infos = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError, ValueError, NotImplementedError):
        raise ValidationError(NOT_ACCEPTED_TYPE, code="type", params=params) from None
    if len(infos) > MAX_OFD_ENTRIES or sum(info.file_size for info in infos) > MAX_OFD_UNPACKED:
        raise ValidationError(OFD_TOO_BIG, code="ofd_too_big", params=params)
    if not any(info.filename == "OFD.xml" for info in infos):
        raise ValidationError(NOT_ACCEPTED_TYPE, code="type", params=params)
    if not _entries_end_to_end(file, infos):
        raise _not_one_type(params)
