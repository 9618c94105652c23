"""What an upload must be before it is stored, judged by its content, never its name.

1. The type comes from the first bytes: ``%PDF-``, JPEG ``FF D8 FF``, PNG's eight-byte
   signature, or a ZIP whose root holds ``OFD.xml`` (GB/T 33190 OFD).
2. At most ``MAX_FILE_SIZE`` a file.
3. A PDF may not carry JavaScript, embedded files, launch actions, rich media or XFA
   forms. Its name tokens are read with ``#xx`` escapes undone, in the raw bytes and
   inside Flate-encoded object streams (where a PDF 1.5+ writer hides dictionaries); the
   two-and-three-letter names only outside other streams' bodies, where random image bytes
   would spell them. An object stream that cannot be read here is refused rather than let
   through.
4. An OFD archive may not declare more than ``MAX_OFD_UNPACKED`` or ``MAX_OFD_ENTRIES``;
   nothing is unpacked.
"""

import re
import struct
import unicodedata
import zipfile
import zlib
from collections.abc import Iterator
from typing import IO, Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from dgov.documents.models import FileType

MB = 1024 * 1024
MAX_FILE_SIZE = 20 * MB
MAX_FILES = 10
MAX_NAME_LENGTH = 200
MAX_OFD_UNPACKED = 200 * MB
MAX_OFD_ENTRIES = 10_000
# Decoding budget for a PDF's object streams: beyond it the file is refused, not skipped.
MAX_OBJECT_STREAM = 64 * MB
MAX_OBJECT_STREAMS_TOTAL = 128 * MB

PDF_MAGIC = b"%PDF-"
JPEG_MAGIC = b"\xff\xd8\xff"
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
ZIP_MAGIC = b"PK\x03\x04"

# PDF names that run code or carry other files (ISO 32000-1 §12.6.4, §7.11.4, §13.6),
# looked for everywhere in the file, stream bodies included: at six letters or more,
# random bytes of an image do not spell them by chance.
FORBIDDEN_PDF_NAMES = frozenset({b"JavaScript", b"EmbeddedFile", b"EmbeddedFiles", b"Launch", b"RichMedia"})
# Short names random bytes do spell ("/JS" turns up in about 7% of 20 MB photographs):
# looked for outside stream bodies and inside object streams, where dictionaries live.
# Nothing is lost by not reading them in other streams' bodies: a JavaScript action needs
# ``/S /JavaScript`` (found anywhere above), and an XFA form's key sits in the catalog.
FORBIDDEN_SHORT_PDF_NAMES = frozenset({b"JS", b"XFA"})

NOT_ACCEPTED_TYPE = _("%(name)s is not a PDF, JPEG, PNG or OFD file.")
TOO_LARGE = _("%(name)s is larger than 20 MB.")
TOO_MANY = _("At most 10 files at a time.")
ACTIVE_CONTENT = _("%(name)s contains JavaScript or embedded files, which are not accepted.")
UNCHECKABLE_PDF = _("%(name)s could not be checked. Save it again as a plain PDF and upload it once more.")
OFD_TOO_BIG = _("%(name)s unpacks to more than 200 MB or 10,000 parts, which is not accepted.")

# PDF lexical classes (ISO 32000-1 §7.2.2): a name runs from "/" to whitespace or a delimiter.
_NAME = re.compile(rb"/([^\x00\t\n\x0c\r ()<>\[\]{}/%]*)")
_HEX_ESCAPE = re.compile(rb"#([0-9A-Fa-f]{2})")
_STREAM = re.compile(rb"(?<![A-Za-z])stream(?:\r\n|\n|\r)")
# An object stream's data opens with "objnum offset" pairs, after any whitespace and comments.
_OBJECT_STREAM_HEAD = re.compile(rb"\A(?:[\x00\t\n\x0c\r ]+|%[^\r\n]*)*(\d+[\x00\t\n\x0c\r ]+\d+)?")
_PROBE = 4096


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
    params = {"name": name}
    size = uploaded_file.size
    if size is None or size > MAX_FILE_SIZE:
        raise ValidationError(TOO_LARGE, code="too_large", params=params)
    uploaded_file.seek(0)
    head = uploaded_file.read(8)
    uploaded_file.seek(0)
    try:
        if head.startswith(PDF_MAGIC):
            _check_pdf(uploaded_file.read(MAX_FILE_SIZE + 1), params)
            return FileType.PDF
        if head.startswith(JPEG_MAGIC):
            return FileType.JPEG
        if head.startswith(PNG_MAGIC):
            return FileType.PNG
        if head.startswith(ZIP_MAGIC):
            _check_ofd(uploaded_file, params)
            return FileType.OFD
    finally:
        uploaded_file.seek(0)
    raise ValidationError(NOT_ACCEPTED_TYPE, code="type", params=params)


