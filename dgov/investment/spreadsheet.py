"""Leads and projects as .xlsx, out and back in; every list's export.

Import: one sheet ``projects`` with a header row holding the columns of ``COLUMNS``
(``name`` and ``investor`` required, the rest may be empty). A stage is given by its
code or its Chinese name and must come before signing (signing needs the admission
gates, which a file cannot pass). ``industry`` is the code of the orientation list,
``office`` the resident office's name. Every problem is reported with its row and
column; only a file without problems is imported, all at once.
"""

import io
import re
from collections.abc import Iterable, Sequence
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils.translation import gettext as _

from dgov.investment.models import BEFORE_SIGNING, Industry, ResidentOffice, Source, Stage

COLUMNS = [
    "name",
    "investor",
    "investor_credit_code",
    "stage",
    "industry",
    "office",
    "source",
    "is_key",
    "agreed_amount",
    "paid_in",
    "fixed_asset_investment",
    "jobs",
    "expected_output",
    "expected_tax",
    "land_mu",
    "floor_space",
    "energy_tce",
    "electricity_kwh",
]
DECIMALS = [
    "agreed_amount",
    "paid_in",
    "fixed_asset_investment",
    "expected_output",
    "expected_tax",
    "land_mu",
    "floor_space",
    "energy_tce",
    "electricity_kwh",
]
STAGE_NAMES = {"线索": Stage.LEAD, "洽谈": Stage.TALKS, "意向性协议": Stage.LETTER_OF_INTENT}
MAX_ROWS = 10_000
TRUE, FALSE = {"1", "true", "yes", "y", "是", "x"}, {"0", "false", "no", "n", "否", ""}
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class ImportFileError(Exception):
    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems


def workbook(title: str, header: Sequence[Any], rows: Iterable[Sequence[Any]]) -> bytes:
    """One sheet with a header row: the export of any list."""
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet(title)
    sheet.append([str(h) for h in header])
    for row in rows:
        sheet.append([_cell(v) for v in row])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_text(value: Any) -> str:
    """Text for a cell that a spreadsheet will never run as a formula (openpyxl stores a
    string starting with "=" as one; Excel also reads "+", "-", "@")."""
    text = str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def _cell(value: Any) -> Any:
    if value is None or isinstance(value, int | float | Decimal | bool):
        return value
    return safe_text(value)


def _text(value: Any) -> str:
    return "" if value is None else str(value).strip()


