"""The whole catalogue as one .xlsx workbook, out and back in.

Three sheets, one header row each; choice columns hold the stored values (``enterprise``,
``shared`` …) and the department its code, so a file exported and imported again changes
nothing:

- ``items``: code, name, kind, department, legal_basis, conditions, legal_limit_days,
  promised_limit_days, max_trips, online_level, fees, fee_basis, keywords; then the
  complete guide's columns (optional on import): handling, window (its number), place,
  hours, enquiry_phone, complaint_phone, result_name, post_available, name_en, keywords_en
- ``materials``: item, name, form, copies, source, legal_basis, required, rongque
- ``procedures``: item, name, counts_toward_limit, max_days

Rows of ``materials`` and ``procedures`` belong to the item whose code is in their
``item`` column, in the order they appear. Import reads everything first and reports
every problem with its sheet and row; only a file without problems is imported. Writing
and reading go through ``dgov.lib.xlsx``: a text that looks like a formula ("=…", "+…")
is written as text and reads back unchanged.
"""

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.http import FileResponse
from django.utils.translation import gettext as _

from dgov.accounts.models import Department, District, ServiceWindow
from dgov.lib import xlsx
from dgov.services.codes import check_implementation_code
from dgov.services.models import (
    GUIDE_DEFAULTS,
    MATERIAL_FIELDS,
    PROCEDURE_FIELDS,
    VERSION_FIELDS,
    Audience,
    Handling,
    Material,
    OnlineLevel,
    ServiceItem,
    Trips,
)

ITEM_COLUMNS = ["code", *VERSION_FIELDS]
# The guide's sections added later (issue 13) are optional on import, so a workbook
# exported before them still imports: an absent column reads as empty.
OPTIONAL_ITEM_COLUMNS = tuple(GUIDE_DEFAULTS) + ("handling",)
REQUIRED_ITEM_COLUMNS = [c for c in ITEM_COLUMNS if c not in OPTIONAL_ITEM_COLUMNS]
MATERIAL_COLUMNS = ["item", *MATERIAL_FIELDS]
PROCEDURE_COLUMNS = ["item", *PROCEDURE_FIELDS]


@dataclass
class ParsedItem:
    code: str
    data: dict[str, Any]
    materials: list[dict[str, Any]] = field(default_factory=list)
    procedures: list[dict[str, Any]] = field(default_factory=list)


def export_catalogue(district: District) -> FileResponse:
    """Every published item of ``district``, its current version, as an .xlsx download."""
    items = list(
        ServiceItem.objects.published()
        .filter(district=district)
        .select_related("current_version__department", "current_version__window")
        .prefetch_related("current_version__materials", "current_version__procedures")
        .order_by("code")
    )

    def item_rows() -> Iterator[list[Any]]:
        for item in items:
            version = item.current_version
            assert version is not None
            row = [item.code] + [getattr(version, column) for column in ITEM_COLUMNS[1:]]
            row[ITEM_COLUMNS.index("department")] = version.department.code
            row[ITEM_COLUMNS.index("window")] = version.window.number if version.window else ""
            yield row

    def rows_of(related: str, columns: list[str]) -> Iterator[list[Any]]:
        for item in items:
            for row in getattr(item.current_version, related).all():
                yield [item.code] + [getattr(row, column) for column in columns[1:]]

    return xlsx.workbook_response(
        f"catalogue-{district.code}.xlsx",
        [
            xlsx.Sheet("items", ITEM_COLUMNS, item_rows()),
            xlsx.Sheet("materials", MATERIAL_COLUMNS, rows_of("materials", MATERIAL_COLUMNS)),
            xlsx.Sheet("procedures", PROCEDURE_COLUMNS, rows_of("procedures", PROCEDURE_COLUMNS)),
        ],
    )


class _Reader:
    """Reads the typed cells of one workbook, collecting every problem with its sheet and
    row instead of stopping at the first."""

    def __init__(self, district: District) -> None:
        self.problems = xlsx.Problems()
        self.departments = {d.code: d for d in Department.objects.filter(district=district)}
        self.windows = {w.number: w for w in ServiceWindow.objects.filter(district=district)}

    def problem(self, sheet: str, row: int, message: str) -> None:
        self.problems.add(row, "", message, sheet=sheet)

    def number(self, sheet: str, row: int, column: str, value: Any, *, low: int = 0, high: int = 1000) -> int:
        text = xlsx.text(value)
        try:
            number = int(text)
            if str(number) != text or not low <= number <= high:
                raise ValueError
        except ValueError:
            self.problem(
                sheet,
                row,
                _("%(column)s must be a whole number from %(low)s to %(high)s, not “%(value)s”.")
                % {"column": column, "low": low, "high": high, "value": text},
            )
            return low
        return number

    def choice(self, sheet: str, row: int, column: str, value: Any, choices: Any) -> str:
        text = xlsx.text(value)
        if text not in choices.values:
            self.problem(
                sheet,
                row,
                _("%(column)s must be one of %(choices)s, not “%(value)s”.")
                % {"column": column, "choices": ", ".join(map(str, choices.values)), "value": text},
            )
        return text

    def flag(self, sheet: str, row: int, column: str, value: Any) -> bool:
        text = xlsx.text(value).lower()
        if text in xlsx.TRUE:
            return True
        if text not in xlsx.FALSE:
            self.problem(
                sheet, row, _("%(column)s must be yes or no, not “%(value)s”.") % {"column": column, "value": text}
            )
        return False


