"""What an act writes: its document, rendered and unsaved, for the act to insert in its own
transaction (after a transition's one statement, ``dgov.applications.actions._move``'s
``rows``; elsewhere ``save``). If the document cannot be made the act raises before it
writes anything, so no refusal is ever recorded without its decision document.

The act's side is kept cheap (the transition path is measured, ``bench/lifecycle.py``):
the district's current templates, settings and department names are read once and kept
in Django's cache for ``DGOV_NOTICE_CACHE_SECONDS`` (default 60; saving a template or the
settings clears them at once in the saving process, and on commit), so an act renders
its text from memory and adds one INSERT (the ORM's) to its transaction. Numbering, the
PDF and the seals are the seal service's (``sealing``), later.

A bundle act (N证联办) writes one joint document for the whole bundle; while it drives its
parts (``covered_by_joint``) the parts' own acts write none.
"""

import contextlib
import datetime as dt
from collections.abc import Iterator, Sequence
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import OuterRef, Subquery
from django.utils.translation import gettext as _

from dgov.lib import clock, fastsql
from dgov.lib.personal import mask_id_number
from dgov.notices import templating
from dgov.notices.models import Kind, Notice, NoticeSettings, NoticeTemplate
from dgov.notices.templating import MissingValue, chinese_date
from dgov.workdays.calendar import Due, add_working_days

# 行政许可法 Art. 44: certificates are issued within 10 (working, Art. 82) days of the decision.
ISSUE_LIMIT_DAYS = 10
DEEMED = "（本机关未在收到申请材料之日起五个工作日内一次告知需要补正的全部内容，自收到申请材料之日起即为受理。）"
COUNTED = {False: "所需时间不计算在行政许可期限内。", True: "所需时间计算在行政许可期限内。"}

_joint: ContextVar[bool] = ContextVar("notices_joint", default=False)


@contextlib.contextmanager
def covered_by_joint() -> Iterator[None]:
    """While a bundle act drives its parts, the parts' acts write no document of their
    own: the bundle's joint document covers them."""
    token = _joint.set(True)
    try:
        yield
    finally:
        _joint.reset(token)


# The district's wording, cached ----------------------------------------------------------


@dataclass(frozen=True)
class Wording:
    """What an act needs to render a district's documents."""

    templates: dict[str, tuple[int, str, str]]  # kind → (template id, title, body)
    reconsideration_body: str
    court: str
    departments: dict[int, str]  # id → name
    service_centre_id: int | None


def _key(district_id: int) -> str:
    return f"notices:wording:{district_id}"


def invalidate(district_id: int) -> None:
    """Forget a district's wording now and again when the transaction commits."""
    cache.delete(_key(district_id))
    transaction.on_commit(lambda: cache.delete(_key(district_id)))


def wording(district_id: int) -> Wording:
    found = cache.get(_key(district_id))
    if found is None:
        found, complete = _load(district_id)
        # Rows made just now are not committed yet: read them again next time.
        if complete:
            cache.set(_key(district_id), found, settings.DGOV_NOTICE_CACHE_SECONDS)
    return found


def current_templates(district_id: int) -> dict[str, NoticeTemplate]:
    newest = NoticeTemplate.objects.filter(district_id=OuterRef("district_id"), kind=OuterRef("kind")).order_by(
        "-version"
    )
    rows = NoticeTemplate.objects.filter(district_id=district_id, version=Subquery(newest.values("version")[:1]))
    return {row.kind: row for row in rows}


def district_settings(district_id: int) -> tuple[NoticeSettings, bool]:
    """The district's settings, made with its defaults on first use: reconsideration by
    the district's people's government (行政复议法 Art. 24), suit at the district's
    people's court. Returns (settings, created)."""
    from dgov.accounts.models import District

    found = NoticeSettings.objects.filter(district_id=district_id).first()
    if found is not None:
        return found, False
    district = District.objects.select_related("city").get(pk=district_id)
    place = f"{district.city.name}{district.name}"
    try:
        with transaction.atomic():
            return NoticeSettings.objects.create(
                district=district, reconsideration_body=f"{place}人民政府", court=f"{place}人民法院"
            ), True
    except IntegrityError:  # made by another act at the same moment
        return NoticeSettings.objects.get(district_id=district_id), False


