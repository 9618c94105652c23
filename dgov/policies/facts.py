"""The enterprise facts (企业画像) policies and bank products may name, and where each comes from.

Units: money in 万元. Industry codes are GB/T 4754-2017 (a section letter, then 2–4 digits:
``C`` manufacturing, ``C37`` railway, ship, aerospace and other transport equipment,
``C3720`` a class); a condition names a prefix. Region codes are GB/T 2260; the
registered region is read from the unified social credit code (its 3rd–8th characters,
GB 32100). Size classes follow 统计上大中小微型企业划分办法（2017）.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from dgov.policies.conditions import CHOICE, CODE, FLAG, INTEGER, NUMBER, SET, YEARS, Fact, FactSet


class SizeClass(models.TextChoices):
    LARGE = "large", _("Large")
    MEDIUM = "medium", _("Medium")
    SMALL = "small", _("Small")
    MICRO = "micro", _("Micro")


class Source(models.TextChoices):
    """Where a fact came from (shown beside it; a confirmed fact is the enterprise's word)."""

    REGISTRATION = "registration", _("Market registration data")
    TAX = "tax", _("Tax data shared by the tax bureau")
    PROJECTS = "projects", _("Investment projects on the platform")
    CERTIFICATES = "certificates", _("Certificates issued on the platform")
    SECRETARIES = "secretaries", _("Project secretaries' records")
    CONFIRMED = "confirmed", _("Confirmed by the enterprise")
    STAFF = "staff", _("Entered by staff")


# Certificates (资质) often named in policies; the platform's own certificate type codes
# count as well (lower-cased).
KNOWN_CERTIFICATES = {
    "high_tech": _("High and new technology enterprise (高新技术企业)"),
    "tech_sme": _("Technology-based SME (科技型中小企业)"),
    "specialised": _("Specialised and sophisticated SME (专精特新中小企业)"),
    "little_giant": _("“Little giant” (专精特新“小巨人”)"),
    "tech_centre": _("Enterprise technology centre (企业技术中心)"),
    "gazelle": _("Gazelle enterprise (瞪羚企业)"),
}

ENTERPRISE_FACTS = FactSet(
    [
        Fact(
            "industry",
            _("Industry (GB/T 4754)"),
            CODE,
            "industry_code",
            code_pattern=r"[A-T](\d{2}|\d{3}|\d{4})?",
            help=_("A section letter and up to four digits, e.g. C37"),
        ),
        Fact("size", _("Size class"), CHOICE, "size_class", choices=tuple(SizeClass.choices)),
        Fact(
            "region",
            _("Registered region (GB/T 2260)"),
            CODE,
            "registered_region",
            code_pattern=r"\d{2}|\d{4}|\d{6}",
            help=_("2, 4 or 6 digits, e.g. 2201 for Changchun"),
        ),
        Fact("years_in_operation", _("Years in operation"), YEARS, "founded_on", unit=_(" years")),
        Fact("paid_in_capital", _("Paid-in capital"), NUMBER, "paid_in_capital", unit="万"),
        Fact("revenue", _("Revenue last year"), NUMBER, "revenue", unit="万"),
        Fact("tax_paid", _("Tax paid last year"), NUMBER, "tax_paid", unit="万"),
        Fact("employees", _("Employees"), INTEGER, "employees"),
        Fact("rd_spend", _("R&D spend last year"), NUMBER, "rd_spend", unit="万"),
        Fact("rd_intensity", _("R&D spend as a share of revenue"), NUMBER, "rd_intensity", unit="%"),
        Fact("certificates", _("Certificates held"), SET, "certificates"),
        Fact("key_project", _("Investor of a key project"), FLAG, "key_project"),
        Fact(
            "project_investment", _("Fixed-asset investment of its projects"), NUMBER, "project_investment", unit="万"
        ),
    ]
)

# The facts an enterprise may confirm itself (the rest come from the platform's records).
CONFIRMABLE = (
    "industry",
    "size",
    "years_in_operation",
    "paid_in_capital",
    "revenue",
    "tax_paid",
    "employees",
    "rd_spend",
    "certificates",
)
