"""The wording of the documents: placeholders, the elements the law requires, the
platform's default wording, the check made when a district saves its own, and rendering.

A template is plain text, one paragraph per line, with placeholders ``{{name}}``. The
document text is legal text in Chinese whatever the reader's language (like a
certificate's printed text), so the wording, the dates and the derivations of dates are
written in Chinese; only the messages about a template are translated.

Required elements (a template without one is refused when saved):

1. every kind: the applicant, the case (its item or, jointly, its parts), the date and
   the seal, and the issuing department;
2. a refusal (不予受理) and a denial (不予许可): the reasons (行政许可法 Arts. 32, 38) and
   the remedy clause: reconsideration within 60 days to the named body (行政复议法
   Art. 20) and suit within 6 months to the named court (行政诉讼法 Art. 46);
3. the rest what its article makes the document for: the materials to supplement
   (Art. 32), the decision's legal basis and the date of the certificate (Arts. 38, 44),
   the reason and the new date of an extension (Art. 42), the procedure, its expected
   working days and whether they count toward the limit (Art. 45).

Dates computed on the working-day calendar carry their derivation: each one the
template uses is explained after the text (``notes``).
"""

import re
from collections.abc import Mapping
from dataclasses import dataclass

from django.utils import translation
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from dgov.notices.models import Kind
from dgov.workdays.calendar import Due

PLACEHOLDER = re.compile(r"\{\{\s*([a-z_]+)\s*\}\}")
# Anything that looks like a placeholder but is not one (a typo such as "{{ reasons }" ).
_BRACES = re.compile(r"\{\{|\}\}")
SEAL_TEXT = "（印章）"

# Remedies (the clause a refusal or denial must state).
RECONSIDERATION_DAYS = 60  # 行政复议法 (2023) Art. 20
LAWSUIT_MONTHS = 6  # 行政诉讼法 Art. 46

# name → what it stands for (shown beside the template editor).
PLACEHOLDERS: dict[str, Promise] = {
    "applicant": _("the applicant's name"),
    "applicant_code_label": _("the kind of the applicant's code (credit code or ID number)"),
    "applicant_code": _("the applicant's credit code, or ID number masked"),
    "case_number": _("the application number"),
    "item": _("the service item (jointly: every item)"),
    "legal_basis": _("the item's legal basis"),
    "received_on": _("the day the application was received"),
    "issuer": _("the issuing department"),
    "date": _("the date of the document"),
    "seal": _("where the seal goes"),
    "reconsideration_body": _("the body for administrative reconsideration (a district setting)"),
    "reconsideration_days": _("the period for reconsideration: 60 days"),
    "court": _("the court for an administrative suit (a district setting)"),
    "lawsuit_months": _("the period for a suit: 6 months"),
    "accepted_on": _("the day of acceptance"),
    "deemed": _("the sentence on acceptance deemed for want of a supplement notice, or nothing"),
    "legal_days": _("the legal time limit in working days"),
    "legal_due": _("the legal due date, with its derivation"),
    "promised_days": _("the promised time limit in working days"),
    "promised_due": _("the promised due date, with its derivation"),
    "reasons": _("the reasons"),
    "materials": _("every material to supplement and why, numbered"),
    "decided_on": _("the day of the decision"),
    "issue_due": _("the date by which the certificate is issued (Art. 44), with its derivation"),
    "reason": _("the reason for the extension"),
    "extension_days": _("the working days added"),
    "old_due": _("the due date before the extension, with its derivation"),
    "new_due": _("the new due date, with its derivation"),
    "procedure": _("the special procedure"),
    "expected_days": _("the working days it is expected to take"),
    "expected_end": _("the day it is expected to end, with its derivation"),
    "counted": _("whether that time counts toward the time limit"),
    "procedure_notice": _("the written notice the official gave"),
    "parts": _("the items of a joint application with their departments, numbered"),
    "joint_days": _("the joint time limit in working days"),
    "joint_due": _("the joint due date, with its derivation"),
}