def ensure_templates(district_id: int) -> tuple[dict[str, NoticeTemplate], bool]:
    """The current templates, version 1 of each kind made from the platform's wording
    where the district has none yet. Returns (templates, whether any was made)."""
    templates = current_templates(district_id)
    made = False
    for kind in Kind:
        if kind in templates:
            continue
        title, body = templating.DEFAULTS[kind]
        try:
            with transaction.atomic():
                templates[kind] = NoticeTemplate.objects.create(
                    district_id=district_id, kind=kind, version=1, title=title, body=body
                )
        except IntegrityError:  # made by another act at the same moment
            templates[kind] = current_templates(district_id)[kind]
        made = True
    return templates, made


def _load(district_id: int) -> tuple[Wording, bool]:
    from dgov.accounts.models import Department

    templates, made = ensure_templates(district_id)
    notice_settings, created = district_settings(district_id)
    departments = Department.objects.filter(district_id=district_id).values_list("pk", "name", "kind")
    centre = next((pk for pk, _name, kind in departments if kind == Department.Kind.SERVICE_CENTRE), None)
    found = Wording(
        templates={kind: (t.pk, t.title, t.body) for kind, t in templates.items()},
        reconsideration_body=notice_settings.reconsideration_body,
        court=notice_settings.court,
        departments={pk: name for pk, name, _kind in departments},
        service_centre_id=centre,
    )
    return found, not (made or created)


def _department_name(found: Wording, department_id: int) -> str:
    name = found.departments.get(department_id)
    if name is None:  # a department newer than the cached wording
        from dgov.accounts.models import Department

        name = Department.objects.values_list("name", flat=True).get(pk=department_id)
    return name


# Values ---------------------------------------------------------------------------------


def applicant_code(applicant: Any) -> tuple[str, str]:
    """How the applicant's code is printed: a credit code in full, an ID number masked."""
    if applicant.credit_code:
        return "统一社会信用代码", applicant.credit_code
    if applicant.id_number:
        return "公民身份号码", mask_id_number(applicant.id_number)
    return "证件号码", "—"


def _case_values(case: Any, found: Wording, department_id: int) -> dict[str, str]:
    label, code = applicant_code(case.applicant)
    return {
        "applicant": case.applicant.name,
        "applicant_code_label": label,
        "applicant_code": code,
        "case_number": case.number,
        "received_on": chinese_date(case.received_on),
        "issuer": _department_name(found, department_id),
        "reconsideration_body": found.reconsideration_body,
        "reconsideration_days": str(templating.RECONSIDERATION_DAYS),
        "court": found.court,
        "lawsuit_months": str(templating.LAWSUIT_MONTHS),
    }


def _application_values(application: Any, found: Wording) -> dict[str, str]:
    version = application.item_version
    values = _case_values(application, found, application.department_id)
    values["item"] = version.name
    values["legal_basis"] = version.legal_basis
    if application.accepted_on is not None:
        values["accepted_on"] = chinese_date(application.accepted_on)
    return values


def _parts_values(bundle_application: Any, parts: Sequence[Any], found: Wording) -> dict[str, str]:
    applications = [part.application for part in parts]
    values = _case_values(bundle_application, found, found.service_centre_id or applications[0].department_id)
    values["item"] = "、".join(a.item_version.name for a in applications)
    values["legal_basis"] = "；".join(dict.fromkeys(a.item_version.legal_basis for a in applications))
    values["parts"] = "\n".join(
        f"　　{n}. {a.item_version.name}（{_department_name(found, a.department_id)}）"
        for n, a in enumerate(applications, 1)
    )
    if bundle_application.accepted_on is not None:
        values["accepted_on"] = chinese_date(bundle_application.accepted_on)
    return values


# Drafting -------------------------------------------------------------------------------


