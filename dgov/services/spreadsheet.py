"""The whole catalogue as one .xlsx workbook, out and back in.

Three sheets, one header row each; choice columns hold the stored values (``enterprise``,
``shared`` …) and the department its code, so a file exported and imported again changes
nothing:

- ``items``: code, name, kind, department, legal_basis, conditions, legal_limit_days,
  promised_limit_days, max_trips, online_level, fees, fee_basis, keywords
- ``materials``: item, name, form, copies, source, legal_basis, required, rongque
- ``procedures``: item, name, counts_toward_limit, max_days

Rows of ``materials`` and ``procedures`` belong to the item whose code is in their
``item`` column, in the order they appear. Import reads everything first and reports
every problem with its sheet and row; only a file without problems is imported.
"""

import io
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from dgov.accounts.models import Department, District
from dgov.services.codes import check_implementation_code
from dgov.services.models import Audience, Material, OnlineLevel, ServiceItem, Trips

ITEM_COLUMNS = [
    "code",
    "name",
    "kind",
    "department",
    "legal_basis",
    "conditions",
    "legal_limit_days",
    "promised_limit_days",
    "max_trips",
    "online_level",
    "fees",
    "fee_basis",
    "keywords",
]
MATERIAL_COLUMNS = ["item", "name", "form", "copies", "source", "legal_basis", "required", "rongque"]
PROCEDURE_COLUMNS = ["item", "name", "counts_toward_limit", "max_days"]
MAX_ROWS = 20_000
MAX_FILE_BYTES = 10_000_000
TRUE, FALSE = {"1", "true", "yes", "y", "是", "x"}, {"0", "false", "no", "n", "否", ""}


class CatalogueFileError(Exception):
    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems


@dataclass
class ParsedItem:
    code: str
    data: dict[str, Any]
    materials: list[dict[str, Any]] = field(default_factory=list)
    procedures: list[dict[str, Any]] = field(default_factory=list)


def export_catalogue(district: District) -> bytes:
    """Every published item of ``district``, its current version, as .xlsx bytes."""
    from openpyxl import Workbook

    items = list(
        ServiceItem.objects.published()
        .filter(district=district)
        .select_related("current_version__department")
        .prefetch_related("current_version__materials", "current_version__procedures")
        .order_by("code")
    )
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "items"
    sheet.append(ITEM_COLUMNS)
    materials = book.create_sheet("materials")
    materials.append(MATERIAL_COLUMNS)
    procedures = book.create_sheet("procedures")
    procedures.append(PROCEDURE_COLUMNS)
    for item in items:
        version = item.current_version
        assert version is not None
        row = [item.code] + [getattr(version, column) for column in ITEM_COLUMNS[1:]]
        row[ITEM_COLUMNS.index("department")] = version.department.code
        sheet.append([str(v) if isinstance(v, str) else v for v in row])
        for m in version.materials.all():
            materials.append([item.code] + [_cell(getattr(m, column)) for column in MATERIAL_COLUMNS[1:]])
        for p in version.procedures.all():
            procedures.append([item.code] + [_cell(getattr(p, column)) for column in PROCEDURE_COLUMNS[1:]])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _cell(value: Any) -> Any:
    return str(value) if isinstance(value, str) else value


class _Reader:
    """Collects every problem of a file instead of stopping at the first."""

    def __init__(self, district: District) -> None:
        self.problems: list[str] = []
        self.departments = {d.code: d for d in Department.objects.filter(district=district)}

    def problem(self, sheet: str, row: int, message: str) -> None:
        self.problems.append(
            _("Sheet %(sheet)s, row %(row)s: %(message)s") % {"sheet": sheet, "row": row, "message": message}
        )

    def text(self, value: Any) -> str:
        return "" if value is None else str(value).strip()

    def number(self, sheet: str, row: int, column: str, value: Any, *, low: int = 0, high: int = 1000) -> int:
        try:
            number = int(str(value).strip())
            if str(number) != str(value).strip().removesuffix(".0") or not low <= number <= high:
                raise ValueError
        except ValueError:
            self.problem(
                sheet,
                row,
                _("%(column)s must be a whole number from %(low)s to %(high)s, not “%(value)s”.")
                % {"column": column, "low": low, "high": high, "value": self.text(value)},
            )
            return low
        return number

    def choice(self, sheet: str, row: int, column: str, value: Any, choices: Any) -> str:
        text = self.text(value)
        if text not in choices.values:
            self.problem(
                sheet,
                row,
                _("%(column)s must be one of %(choices)s, not “%(value)s”.")
                % {"column": column, "choices": ", ".join(map(str, choices.values)), "value": text},
            )
        return text

    def flag(self, sheet: str, row: int, column: str, value: Any) -> bool:
        text = self.text(value).lower()
        if text in TRUE:
            return True
        if text not in FALSE:
            self.problem(
                sheet, row, _("%(column)s must be yes or no, not “%(value)s”.") % {"column": column, "value": text}
            )
        return False


