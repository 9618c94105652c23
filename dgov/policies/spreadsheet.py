"""The policy library as .xlsx, in and out.

Import: one sheet ``policies`` whose header row holds the columns of ``COLUMNS`` (the
required ones first). ``department`` is the granting department's code, ``service_item``
the code of the service item to apply for; ``conditions`` is written as on the policy
form, one condition per line or separated by ";" (``employees >= 20; industry in C37``).
Every problem is reported with its row and column; only a file without problems is
imported, all at once (``dgov.lib.xlsx``).
"""

import datetime as dt
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from dgov.accounts.models import Department, District
from dgov.lib.xlsx import FALSE, TRUE, Problems, Sheet, read_sheet, text
from dgov.policies.conditions import Condition
from dgov.policies.facts import ENTERPRISE_FACTS
from dgov.policies.models import BenefitKind, Mode, Period, Policy
from dgov.services.models import ServiceItem

REQUIRED = ["title", "issuer", "department", "valid_from", "valid_to", "mode", "benefit_kind"]
COLUMNS = [
    *REQUIRED,
    "document_number",
    "is_example",
    "summary",
    "full_text",
    "conditions",
    "service_item",
    "benefit_amount",
    "benefit_rate",
    "benefit_fact",
    "benefit_cap",
    "period",
    "budget",
    "quota",
]
DECIMALS = ("benefit_amount", "benefit_rate", "benefit_cap", "budget")
SHEET = "policies"
MAX_ROWS = 2_000


def _date(value: Any) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(text(value))
    except ValueError:
        raise ValueError(_("“%(value)s” is not a date (YYYY-MM-DD).") % {"value": text(value)}) from None


def _choice(value: Any, choices: Any) -> str:
    found = text(value)
    if found not in choices.values:
        raise ValueError(
            _("“%(value)s” is not one of %(known)s.") % {"value": found, "known": ", ".join(choices.values)}
        )
    return found


def read_policies(content: bytes, district: District) -> list[tuple[dict[str, Any], list[Condition]]]:
    """Every row as (fields, conditions); ``ImportRejected`` with the row-numbered report
    when any row is wrong."""
    from dgov.policies.actions import check_policy

    departments = {d.code: d for d in Department.objects.filter(district=district)}
    items = {i.code: i for i in ServiceItem.objects.filter(district=district)}
    problems = Problems()
    rows = []
    for number, row in read_sheet(content, SHEET, required=REQUIRED, known=COLUMNS, max_rows=MAX_ROWS):
        data: dict[str, Any] = {}
        before = len(problems.found)

        def take(
            column: str, convert: Any, row: dict[str, Any] = row, data: dict[str, Any] = data, number: int = number
        ) -> None:
            try:
                data[column] = convert(row.get(column))
            except ValueError as error:
                problems.add(number, column, error)

        for column in ("title", "issuer"):
            value = text(row.get(column))
            if not value:
                problems.add(number, column, _("This column is required."))
            elif len(value) > 200:
                problems.add(number, column, _("At most 200 characters."))
            data[column] = value
        data["document_number"] = text(row.get("document_number"))[:100]
        data["summary"] = text(row.get("summary"))[:500]
        data["full_text"] = text(row.get("full_text"))
        flag = text(row.get("is_example")).lower()
        if flag not in TRUE | FALSE:
            problems.add(number, "is_example", _("Write yes or no."))
        data["is_example"] = flag in TRUE
        code = text(row.get("department"))
        if code not in departments:
            problems.add(
                number, "department", _("No department of the district has the code “%(code)s”.") % {"code": code}
            )
        data["department"] = departments.get(code)
        take("valid_from", _date)
        take("valid_to", _date)
        take("mode", lambda v: _choice(v, Mode))
        take("benefit_kind", lambda v: _choice(v, BenefitKind))
        take("period", lambda v: _choice(v or Period.ONCE, Period))
        item_code = text(row.get("service_item"))
        data["service_item"] = None
        if item_code:
            if item_code not in items:
                problems.add(
                    number, "service_item", _("No service item has the code “%(code)s”.") % {"code": item_code}
                )
            data["service_item"] = items.get(item_code)
        for column in DECIMALS:
            value = text(row.get(column))
            try:
                data[column] = Decimal(value) if value else None
            except InvalidOperation:
                problems.add(number, column, _("“%(value)s” is not a number.") % {"value": value})
        quota = text(row.get("quota"))
        if quota and not quota.isdigit():
            problems.add(number, "quota", _("A whole number of enterprises."))
        data["quota"] = int(quota) if quota.isdigit() else None
        data["benefit_fact"] = text(row.get("benefit_fact"))
        conditions: list[Condition] = []
        try:
            conditions = ENTERPRISE_FACTS.parse_text(text(row.get("conditions")))
        except ValidationError as error:
            for message in error.messages:
                problems.add(number, "conditions", message)
        if len(problems.found) == before:
            for message in check_policy(data, district.pk):
                problems.add(number, "", message)
        rows.append((data, conditions))
    if not rows and not problems:
        problems.add(None, "", _("The sheet has no policies."))
    problems.raise_if_any()
    return rows


def library_sheet(policies: Any) -> Sheet:
    """The library in the import's own columns: an export can be edited and imported."""

    def row(p: Policy) -> list[Any]:
        return [
            p.title,
            p.issuer,
            p.department.code,
            p.valid_from,
            p.valid_to,
            p.mode,
            p.benefit_kind,
            p.document_number,
            "yes" if p.is_example else "no",
            p.summary,
            p.full_text,
            p.conditions_text.replace("\n", "; "),
            p.service_item.code if p.service_item else "",
            p.benefit_amount,
            p.benefit_rate,
            p.benefit_fact,
            p.benefit_cap,
            p.period,
            p.budget,
            p.quota,
        ]

    return Sheet(SHEET, COLUMNS, (row(p) for p in policies.select_related("department", "service_item")))
