"""Every workbook the platform writes or reads (.xlsx, openpyxl).

Writing: ``workbook_response(filename, sheets)`` streams a write-only workbook through a
temporary file, so memory stays flat however long the list; every cell goes through
``cell()``, which stores a text that a spreadsheet would run as a formula (starting with
``= + - @``, a tab or a carriage return) as plain text.

Reading: ``read_sheet(content, sheet, required=…, known=…)`` opens the file, checks the
header and yields ``(row_number, {column: value})`` for each non-empty row; a problem
anywhere is collected by the caller's ``Problems`` and raised as ``ImportRejected``, which
carries the row-numbered report shown to the person who uploaded the file.
"""

import datetime as dt
import io
import tempfile
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.http import FileResponse
from django.utils.translation import gettext as _

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
MAX_FILE_BYTES = 10_000_000
TRUE = {"1", "true", "yes", "y", "是", "x", "√"}
FALSE = {"0", "false", "no", "n", "否", ""}


def safe_text(value: Any) -> str:
    """Text that a spreadsheet never runs as a formula: openpyxl stores a string starting
    with "=" as one, and Excel also reads "+", "-", "@" (and a leading tab or CR)."""
    text = str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def cell(value: Any) -> Any:
    """A value ready for a cell: numbers, booleans and dates as themselves, the rest as
    safe text; ``None`` stays empty."""
    if value is None or isinstance(value, bool | int | float | Decimal | dt.date):
        if isinstance(value, dt.datetime) and value.tzinfo is not None:
            from django.utils import timezone

            return timezone.localtime(value).replace(tzinfo=None)
        return value
    return safe_text(value)


@dataclass
class Sheet:
    title: str
    header: Sequence[Any]
    rows: Iterable[Sequence[Any]]


def write_workbook(sheets: Iterable[Sheet], out: Any) -> None:
    """Write ``sheets`` to the binary file ``out`` in write-only (streaming) mode."""
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    for sheet in sheets:
        ws = book.create_sheet(sheet.title[:31])
        ws.append([str(h) for h in sheet.header])
        for row in sheet.rows:
            ws.append([cell(v) for v in row])
    book.save(out)


def workbook_bytes(sheets: Iterable[Sheet]) -> bytes:
    out = io.BytesIO()
    write_workbook(sheets, out)
    return out.getvalue()


def workbook_response(filename: str, sheets: Iterable[Sheet]) -> FileResponse:
    """The workbook as a download, written to a temporary file first: the rows are
    streamed into it, never held in memory together."""
    spool = tempfile.TemporaryFile()  # noqa: SIM115 — closed by FileResponse
    write_workbook(sheets, spool)
    spool.seek(0)
    return FileResponse(spool, as_attachment=True, filename=filename, content_type=XLSX)


# Reading ------------------------------------------------------------------------------


@dataclass
class Problem:
    row: int | None
    column: str
    message: str
    sheet: str = ""  # named when the workbook has several

    def __str__(self) -> str:
        if self.row is None:
            return self.message
        if self.sheet:
            where = {"sheet": self.sheet, "row": self.row, "column": self.column, "message": self.message}
            if self.column:
                return _("Sheet %(sheet)s, row %(row)s, column %(column)s: %(message)s") % where
            return _("Sheet %(sheet)s, row %(row)s: %(message)s") % where
        if self.column:
            return _("Row %(row)s, column %(column)s: %(message)s") % {
                "row": self.row,
                "column": self.column,
                "message": self.message,
            }
        return _("Row %(row)s: %(message)s") % {"row": self.row, "message": self.message}


class ImportRejected(Exception):
    """A file with problems: nothing of it was imported. ``problems`` is the report."""

    def __init__(self, problems: Sequence[Problem | str]) -> None:
        self.problems = [p if isinstance(p, Problem) else Problem(None, "", str(p)) for p in problems]
        super().__init__("\n".join(str(p) for p in self.problems))

    @property
    def messages(self) -> list[str]:
        return [str(p) for p in self.problems]


@dataclass
class Problems:
    """Collects a file's problems while it is read; ``raise_if_any`` at the end."""

    found: list[Problem] = field(default_factory=list)

    def add(self, row: int | None, column: str, message: Any, *, sheet: str = "") -> None:
        self.found.append(Problem(row, column, str(message), sheet))

    def __bool__(self) -> bool:
        return bool(self.found)

    def raise_if_any(self) -> None:
        if self.found:
            raise ImportRejected(self.found)


def text(value: Any) -> str:
    """A cell's value as stripped text ('' for empty); a text that ``safe_text`` guarded
    ("'=1+1") reads back as it was written ("=1+1"), so a file exported and imported again
    changes nothing."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    stripped = str(value).strip()
    if stripped.startswith("'") and stripped[1:].startswith(FORMULA_STARTS):
        return stripped[1:]
    return stripped


def read_sheet(
    content: bytes,
    sheet: str,
    *,
    required: Sequence[str],
    known: Sequence[str] | None = None,
    max_rows: int = 20_000,
) -> Iterator[tuple[int, dict[str, Any]]]:
    """Yield ``(row_number, {column: value})`` of each non-empty row of ``sheet`` (the
    header is row 1). Raises ``ImportRejected`` for a file that is not a workbook, a
    missing sheet or required column, unknown columns, too many rows or a broken sheet."""
    from openpyxl import load_workbook

    if len(content) > MAX_FILE_BYTES:
        raise ImportRejected([_("The file is larger than %(mb)s MB.") % {"mb": MAX_FILE_BYTES // 1_000_000}])
    try:
        book = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception:  # openpyxl raises many kinds on a file that is not .xlsx
        raise ImportRejected([_("The file is not an .xlsx workbook.")]) from None
    try:
        if sheet not in book.sheetnames:
            raise ImportRejected([_("The workbook has no sheet named “%(name)s”.") % {"name": sheet}])
        try:
            rows = book[sheet].iter_rows(values_only=True)
            header = [text(v) for v in next(rows, ())]
            missing = [c for c in required if c not in header]
            if missing:
                raise ImportRejected([_("The sheet lacks the columns %(columns)s.") % {"columns": ", ".join(missing)}])
            if known is not None:
                unknown = [c for c in header if c and c not in known]
                if unknown:
                    raise ImportRejected([_("Unknown columns: %(columns)s.") % {"columns": ", ".join(unknown)}])
            for number, values in enumerate(rows, start=2):
                if number > max_rows + 1:
                    raise ImportRejected([_("The sheet has more than %(n)s rows.") % {"n": max_rows}])
                if all(text(v) == "" for v in values):
                    continue
                yield number, dict(zip(header, values, strict=False))
        except ImportRejected:
            raise
        except Exception:  # read-only openpyxl parses the sheet's XML lazily, row by row
            raise ImportRejected([_("The file is not an .xlsx workbook.")]) from None
    finally:
        book.close()
