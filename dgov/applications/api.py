"""Applications in the API: filing (``POST /api/v1/applications``), reading and acting on
one (``/api/v1/applications/{number}/…``) and the public status lookup
(``/api/v1/lookup``); mounted at ``PREFIX``, so the URLs are those of version 1.

Thin like the pages: every write goes through a ``do_*`` function of ``actions`` (which
enforces its ``rules.may_*`` predicate), every protected row is fetched through
``get_application_for_user`` (404 alike for missing and not visible); the errors become
status codes in ``dgov.api.views``.
"""

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _
from ninja import Router
from ninja.errors import HttpError
from ninja.responses import Status as Reply

from dgov.accounts.access import is_staff
from dgov.accounts.models import Applicant
from dgov.api import schemas
from dgov.api.schemas import ERRORS, error_body
from dgov.applications import actions, loading, rules
from dgov.applications.models import LOOKUP_LIMIT, Application, Channel, Status
from dgov.lib.addresses import client_address
from dgov.lib.rules import enforce
from dgov.services.models import Material, ServiceItem, ServiceItemVersion
from dgov.workdays.models import Deadline

PREFIX = "/"
router = Router()  # tagged "v1" by the router it is mounted on

MAX_KEY_LENGTH = Application._meta.get_field("idempotency_key").max_length or 64


def get_application_for_user(request: HttpRequest, number: schemas.CaseNumber) -> Application:
    """The one guarded way to fetch an application: missing and not visible look alike.

    Loads what the ``do_*`` functions and the reply read (applicant and their user, item
    and version, department, district, both deadlines) in one literal statement with
    ``visible_to``'s own conditions (``loading.load_visible``)."""
    application = loading.load_visible(number.strip().upper(), request.user)
    if application is None:
        raise Http404
    return application


def _load_deadlines(application: Application) -> None:
    ids = [pk for pk in (application.legal_deadline_id, application.promised_deadline_id) if pk is not None]
    if ids:
        deadlines = Deadline.objects.in_bulk(ids)
        if application.legal_deadline_id is not None:
            application.legal_deadline = deadlines[application.legal_deadline_id]
        if application.promised_deadline_id is not None:
            application.promised_deadline = deadlines[application.promised_deadline_id]


def _state(application: Application) -> dict[str, Any]:
    """What a transition changed."""
    return {
        "number": application.number,
        "status": application.status,
        "status_label": str(Status(application.status).label),
        "accepted_on": application.accepted_on,
        "decided_on": application.decided_on,
        "completed_on": application.completed_on,
        "clock_stopped": application.clock_stopped,
        "extended_days": application.extended_days,
        "visits": application.visits,
        "legal_due": application.legal_deadline.due_date if application.legal_deadline else None,
        "promised_due": application.promised_deadline.due_date if application.promised_deadline else None,
    }


def _application(application: Application, *, code: bool = False) -> dict[str, Any]:
    data = {
        **_state(application),
        "item": application.item.code,
        "item_name": application.item_version.name,
        "department": application.department.code,
        "channel": application.channel,
        "received_on": application.received_on,
    }
    if code:
        data["verification_code"] = application.verification_code
    return data


def _idempotency_key(value: str | None) -> str:
    key = (value or "").strip()
    if not key:
        raise ValidationError(
            _("Send an Idempotency-Key header: a retried request with the same key is not filed twice.")
        )
    if len(key) > MAX_KEY_LENGTH or not key.isascii() or not key.isprintable():
        raise ValidationError(
            _("The Idempotency-Key is at most %(max)d printable ASCII characters.") % {"max": MAX_KEY_LENGTH}
        )
    return key


def _item_to_apply_for(user: Any, code: str) -> ServiceItem:
    """The published item ``code``: of the staff member's district, else the public one."""
    items = ServiceItem.objects.published().filter(code=code).select_related("current_version__department", "district")
    item = items.filter(district_id=user.district_id).first() if is_staff(user) else items.public().first()
    if item is None:
        raise ValidationError(_("There is no published service item %(code)s.") % {"code": code})
    return item


def _applicant_for(user: Any, item: ServiceItem, body: schemas.ApplyIn) -> Applicant:
    if is_staff(user):
        enforce(rules.may_file(user, item.district_id))
        if body.applicant is None:
            raise ValidationError(_("Name the applicant you file for."))
        applicant = Applicant.objects.visible_to(user).filter(pk=body.applicant, district_id=item.district_id).first()
        if applicant is None:
            raise ValidationError(_("There is no applicant %(id)s in your district.") % {"id": body.applicant})
        return applicant
    applicant = getattr(item, "own_applicant", None)
    if applicant is None:
        applicant = Applicant.objects.filter(user_id=user.pk, district_id=item.district_id).first()
    enforce(rules.may_file(user, item.district_id, applicant))
    assert applicant is not None
    applicant.user = user  # the notification goes to them: no need to read them again
    return applicant