# What each kind can say, beyond the placeholders every kind can use.
COMMON = frozenset(
    {
        "applicant",
        "applicant_code_label",
        "applicant_code",
        "case_number",
        "item",
        "legal_basis",
        "received_on",
        "issuer",
        "date",
        "seal",
        "reconsideration_body",
        "reconsideration_days",
        "court",
        "lawsuit_months",
    }
)
AVAILABLE: dict[str, frozenset[str]] = {
    Kind.ACCEPTANCE: frozenset({"accepted_on", "deemed", "legal_days", "legal_due", "promised_days", "promised_due"}),
    Kind.REFUSAL: frozenset({"reasons"}),
    Kind.SUPPLEMENT: frozenset({"materials"}),
    Kind.APPROVAL: frozenset({"accepted_on", "decided_on", "issue_due"}),
    Kind.DENIAL: frozenset({"accepted_on", "decided_on", "reasons"}),
    Kind.EXTENSION: frozenset({"accepted_on", "reason", "extension_days", "old_due", "new_due"}),
    Kind.SPECIAL_PROCEDURE: frozenset(
        {"accepted_on", "procedure", "expected_days", "expected_end", "counted", "procedure_notice"}
    ),
    Kind.JOINT_ACCEPTANCE: frozenset({"accepted_on", "parts", "joint_days", "joint_due"}),
    Kind.JOINT_REFUSAL: frozenset({"parts", "reasons"}),
    Kind.JOINT_EXTENSION: frozenset({"accepted_on", "parts", "reason", "extension_days", "new_due"}),
}

REMEDY = ("reconsideration_body", "reconsideration_days", "court", "lawsuit_months")


@dataclass(frozen=True)
class Element:
    """A required element of a document: its name in messages and the placeholders that
    make it."""

    label: Promise
    placeholders: tuple[str, ...]


APPLICANT = Element(_("the applicant"), ("applicant",))
DATE = Element(_("the date"), ("date",))
SEAL = Element(_("the seal"), ("seal",))
ISSUER = Element(_("the issuing department"), ("issuer",))
ITEM = Element(_("the service item"), ("item",))
PARTS = Element(_("the items and departments of the joint application"), ("parts",))
REASONS = Element(_("the reasons"), ("reasons",))
REMEDY_CLAUSE = Element(
    _(
        "the remedy clause: reconsideration within {{reconsideration_days}} days to {{reconsideration_body}} "
        "and suit within {{lawsuit_months}} months to {{court}}"
    ),
    REMEDY,
)
COMMON_ELEMENTS = (APPLICANT, DATE, SEAL, ISSUER)

REQUIRED: dict[str, tuple[Element, ...]] = {
    Kind.ACCEPTANCE: (
        ITEM,
        Element(_("the day of acceptance"), ("accepted_on",)),
        Element(_("the legal due date"), ("legal_due",)),
    ),
    Kind.REFUSAL: (ITEM, REASONS, REMEDY_CLAUSE),
    Kind.SUPPLEMENT: (ITEM, Element(_("the materials to supplement"), ("materials",))),
    Kind.APPROVAL: (
        ITEM,
        Element(_("the legal basis"), ("legal_basis",)),
        Element(_("the date of the certificate"), ("issue_due",)),
    ),
    Kind.DENIAL: (ITEM, REASONS, REMEDY_CLAUSE),
    Kind.EXTENSION: (
        ITEM,
        Element(_("the reason for the extension"), ("reason",)),
        Element(_("the new due date"), ("new_due",)),
    ),
    Kind.SPECIAL_PROCEDURE: (
        ITEM,
        Element(_("the special procedure"), ("procedure",)),
        Element(_("the expected working days"), ("expected_days",)),
        Element(_("whether the time counts toward the limit"), ("counted",)),
    ),
    Kind.JOINT_ACCEPTANCE: (
        PARTS,
        Element(_("the day of acceptance"), ("accepted_on",)),
        Element(_("the joint due date"), ("joint_due",)),
    ),
    Kind.JOINT_REFUSAL: (PARTS, REASONS, REMEDY_CLAUSE),
    Kind.JOINT_EXTENSION: (
        PARTS,
        Element(_("the reason for the extension"), ("reason",)),
        Element(_("the new due date"), ("new_due",)),
    ),
}

# How a computed date is named in the derivation notes.
DUE_LABELS = {
    "legal_due": "法定办结期限",
    "promised_due": "承诺办结期限",
    "issue_due": "颁发、送达证件期限",
    "old_due": "原办结期限",
    "new_due": "延长后的办结期限",
    "expected_end": "特别程序预计完成日期",
    "joint_due": "联合办理期限",
}