def parse_projects(content: bytes, district: Any) -> list[dict[str, Any]]:
    """Read a workbook into rows ready for ``do_import_projects``; raise
    ``ImportFileError`` listing every problem."""
    from openpyxl import load_workbook

    try:
        book = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception:  # openpyxl raises many kinds on a file that is not .xlsx
        raise ImportFileError([_("The file is not an .xlsx workbook.")]) from None
    if "projects" not in book.sheetnames:
        raise ImportFileError([_("The workbook has no sheet named “%(name)s”.") % {"name": "projects"}])
    rows = book["projects"].iter_rows(values_only=True)
    header = [_text(v) for v in next(rows, ())]
    missing = [c for c in ("name", "investor") if c not in header]
    if missing:
        raise ImportFileError([_("The sheet lacks the columns %(columns)s.") % {"columns": ", ".join(missing)}])
    unknown = [c for c in header if c and c not in COLUMNS]
    problems: list[str] = []
    if unknown:
        problems.append(_("Unknown columns: %(columns)s.") % {"columns": ", ".join(unknown)})
    industries = {i.code: i for i in Industry.objects.filter(district=district)}
    offices = {o.name: o for o in ResidentOffice.objects.filter(district=district)}
    parsed: list[dict[str, Any]] = []
    seen: dict[str, int] = {}
    from dgov.investment.models import Project

    existing = set(Project.objects.filter(district=district).values_list("name", flat=True))

    def problem(number: int, column: str, message: str) -> None:
        problems.append(
            _("Row %(row)s, column %(column)s: %(message)s") % {"row": number, "column": column, "message": message}
        )

    for number, values in enumerate(rows, start=2):
        if number > MAX_ROWS + 1:
            problems.append(_("The sheet has more than %(n)s rows.") % {"n": MAX_ROWS})
            break
        row = dict(zip(header, values, strict=False))
        if all(_text(v) == "" for v in values):
            continue
        data: dict[str, Any] = {}
        for column in ("name", "investor"):
            data[column] = _text(row.get(column))
            if not data[column]:
                problem(number, column, _("this column is required."))
            elif len(data[column]) > 200:
                problem(number, column, _("at most 200 characters."))
        key = data["name"]
        if key and key in seen:
            problem(number, "name", _("the same project is on row %(row)s.") % {"row": seen[key]})
        elif key in existing:
            problem(number, "name", _("a project with this name is already in the pipeline."))
        seen.setdefault(key, number)
        code = _text(row.get("investor_credit_code")).upper()
        if code:
            from django.core.exceptions import ValidationError

            from dgov.lib.idnumbers import credit_code_validator

            try:
                credit_code_validator(code)
            except ValidationError:
                problem(number, "investor_credit_code", _("“%(value)s” is not a valid credit code.") % {"value": code})
        data["investor_credit_code"] = code
        stage_text = _text(row.get("stage")) or Stage.LEAD.value
        stage = STAGE_NAMES.get(stage_text) or (Stage(stage_text) if stage_text in Stage.values else None)
        if stage is None or stage not in BEFORE_SIGNING:
            problem(
                number,
                "stage",
                _("must be one of %(choices)s, not “%(value)s”.")
                % {"choices": "lead, talks, intent, 线索, 洽谈, 意向性协议", "value": stage_text},
            )
        data["stage"] = stage or Stage.LEAD
        industry_code = _text(row.get("industry"))
        data["industry"] = industries.get(industry_code) if industry_code else None
        if industry_code and data["industry"] is None:
            problem(number, "industry", _("no industry has the code “%(value)s”.") % {"value": industry_code})
        office_name = _text(row.get("office"))
        data["office"] = offices.get(office_name) if office_name else None
        if office_name and data["office"] is None:
            problem(number, "office", _("no resident office is named “%(value)s”.") % {"value": office_name})
        source = _text(row.get("source")) or Source.OTHER.value
        if source not in Source.values:
            problem(
                number,
                "source",
                _("must be one of %(choices)s, not “%(value)s”.")
                % {"choices": ", ".join(Source.values), "value": source},
            )
        data["source"] = source if source in Source.values else Source.OTHER
        flag = _text(row.get("is_key")).lower()
        if flag not in TRUE | FALSE:
            problem(number, "is_key", _("must be yes or no, not “%(value)s”.") % {"value": flag})
        data["is_key"] = flag in TRUE
        for column in DECIMALS:
            text = _text(row.get(column)) or "0"
            field: Any = Project._meta.get_field(column)
            # The column's own bound (max_digits), so the database never overflows.
            bound = Decimal(10) ** (field.max_digits - field.decimal_places)
            try:
                value = Decimal(text)
                if not value.is_finite() or value < 0:
                    raise InvalidOperation
            except InvalidOperation:
                problem(number, column, _("must be a number, 0 or more, not “%(value)s”.") % {"value": text})
                value = Decimal(0)
            if value >= bound:
                problem(
                    number, column, _("must be less than %(bound)s, not “%(value)s”.") % {"bound": bound, "value": text}
                )
                value = Decimal(0)
            data[column] = value.quantize(Decimal("0.01"))
        jobs = _text(row.get("jobs")) or "0"
        if not re.fullmatch(r"\d{1,9}", jobs.removesuffix(".0"), flags=re.ASCII):
            problem(number, "jobs", _("must be a whole number, not “%(value)s”.") % {"value": jobs})
            jobs = "0"
        data["jobs"] = int(jobs.removesuffix(".0"))
        parsed.append(data)
    if not parsed and not problems:
        problems.append(_("The sheet has no rows."))
    if problems:
        raise ImportFileError(problems)
    return parsed