def _materials_of(version: ServiceItemVersion, wanted: list[schemas.MaterialIn]) -> list[tuple[Material, None, bool]]:
    if not wanted:
        return []
    materials = {m.pk: m for m in loading.materials_of(version) if m.to_submit}
    chosen = []
    for row in wanted:
        material = materials.get(row.material)
        if material is None:
            raise ValidationError(_("Material %(id)s is not one of this item's materials.") % {"id": row.material})
        chosen.append((material, None, row.promised))
    return chosen


def _same_request(application: Application, body: schemas.ApplyIn) -> bool:
    """Whether a repeat under the same Idempotency-Key asks for what the first request
    filed: the same item, applicant, channel and materials (a retry), not a new request.
    The item is the one loaded with the application (``loading.load_filed``); the
    materials filed are one literal statement (``loading.filed_materials``)."""
    if application.item.code != body.item.strip() or application.channel != body.channel:
        return False
    if body.applicant is not None and body.applicant != application.applicant_id:
        return False
    return loading.filed_materials(application) == {(row.material, row.promised) for row in body.materials}


@router.post("/applications", response={200: schemas.ApplicationCreated, 201: schemas.ApplicationCreated, **ERRORS})
def apply(
    request: HttpRequest,
    body: schemas.ApplyIn,
    idempotency_key: schemas.IdempotencyKey = None,
) -> Reply[dict[str, Any]]:
    """File an application (an applicant's token, or a staff system on behalf of an
    applicant). A repeat with the same ``Idempotency-Key`` returns the first application
    with 200 instead of 201."""
    key = _idempotency_key(idempotency_key)
    user: Any = request.user
    # An applicant's item in a district where they have a profile, the profile and any
    # application already filed under the key: one statement.
    item = None if is_staff(user) else loading.item_for_own_applicant(user, body.item, key)
    if item is None or getattr(item, "filed", False):
        # A repeat answers with the first application even if the item changed since.
        existing = loading.load_filed(user, key)
        if existing is not None:
            if not _same_request(existing, body):
                raise HttpError(
                    422,
                    _(
                        "This Idempotency-Key was already used for a different application (%(number)s): "
                        "use a new key for a new application."
                    )
                    % {"number": existing.number},
                )
            return Reply(200, _application(existing, code=True))
    if item is None:
        item = _item_to_apply_for(user, body.item)
    version = item.current_version
    assert version is not None
    applicant = _applicant_for(user, item, body)
    channel = Channel.WINDOW if body.channel == "window" and is_staff(user) else Channel.ONLINE
    materials = _materials_of(version, body.materials)
    if channel == Channel.ONLINE:
        application, created = actions.do_submit(
            item=item,
            applicant=applicant,
            by=user,
            channel=channel,
            idempotency_key=key,
            materials=materials,
            looked_up=True,
        )
    else:
        with transaction.atomic():
            application, created = actions.do_submit(
                item=item,
                applicant=applicant,
                by=user,
                channel=channel,
                idempotency_key=key,
                materials=materials,
                window=user.window,
                looked_up=True,
            )
            if created:
                # Filed at a window: the applicant is there in person (as on the pages).
                actions.do_check_in(application, by=user, window=user.window)
    if created:
        application.department = version.department  # already loaded; saves a query
    return Reply(201 if created else 200, _application(application, code=True))


@router.get("/applications/{number}", response={200: schemas.ApplicationOut, **ERRORS})
def get_application(request: HttpRequest, number: schemas.CaseNumber) -> dict[str, Any]:
    return _application(get_application_for_user(request, number))


def _act(request: HttpRequest, number: schemas.CaseNumber, run: Any) -> dict[str, Any]:
    application = get_application_for_user(request, number)
    run(application, request.user)
    return _state(application)


@router.post("/applications/{number}/accept", response={200: schemas.ApplicationState, **ERRORS})
def accept(request: HttpRequest, number: schemas.CaseNumber) -> dict[str, Any]:
    return _act(request, number, lambda a, by: actions.do_accept(a, by=by))


@router.post("/applications/{number}/request-supplement", response={200: schemas.ApplicationState, **ERRORS})
def request_supplement(
    request: HttpRequest, number: schemas.CaseNumber, body: schemas.SupplementRequestIn
) -> dict[str, Any]:
    """One notice listing every missing or faulty material (一次性告知)."""

    def run(application: Application, by: Any) -> None:
        wanted = {p.material for p in body.problems if p.material is not None}
        materials = {m.pk: m for m in loading.materials_of(application.item_version) if m.pk in wanted}
        problems = []
        for p in body.problems:
            if p.material is not None and p.material not in materials:
                raise ValidationError(_("Material %(id)s is not one of this item's materials.") % {"id": p.material})
            if p.problem.strip():
                problems.append((materials.get(p.material) if p.material else None, p.problem.strip()))
        actions.do_request_supplement(application, by=by, problems=problems, reason=body.reason)

    return _act(request, number, run)