_ADDRESS = "{{applicant}}（{{applicant_code_label}}：{{applicant_code}}）："
_SIGNATURE = "\n\n{{issuer}}{{seal}}\n{{date}}"
_APPLIED = "　　你（单位）于{{received_on}}提出的{{item}}申请（申请编号：{{case_number}}）"
_JOINT_APPLIED = "　　你（单位）于{{received_on}}提出的联合办理申请（申请编号：{{case_number}}），包括下列事项："
_REMEDY_TEXT = (
    "　　如不服本决定，可以自收到本决定书之日起{{reconsideration_days}}日内向{{reconsideration_body}}申请行政复议，"
    "也可以自收到本决定书之日起{{lawsuit_months}}个月内依法向{{court}}提起行政诉讼。"
)

# The platform's wording: version 1 of every district's templates.
DEFAULTS: dict[str, tuple[str, str]] = {
    Kind.ACCEPTANCE: (
        "受理通知书",
        _ADDRESS + "\n" + _APPLIED + "，申请材料齐全、符合法定形式。根据《中华人民共和国行政许可法》"
        "第三十二条第一款第（五）项的规定，本机关决定予以受理，受理日期为{{accepted_on}}。{{deemed}}\n"
        "　　本机关将在{{legal_days}}个工作日内、即{{legal_due}}前作出行政许可决定，并承诺于{{promised_due}}前"
        "（{{promised_days}}个工作日）办结。依法需要听证、检验、检测、检疫、鉴定和专家评审的，所需时间不计算在上述期限内，"
        "本机关将另行书面告知。\n"
        "　　事项依据：{{legal_basis}}" + _SIGNATURE,
    ),
    Kind.REFUSAL: (
        "不予受理决定书",
        _ADDRESS + "\n" + _APPLIED + "，经审查，不予受理的理由如下：{{reasons}}\n"
        "　　根据《中华人民共和国行政许可法》第三十二条第一款的规定，本机关决定不予受理。\n"
        + _REMEDY_TEXT
        + _SIGNATURE,
    ),
    Kind.SUPPLEMENT: (
        "补正材料通知书",
        _ADDRESS + "\n" + _APPLIED + "，申请材料不齐全或者不符合法定形式。根据《中华人民共和国行政许可法》"
        "第三十二条第一款第（四）项的规定，现一次告知你（单位）需要补正的全部内容：\n"
        "{{materials}}\n"
        "　　请补正上述全部材料后提交。补正材料齐全之日为受理之日；本机关不再要求补正本通知未列明的材料。" + _SIGNATURE,
    ),
    Kind.APPROVAL: (
        "准予行政许可决定书",
        _ADDRESS + "\n" + _APPLIED + "，本机关于{{accepted_on}}受理。经审查，申请符合法定条件、标准。"
        "根据《中华人民共和国行政许可法》第三十八条第一款及{{legal_basis}}的规定，本机关决定准予行政许可。\n"
        "　　根据《中华人民共和国行政许可法》第四十四条的规定，本机关将于{{issue_due}}前向你（单位）颁发、送达行政许可证件。"
        + _SIGNATURE,
    ),
    Kind.DENIAL: (
        "不予行政许可决定书",
        _ADDRESS
        + "\n"
        + _APPLIED
        + "，本机关于{{accepted_on}}受理。经审查，申请不符合法定条件、标准，理由如下：{{reasons}}\n"
        "　　根据《中华人民共和国行政许可法》第三十八条第二款及{{legal_basis}}的规定，本机关决定不予行政许可。\n"
        + _REMEDY_TEXT
        + _SIGNATURE,
    ),
    Kind.EXTENSION: (
        "延长办理期限告知书",
        _ADDRESS + "\n" + _APPLIED + "，本机关于{{accepted_on}}受理。因{{reason}}，本机关不能在{{old_due}}前作出决定。"
        "根据《中华人民共和国行政许可法》第四十二条第一款的规定，经本机关负责人批准，办理期限延长{{extension_days}}个工作日，"
        "本机关将于{{new_due}}前作出行政许可决定。" + _SIGNATURE,
    ),
    Kind.SPECIAL_PROCEDURE: (
        "特别程序告知书",
        _ADDRESS + "\n" + _APPLIED + "，本机关于{{accepted_on}}受理。根据《中华人民共和国行政许可法》第四十五条的规定，"
        "本机关需要对该申请进行{{procedure}}，预计需要{{expected_days}}个工作日，预计于{{expected_end}}前完成。{{counted}}\n"
        "　　{{procedure_notice}}" + _SIGNATURE,
    ),
    Kind.JOINT_ACCEPTANCE: (
        "联合受理通知书",
        _ADDRESS + "\n" + _JOINT_APPLIED + "\n{{parts}}\n"
        "　　申请材料齐全、符合法定形式。根据《中华人民共和国行政许可法》第二十六条、第三十二条第一款第（五）项的规定，"
        "本中心决定予以受理，受理日期为{{accepted_on}}，由上述部门联合办理。根据第四十二条第二款的规定，"
        "将在{{joint_days}}个工作日内、即{{joint_due}}前作出决定。" + _SIGNATURE,
    ),
    Kind.JOINT_REFUSAL: (
        "联合不予受理决定书",
        _ADDRESS + "\n" + _JOINT_APPLIED + "\n{{parts}}\n"
        "　　经审查，不予受理的理由如下：{{reasons}}\n"
        "　　根据《中华人民共和国行政许可法》第三十二条第一款的规定，本中心决定对上述事项均不予受理。\n"
        + _REMEDY_TEXT
        + _SIGNATURE,
    ),
    Kind.JOINT_EXTENSION: (
        "联合办理延长期限告知书",
        _ADDRESS + "\n" + _JOINT_APPLIED + "\n{{parts}}\n"
        "　　上述申请于{{accepted_on}}受理。因{{reason}}，根据《中华人民共和国行政许可法》第四十二条第二款的规定，"
        "经本级人民政府负责人批准，联合办理期限延长{{extension_days}}个工作日，将于{{new_due}}前作出决定。"
        + _SIGNATURE,
    ),
}