# -- PDF ---------------------------------------------------------------------------------


class _Uncheckable(Exception):
    pass


def pdf_names(data: bytes) -> Iterator[bytes]:
    """Every name token in ``data``, ``#xx`` escapes undone (``/J#61vaScript`` is ``JavaScript``)."""
    for match in _NAME.finditer(data):
        raw = match.group(1)
        yield _HEX_ESCAPE.sub(lambda h: bytes([int(h.group(1), 16)]), raw) if b"#" in raw else raw


def _has_forbidden_name(data: bytes, forbidden: frozenset[bytes] = FORBIDDEN_PDF_NAMES) -> bool:
    return any(name in forbidden for name in pdf_names(data))


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


def _check_pdf(data: bytes, params: dict[str, str]) -> None:
    every = FORBIDDEN_PDF_NAMES | FORBIDDEN_SHORT_PDF_NAMES
    try:
        bad = (
            _has_forbidden_name(data)
            or any(_has_forbidden_name(part, FORBIDDEN_SHORT_PDF_NAMES) for part in outside_stream_bodies(data))
            or any(_has_forbidden_name(part, every) for part in object_streams(data))
        )
    except _Uncheckable:
        raise ValidationError(UNCHECKABLE_PDF, code="uncheckable", params=params) from None
    if bad:
        raise ValidationError(ACTIVE_CONTENT, code="active_content", params=params)


def _looks_like_zlib(data: bytes | memoryview) -> bool:
    return len(data) >= 2 and data[0] & 0x0F == 8 and (data[0] << 8 | data[1]) % 31 == 0


def _inflate(data: bytes | memoryview, limit: int) -> bytes:
    """Undo one or more layers of Flate, never producing more than ``limit`` bytes a layer."""
    layers = 0
    while _looks_like_zlib(data) and layers < 4:
        inflater = zlib.decompressobj()
        try:
            out = inflater.decompress(data, limit + 1)
        except zlib.error:
            if layers == 0:
                raise
            break
        if len(out) > limit:
            raise _Uncheckable
        data, layers = out, layers + 1
    return bytes(data)


def object_streams(data: bytes) -> Iterator[bytes]:
    """The decoded data of each object stream in a PDF (ISO 32000-1 §7.5.7).

    A stream counts as an object stream if the dictionary before it names ``/ObjStm`` or if
    its decoded data opens like one; the second test catches a dictionary written to
    mislead a simple reader. Object streams that cannot be decoded within the budget, or
    that use filters other than Flate, raise ``_Uncheckable``.
    """
    view = memoryview(data)
    budget = MAX_OBJECT_STREAMS_TOTAL
    previous_end = 0
    for match in _STREAM.finditer(data):
        start = match.end()
        window_start = max(data.rfind(b"endobj", previous_end, match.start()), previous_end, match.start() - 65536)
        previous_end = match.start()
        dictionary = set(pdf_names(data[window_start : match.start()]))
        declared = b"ObjStm" in dictionary
        if declared and (b"DecodeParms" in dictionary or b"DP" in dictionary):
            raise _Uncheckable  # predictors would scramble the names we look for
        body = view[start:]
        if not _looks_like_zlib(body):
            if declared and (b"Filter" in dictionary or b"F" in dictionary):
                raise _Uncheckable
            continue  # unencoded: the raw scan already read it
        try:
            probe = zlib.decompressobj().decompress(body, _PROBE)
        except zlib.error:
            if declared:
                raise _Uncheckable from None
            continue
        head = _OBJECT_STREAM_HEAD.match(probe)
        opens_like_one = head is not None and (head.group(1) is not None or head.end() == len(probe) == _PROBE)
        if not (declared or opens_like_one):
            continue
        try:
            decoded = _inflate(body, min(MAX_OBJECT_STREAM, budget))
        except zlib.error:
            raise _Uncheckable from None
        budget -= len(decoded)
        yield decoded


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


def _check_ofd(file: Any, params: dict[str, str]) -> None:
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