def _rows(book: Any, name: str, columns: list[str], reader: _Reader) -> list[tuple[int, dict[str, Any]]]:
    if name not in book.sheetnames:
        reader.problems.append(_("The workbook has no sheet named “%(name)s”.") % {"name": name})
        return []
    rows = book[name].iter_rows(values_only=True)
    header = [reader.text(v) for v in next(rows, ())]
    missing = [c for c in columns if c not in header]
    if missing:
        reader.problems.append(
            _("Sheet %(sheet)s lacks the columns %(columns)s.") % {"sheet": name, "columns": ", ".join(missing)}
        )
        return []
    result = []
    for number, values in enumerate(rows, start=2):
        if number > MAX_ROWS:
            reader.problems.append(_("Sheet %(sheet)s has too many rows.") % {"sheet": name})
            break
        row = dict(zip(header, values, strict=False))
        if all(reader.text(row.get(c)) == "" for c in columns):
            continue  # blank line
        result.append((number, row))
    return result


def parse_catalogue(content: bytes, district: District) -> list[ParsedItem]:
    """Read a workbook; raise ``CatalogueFileError`` listing every problem."""
    from openpyxl import load_workbook

    try:
        book = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception:  # openpyxl raises many kinds on a file that is not .xlsx
        raise CatalogueFileError([_("The file is not an .xlsx workbook.")]) from None
    reader = _Reader(district)
    known = set(ServiceItem.objects.filter(district=district).values_list("code", flat=True))
    items: dict[str, ParsedItem] = {}
    for number, row in _rows(book, "items", ITEM_COLUMNS, reader):
        sheet = "items"
        code = reader.text(row["code"])
        if not code:
            reader.problem(sheet, number, _("the code is missing."))
            continue
        if code in items:
            reader.problem(sheet, number, _("the code %(code)s is listed twice.") % {"code": code})
            continue
        department = reader.departments.get(reader.text(row["department"]))
        if department is None:
            reader.problem(
                sheet, number, _("no department has the code “%(code)s”.") % {"code": reader.text(row["department"])}
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
            "name": reader.text(row["name"]),
            "kind": reader.choice(sheet, number, "kind", row["kind"], Audience),
            "department": department,
            "legal_basis": reader.text(row["legal_basis"]),
            "conditions": reader.text(row["conditions"]),
            "legal_limit_days": reader.number(sheet, number, "legal_limit_days", row["legal_limit_days"]),
            "promised_limit_days": reader.number(sheet, number, "promised_limit_days", row["promised_limit_days"]),
            "max_trips": reader.number(sheet, number, "max_trips", row["max_trips"], high=max(Trips.values)),
            "online_level": reader.choice(sheet, number, "online_level", row["online_level"], OnlineLevel),
            "fees": reader.text(row["fees"]),
            "fee_basis": reader.text(row["fee_basis"]),
            "keywords": " ".join(reader.text(row["keywords"]).split()),
        }
        for column in ("name", "legal_basis"):
            if not data[column]:
                reader.problem(sheet, number, _("%(column)s is missing.") % {"column": column})
        items[code] = ParsedItem(code=code, data=data)
    for number, row in _rows(book, "materials", MATERIAL_COLUMNS, reader):
        sheet = "materials"
        parent = items.get(reader.text(row["item"]))
        if parent is None:
            reader.problem(sheet, number, _("no item has the code “%(code)s”.") % {"code": reader.text(row["item"])})
            continue
        parent.materials.append(
            {
                "name": reader.text(row["name"]),
                "form": reader.choice(sheet, number, "form", row["form"], Material.Form),
                "copies": reader.number(sheet, number, "copies", row["copies"], low=1, high=100),
                "source": reader.choice(sheet, number, "source", row["source"], Material.Source),
                "legal_basis": reader.text(row["legal_basis"]),
                "required": reader.flag(sheet, number, "required", row["required"]),
                "rongque": reader.flag(sheet, number, "rongque", row["rongque"]),
            }
        )
    for number, row in _rows(book, "procedures", PROCEDURE_COLUMNS, reader):
        sheet = "procedures"
        parent = items.get(reader.text(row["item"]))
        if parent is None:
            reader.problem(sheet, number, _("no item has the code “%(code)s”.") % {"code": reader.text(row["item"])})
            continue
        parent.procedures.append(
            {
                "name": reader.text(row["name"]),
                "counts_toward_limit": reader.flag(sheet, number, "counts_toward_limit", row["counts_toward_limit"]),
                "max_days": reader.number(sheet, number, "max_days", row["max_days"]),
            }
        )
    if reader.problems:
        raise CatalogueFileError(reader.problems)
    return list(items.values())