def placeholders_in(body: str) -> list[str]:
    return PLACEHOLDER.findall(body)


def check(kind: str, title: str, body: str) -> list[str]:
    """Every problem that keeps a template from being saved, as messages."""
    problems: list[str] = []
    if not title.strip():
        problems.append(str(_("The document needs a title.")))
    used = placeholders_in(body)
    allowed = COMMON | AVAILABLE.get(kind, frozenset())
    for name in sorted(set(used) - allowed):
        problems.append(str(_("{{%(name)s}} is not a placeholder this kind of document can use.") % {"name": name}))
    if _BRACES.search(PLACEHOLDER.sub("", body)):
        problems.append(str(_("A placeholder is written wrongly: write it as {{name}}.")))
    for element in (*COMMON_ELEMENTS, *REQUIRED.get(kind, ())):
        if not all(name in used for name in element.placeholders):
            problems.append(str(_("The template lacks a required element: %(element)s.") % {"element": element.label}))
    if used.count("seal") > 1:
        problems.append(str(_("The seal goes in one place only.")))
    return problems


def chinese_date(day: object) -> str:
    import datetime as dt

    assert isinstance(day, dt.date)
    return f"{day.year}年{day.month}月{day.day}日"


def derivation(due: Due) -> str:
    """The steps of a computed date, in Chinese (the document's language)."""
    with translation.override("zh-hans"):
        return "".join(str(step) for step in due.derivation)


@dataclass(frozen=True)
class Rendered:
    text: str
    notes: str
    # The line of ``text`` where the signature block (issuer, seal, date) begins.
    signature_line: int


class MissingValue(ValueError):
    def __init__(self, name: str) -> None:
        super().__init__(name)
        self.name = name


def render(body: str, values: Mapping[str, str], dues: Mapping[str, Due] | None = None) -> Rendered:
    """The document text: each placeholder replaced by its value, a computed date by the
    date (its derivation goes to ``notes``), the seal by ``SEAL_TEXT``. A placeholder
    without a value raises ``MissingValue`` (the document cannot be made)."""
    dues = dues or {}
    used_dues: list[str] = []

    def value(match: re.Match[str]) -> str:
        name = match.group(1)
        if name == "seal":
            return SEAL_TEXT
        if name in dues:
            if name not in used_dues:
                used_dues.append(name)
            return chinese_date(dues[name].date)
        found = values.get(name)
        if found is None:
            raise MissingValue(name)
        return found

    text = PLACEHOLDER.sub(value, body).strip("\n")
    lines = text.split("\n")
    signature = next((n for n, line in enumerate(lines) if SEAL_TEXT in line), len(lines))
    notes = "\n".join(
        f"{n}. {DUE_LABELS.get(name, name)}（{chinese_date(dues[name].date)}）：{derivation(dues[name])}"
        for n, name in enumerate(used_dues, 1)
    )
    return Rendered(text=text, notes=f"期限计算说明：\n{notes}" if notes else "", signature_line=signature)