def _draft(
    kind: Kind,
    *,
    district_id: int,
    found: Wording,
    values: dict[str, str],
    dues: dict[str, Due] | None = None,
    by: Any,
    dated: dt.date,
    **case: Any,
) -> Notice:
    template_id, title, body = found.templates[kind]
    values["date"] = chinese_date(dated)
    name = Kind(kind).label
    for element in templating.REQUIRED.get(kind, ()):
        for placeholder in element.placeholders:
            if placeholder in values and not values[placeholder].strip():
                raise ValidationError(
                    _("The %(document)s cannot be made without %(element)s.")
                    % {"document": name, "element": element.label},
                    code="document",
                )
    try:
        rendered = templating.render(body, values, dues)
    except MissingValue as missing:
        raise ValidationError(
            _("The %(document)s cannot be made: its template asks for {{%(name)s}}, which this act does not give.")
            % {"document": name, "name": missing.name},
            code="document",
        ) from None
    return Notice(
        district_id=district_id,
        kind=kind,
        template_id=template_id,
        title=title,
        text=rendered.text,
        notes=rendered.notes,
        signature_line=rendered.signature_line,
        dated=dated,
        requested_by=by,
        requested_at=clock.now(),
        **case,
    )


def _for_application(
    kind: Kind, application: Any, *, by: Any, values: dict[str, str], dues: dict[str, Due] | None = None, **case: Any
) -> Notice | None:
    if _joint.get():
        return None
    found = wording(application.district_id)
    return _draft(
        kind,
        district_id=application.district_id,
        found=found,
        values={**_application_values(application, found), **values},
        dues=dues,
        by=by,
        dated=clock.today(),
        application=application,
        department_id=application.department_id,
        **case,
    )


def rows(notice: Notice | None) -> list[Notice]:
    """For a transition's ``rows``: the document, if the act writes one."""
    return [notice] if notice is not None else []


# A document written with its act's transition: in the transition's one statement where it
# points at no row still unsaved (``writing``), else through the ORM after it.
INSERT = fastsql.Statement(
    """
    INSERT INTO notices_notice
           (district_id, kind, application_id, bundle_application_id, supplement_notice_id,
            department_id, template_id, title, text, notes, signature_line, dated, requested_by_id,
            requested_at, year, serial, number, verification_code, sealed_at, sealed_by_id, seal_id,
            seal_metadata, seal_value, file_sha256, storage_name, document_id, opened_at)
    VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s,
            %s, %s, %s, %s, %s, %s)
    RETURNING id
    """
)


def writing(rows: Sequence[Any]) -> tuple[list[fastsql.Write], list[Any]]:
    """A transition's ``rows`` split into the written documents its one statement inserts
    (``INSERT``: one round trip less, no ORM compile — ``bench/README.md``) and the rest,
    in order, for the ORM: a supplement notice, its items and the document pointing at it
    (an unsaved row has no id to point at yet)."""
    if len(rows) == 1 and isinstance(rows[0], Notice) and not _points_at_unsaved(rows[0]):
        return [fastsql.inserting(INSERT, rows[0])], []
    return [], list(rows)


def _points_at_unsaved(row: Notice) -> bool:
    for field in Notice._meta.concrete_fields:
        if field.is_relation and field.is_cached(row):  # type: ignore[attr-defined]
            target = field.get_cached_value(row)  # type: ignore[attr-defined]
            if target is not None and target.pk is None:
                return True
    return False


def save(notice: Notice | None) -> Notice | None:
    """Insert the document of an act that writes its rows one by one (one INSERT)."""
    if notice is not None:
        notice.save(force_insert=True)
    return notice


def acceptance(
    application: Any, *, by: Any, accepted_on: dt.date, deemed: bool, legal: Any, promised: Any
) -> Notice | None:
    """受理通知书 (Art. 32(5)): the day of acceptance and both due dates, derived."""
    return _for_application(
        Kind.ACCEPTANCE,
        application,
        by=by,
        values={
            "accepted_on": chinese_date(accepted_on),
            "deemed": DEEMED if deemed else "",
            "legal_days": str(legal.working_days),
            "promised_days": str(promised.working_days),
        },
        dues={"legal_due": legal.compute_due(), "promised_due": promised.compute_due()},
    )


def refusal(application: Any, *, by: Any, reasons: str) -> Notice | None:
    """不予受理决定书 (Art. 32): reasons and remedies."""
    return _for_application(Kind.REFUSAL, application, by=by, values={"reasons": reasons.strip()})


