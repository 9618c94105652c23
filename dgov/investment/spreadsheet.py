"""Leads and projects as .xlsx, back in (every list's export is written by
``dgov.lib.xlsx``, as every workbook of the platform).

Import: one sheet ``projects`` with a header row holding the columns of ``COLUMNS``
(``name`` and ``investor`` required, the rest may be empty). A stage is given by its
code or its Chinese name and must come before signing (signing needs the admission
gates, which a file cannot pass). ``industry`` is the code of the orientation list,
``office`` the resident office's name. Every problem is reported with its row and
column (``dgov.lib.xlsx.ImportRejected``); only a file without problems is imported, all
at once.
"""

import re
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from dgov.investment.models import BEFORE_SIGNING, Industry, Project, ResidentOffice, Source, Stage
from dgov.lib.idnumbers import credit_code_validator
from dgov.lib.xlsx import FALSE, TRUE, Problems, read_sheet

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


def _text(value: Any) -> str:
    return "" if value is None else str(value).strip()


def parse_projects(content: bytes, district: Any) -> list[dict[str, Any]]:
    """Read a workbook into rows ready for ``do_import_projects``; raise
    ``ImportRejected`` listing every problem."""
    problems = Problems()
    industries = {i.code: i for i in Industry.objects.filter(district=district)}
    offices = {o.name: o for o in ResidentOffice.objects.filter(district=district)}
    parsed: list[dict[str, Any]] = []
    seen: dict[str, int] = {}
    existing = set(Project.objects.filter(district=district).values_list("name", flat=True))

    def problem(number: int, column: str, message: str) -> None:
        problems.add(number, column, message)

    rows = read_sheet(content, "projects", required=["name", "investor"], known=COLUMNS, max_rows=MAX_ROWS)
    for number, row in rows:
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
        problems.add(None, "", _("The sheet has no rows."))
    problems.raise_if_any()
    return parsed
