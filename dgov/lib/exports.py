"""Every list a person works from, as CSV or .xlsx: the one export helper.

An app declares its lists in ``dgov/<app>/exports.py`` as ``EXPORTS = [Export(...)]``:
the name, who may read the list (``may``, a ``dgov.lib.rules`` verdict), the rows that
person sees with the page's own filters (``rows(user, query)``; a filter that does not
parse raises ``ValidationError``) and the columns. ``/exports/<name>.csv?…`` (links from
each list page, ``{% export_links %}``) streams a short list at once and hands a longer one
(more than ``EXPORT_JOB_ROWS``) to the job runner, which writes the file with a progress
bar. Either way the rows are read in chunks and written as they come: memory stays flat.

Every cell goes through ``dgov.lib.xlsx.cell``/``safe_text``: a text that a spreadsheet
would run as a formula (``= + - @``, a leading tab or CR) is written as text, in CSV as in
.xlsx. CSV is UTF-8 with a byte-order mark, so Excel opens Chinese text correctly.
"""

import csv
import datetime as dt
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.http import QueryDict, StreamingHttpResponse
from django.utils import timezone
from django.utils.functional import Promise

from dgov.lib.rules import Verdict
from dgov.lib.xlsx import Sheet, cell

BOM = "\ufeff"
CSV = "text/csv; charset=utf-8"
CHUNK = 2_000


@dataclass(frozen=True)
class Column:
    header: str | Promise
    value: Callable[[Any], Any]


@dataclass(frozen=True)
class Export:
    """One list a person can take away."""

    name: str  # "<app>.<list>", the URL's name
    title: str | Promise
    may: Callable[[Any], Verdict]
    rows: Callable[[Any, QueryDict], Any]  # a QuerySet (read with .iterator) or any iterable
    columns: Sequence[Column]
    filename: str = ""
    extra: dict[str, Any] = field(default_factory=dict)

    def header(self) -> list[str]:
        return [str(c.header) for c in self.columns]

    def values(self, rows: Iterable[Any]) -> Iterator[list[Any]]:
        for row in rows:
            yield [c.value(row) for c in self.columns]

    def file_name(self, fmt: str) -> str:
        stamp = timezone.localdate().isoformat()
        return f"{self.filename or self.name.replace('.', '-')}-{stamp}.{fmt}"


def all_exports() -> dict[str, Export]:
    from dgov.lib.plugins import discover

    found: dict[str, Export] = {}
    for app, module in discover("exports"):
        for export in module.EXPORTS:
            if export.name in found:
                raise ValueError(f"two exports are called {export.name!r} ({app})")
            found[export.name] = export
    return found


def stream(rows: Any) -> Iterator[Any]:
    """The rows a chunk at a time (a QuerySet through ``iterator``: a server-side cursor on
    PostgreSQL), never all in memory."""
    iterate = getattr(rows, "iterator", None)
    return iterate(chunk_size=CHUNK) if iterate is not None else iter(rows)


def text(value: Any) -> str:
    """A CSV field: as ``cell`` for a workbook, then as text (dates ISO, None empty)."""
    value = cell(value)
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, dt.datetime):
        return value.isoformat(sep=" ", timespec="minutes")
    if isinstance(value, dt.date):
        return value.isoformat()
    return value if isinstance(value, str) else str(value)  # a number stays a number


class _Line:
    """A file-like target for ``csv.writer`` that hands back what was written."""

    def write(self, value: str) -> str:
        return value


def csv_lines(header: Sequence[Any], rows: Iterable[Sequence[Any]]) -> Iterator[str]:
    """The lines of a CSV file (with the byte-order mark first)."""
    writer = csv.writer(_Line())
    yield BOM + writer.writerow([text(h) for h in header])
    for row in rows:
        yield writer.writerow([text(v) for v in row])


def write_csv(out: Any, header: Sequence[Any], rows: Iterable[Sequence[Any]]) -> None:
    """Write a CSV file to the text stream ``out``."""
    for line in csv_lines(header, rows):
        out.write(line)


def csv_response(filename: str, header: Sequence[Any], rows: Iterable[Sequence[Any]]) -> StreamingHttpResponse:
    """A CSV download written while it is sent."""
    response = StreamingHttpResponse(csv_lines(header, rows), content_type=CSV)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def table_response(filename: str, fmt: str, header: Sequence[Any], rows: Iterable[Sequence[Any]]) -> Any:
    """A table as CSV (``fmt`` "csv") or as a one-sheet workbook ("xlsx")."""
    from dgov.lib.xlsx import workbook_response

    if fmt == "xlsx":
        return workbook_response(f"{filename}.xlsx", [Sheet(filename[:31], header, rows)])
    return csv_response(f"{filename}.csv", header, rows)