def supplement(
    application: Any, *, by: Any, supplement_notice: Any, problems: Sequence[tuple[Any, str]]
) -> Notice | None:
    """补正材料通知书 (Art. 32(4)): every material and why, in one notice."""
    listing = "\n".join(
        f"　　{n}. {material.name if material is not None else '其他'}：{problem.strip()}"
        for n, (material, problem) in enumerate(problems, 1)
    )
    return _for_application(
        Kind.SUPPLEMENT,
        application,
        by=by,
        values={"materials": listing},
        supplement_notice=supplement_notice,
    )


def decision(application: Any, *, by: Any, approve: bool, reasons: str, decided_on: dt.date) -> Notice | None:
    """准予 (Art. 38(1), with the certificate's date by Art. 44) or 不予行政许可决定书
    (Art. 38(2): reasons and remedies)."""
    values = {"decided_on": chinese_date(decided_on)}
    if approve:
        due = add_working_days(decided_on, ISSUE_LIMIT_DAYS)
        return _for_application(Kind.APPROVAL, application, by=by, values=values, dues={"issue_due": due})
    return _for_application(Kind.DENIAL, application, by=by, values={**values, "reasons": reasons.strip()})


def extension(application: Any, *, by: Any, days: int, reason: str, before: Due, after: Due) -> Notice | None:
    """延长办理期限告知书 (Art. 42(1)): the reason and the new date, derived."""
    return _for_application(
        Kind.EXTENSION,
        application,
        by=by,
        values={"reason": reason.strip(), "extension_days": str(days)},
        dues={"old_due": before, "new_due": after},
    )


def special_procedure(application: Any, *, by: Any, stop: Any) -> Notice | None:
    """特别程序告知书 (Art. 45): the procedure, the expected working days (and the day
    they end, derived), and whether they count toward the limit."""
    return _for_application(
        Kind.SPECIAL_PROCEDURE,
        application,
        by=by,
        values={
            "procedure": stop.procedure.strip(),
            "expected_days": str(stop.expected_days),
            "counted": COUNTED[bool(stop.counts_toward_limit)],
            "procedure_notice": stop.notice.strip(),
        },
        dues={"expected_end": add_working_days(stop.started_on, stop.expected_days)},
    )


def _for_bundle(
    kind: Kind,
    bundle_application: Any,
    parts: Sequence[Any],
    *,
    by: Any,
    values: dict[str, str],
    dues: dict[str, Due] | None = None,
) -> Notice:
    found = wording(bundle_application.district_id)
    department_id = found.service_centre_id or parts[0].application.department_id
    return _draft(
        kind,
        district_id=bundle_application.district_id,
        found=found,
        values={**_parts_values(bundle_application, parts, found), **values},
        dues=dues,
        by=by,
        dated=clock.today(),
        bundle_application=bundle_application,
        department_id=department_id,
    )


def joint_acceptance(bundle_application: Any, parts: Sequence[Any], *, by: Any, deadline: Any) -> Notice:
    """联合受理通知书 (Arts. 26, 32(5), 42(2)): every part, the joint due date, derived."""
    return _for_bundle(
        Kind.JOINT_ACCEPTANCE,
        bundle_application,
        parts,
        by=by,
        values={"joint_days": str(deadline.working_days)},
        dues={"joint_due": deadline.compute_due()},
    )


def joint_refusal(bundle_application: Any, parts: Sequence[Any], *, by: Any, reasons: str) -> Notice:
    return _for_bundle(Kind.JOINT_REFUSAL, bundle_application, parts, by=by, values={"reasons": reasons.strip()})


def joint_extension(
    bundle_application: Any, parts: Sequence[Any], *, by: Any, days: int, reason: str, deadline: Any
) -> Notice:
    """联合办理延长期限告知书 (Art. 42(2)): the reason and the new joint date, derived."""
    return _for_bundle(
        Kind.JOINT_EXTENSION,
        bundle_application,
        parts,
        by=by,
        values={"reason": reason.strip(), "extension_days": str(days)},
        dues={"new_due": deadline.compute_due()},
    )