def _rows_of_items(
    content: bytes, sheet: str, columns: list[str], items: dict[str, ParsedItem], reader: _Reader
) -> Iterator[tuple[int, dict[str, Any], ParsedItem]]:
    """The rows of a sheet of ``materials`` or ``procedures``, each with its item."""
    for number, row in xlsx.read_sheet(content, sheet, required=columns):
        parent = items.get(xlsx.text(row["item"]))
        if parent is None:
            reader.problem(sheet, number, _("no item has the code “%(code)s”.") % {"code": xlsx.text(row["item"])})
            continue
        yield number, row, parent


def _guide_columns(reader: _Reader, sheet: str, number: int, row: dict[str, Any]) -> dict[str, Any]:
    """The optional columns of the complete guide; an absent or empty one reads as empty
    (``handling`` then follows the online level)."""
    text = xlsx.text
    values: dict[str, Any] = {
        name: " ".join(text(row.get(name)).split()) if name == "keywords_en" else text(row.get(name))
        for name in ("place", "hours", "enquiry_phone", "complaint_phone", "result_name", "name_en", "keywords_en")
    }
    handling = text(row.get("handling"))
    if handling:
        values["handling"] = reader.choice(sheet, number, "handling", handling, Handling)
    window = text(row.get("window"))
    values["window"] = reader.windows.get(window) if window else None
    if window and values["window"] is None:
        reader.problem(sheet, number, _("no window has the number “%(number)s”.") % {"number": window})
    posted = text(row.get("post_available"))
    values["post_available"] = reader.flag(sheet, number, "post_available", posted) if posted else True
    return values


def parse_catalogue(content: bytes, district: District) -> list[ParsedItem]:
    """Read a workbook; raise ``xlsx.ImportRejected`` listing every problem by sheet and row."""
    reader = _Reader(district)
    known = set(ServiceItem.objects.filter(district=district).values_list("code", flat=True))
    text = xlsx.text
    items: dict[str, ParsedItem] = {}
    sheet = "items"
    for number, row in xlsx.read_sheet(content, sheet, required=REQUIRED_ITEM_COLUMNS):
        code = text(row["code"])
        if not code:
            reader.problem(sheet, number, _("the code is missing."))
            continue
        if code in items:
            reader.problem(sheet, number, _("the code %(code)s is listed twice.") % {"code": code})
            continue
        department = reader.departments.get(text(row["department"]))
        if department is None:
            reader.problem(
                sheet, number, _("no department has the code “%(code)s”.") % {"code": text(row["department"])}
            )
        if code not in known:  # a new item: its code is checked once, when it is created
            try:
                check_implementation_code(code, district=district, department=department)
            except ValidationError as error:
                for message in error.messages:
                    reader.problem(sheet, number, str(message))
        data = {
            "code": code,
            "district": district,
            "name": text(row["name"]),
            "kind": reader.choice(sheet, number, "kind", row["kind"], Audience),
            "department": department,
            "legal_basis": text(row["legal_basis"]),
            "conditions": text(row["conditions"]),
            "legal_limit_days": reader.number(sheet, number, "legal_limit_days", row["legal_limit_days"]),
            "promised_limit_days": reader.number(sheet, number, "promised_limit_days", row["promised_limit_days"]),
            "max_trips": reader.number(sheet, number, "max_trips", row["max_trips"], high=max(Trips.values)),
            "online_level": reader.choice(sheet, number, "online_level", row["online_level"], OnlineLevel),
            "fees": text(row["fees"]),
            "fee_basis": text(row["fee_basis"]),
            "keywords": " ".join(text(row["keywords"]).split()),
            **_guide_columns(reader, sheet, number, row),
        }
        for column in ("name", "legal_basis"):
            if not data[column]:
                reader.problem(sheet, number, _("%(column)s is missing.") % {"column": column})
        items[code] = ParsedItem(code=code, data=data)
    sheet = "materials"
    for number, row, parent in _rows_of_items(content, sheet, MATERIAL_COLUMNS, items, reader):
        parent.materials.append(
            {
                "name": text(row["name"]),
                "form": reader.choice(sheet, number, "form", row["form"], Material.Form),
                "copies": reader.number(sheet, number, "copies", row["copies"], low=1, high=100),
                "source": reader.choice(sheet, number, "source", row["source"], Material.Source),
                "legal_basis": text(row["legal_basis"]),
                "required": reader.flag(sheet, number, "required", row["required"]),
                "rongque": reader.flag(sheet, number, "rongque", row["rongque"]),
            }
        )
    sheet = "procedures"
    for number, row, parent in _rows_of_items(content, sheet, PROCEDURE_COLUMNS, items, reader):
        parent.procedures.append(
            {
                "name": text(row["name"]),
                "counts_toward_limit": reader.flag(sheet, number, "counts_toward_limit", row["counts_toward_limit"]),
                "max_days": reader.number(sheet, number, "max_days", row["max_days"]),
            }
        )
    reader.problems.raise_if_any()
    return list(items.values())