@router.post("/applications/{number}/supplement", response={200: schemas.ApplicationState, **ERRORS})
def supplement(request: HttpRequest, number: schemas.CaseNumber, body: schemas.SupplementIn) -> dict[str, Any]:
    """The supplement is handed in (materials on paper, by their ids)."""

    def run(application: Application, by: Any) -> None:
        materials = {m.pk: m for m in loading.materials_of(application.item_version) if m.pk in body.materials}
        missing = [pk for pk in body.materials if pk not in materials]
        if missing:
            raise ValidationError(_("Material %(id)s is not one of this item's materials.") % {"id": missing[0]})
        actions.do_supplement(
            application, by=by, documents=[(materials[pk], None) for pk in dict.fromkeys(body.materials)]
        )

    return _act(request, number, run)


@router.post("/applications/{number}/refuse", response={200: schemas.ApplicationState, **ERRORS})
def refuse(request: HttpRequest, number: schemas.CaseNumber, body: schemas.ReasonsIn) -> dict[str, Any]:
    return _act(request, number, lambda a, by: actions.do_refuse(a, by=by, reasons=body.reasons))


@router.post("/applications/{number}/review", response={200: schemas.ApplicationState, **ERRORS})
def review(request: HttpRequest, number: schemas.CaseNumber, body: schemas.ReviewIn | None = None) -> dict[str, Any]:
    note = body.note if body is not None else ""
    return _act(request, number, lambda a, by: actions.do_review(a, by=by, note=note))


@router.post("/applications/{number}/approve", response={200: schemas.ApplicationState, **ERRORS})
def approve(request: HttpRequest, number: schemas.CaseNumber) -> dict[str, Any]:
    return _act(request, number, lambda a, by: actions.do_decide(a, by=by, approve=True))


@router.post("/applications/{number}/deny", response={200: schemas.ApplicationState, **ERRORS})
def deny(request: HttpRequest, number: schemas.CaseNumber, body: schemas.ReasonsIn) -> dict[str, Any]:
    return _act(request, number, lambda a, by: actions.do_decide(a, by=by, approve=False, reasons=body.reasons))


@router.post("/applications/{number}/complete", response={200: schemas.ApplicationState, **ERRORS})
def complete(request: HttpRequest, number: schemas.CaseNumber) -> dict[str, Any]:
    return _act(request, number, lambda a, by: actions.do_complete(a, by=by))


@router.post("/applications/{number}/stop-clock", response={200: schemas.ApplicationState, **ERRORS})
def stop_clock(request: HttpRequest, number: schemas.CaseNumber, body: schemas.StopClockIn) -> dict[str, Any]:
    return _act(request, number, lambda a, by: actions.do_stop_clock(a, by=by, **body.dict()))


@router.post("/applications/{number}/resume-clock", response={200: schemas.ApplicationState, **ERRORS})
def resume_clock(request: HttpRequest, number: schemas.CaseNumber) -> dict[str, Any]:
    """The clock runs again; the due dates move by the working days it stood still."""

    def run(application: Application, by: Any) -> None:
        actions.do_resume_clock(application, by=by)
        _load_deadlines(application)  # moved by do_extend_deadline on copies of its own

    return _act(request, number, run)


@router.post("/applications/{number}/extend", response={200: schemas.ApplicationState, **ERRORS})
def extend(request: HttpRequest, number: schemas.CaseNumber, body: schemas.ExtendIn) -> dict[str, Any]:
    def run(application: Application, by: Any) -> None:
        actions.do_extend(application, by=by, days=body.days, reason=body.reason)
        _load_deadlines(application)  # moved by do_extend_deadline on copies of its own

    return _act(request, number, run)


@router.post("/applications/{number}/check-in", response={200: schemas.ApplicationState, **ERRORS})
def check_in(request: HttpRequest, number: schemas.CaseNumber) -> dict[str, Any]:
    """A visit in person, recorded by the window clerk."""

    def run(application: Application, by: Any) -> None:
        actions.do_check_in(application, by=by, window=by.window)

    return _act(request, number, run)


# The public status lookup ---------------------------------------------------------------


@router.post("/lookup", response={200: schemas.LookupOut, 404: schemas.Error, 429: schemas.Error}, auth=None)
def lookup(request: HttpRequest, body: schemas.LookupIn) -> Any:
    """Status and timeline by number and verification code, without personal data. A
    wrong number and a wrong code get the same answer; failures are limited per address
    (the same counter as the lookup page's)."""
    address = client_address(request)
    if not LOOKUP_LIMIT.take(address):
        return Reply(429, error_body(_("Too many failed lookups from your address; try again later.")))
    application = Application.objects.by_code(body.number, body.code)
    if application is None:
        return Reply(404, error_body(_("No application matches this number and verification code.")))
    LOOKUP_LIMIT.give_back(address)  # only failures are limited
    return {
        "number": application.number,
        "status": application.status,
        "status_label": str(Status(application.status).label),
        "item_name": application.item_version.name,
        "received_on": application.received_on,
        "promised_due": application.promised_deadline.due_date if application.promised_deadline else None,
        "timeline": [
            {"at": t["at"], "event": t["label"], "status": t["status"]} for t in application.public_timeline()
        ],
    }
