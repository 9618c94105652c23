"""What the API's transitions and submissions read, each in one literal statement
(decision 0011; measurements in ``bench/README.md``).

- ``load_visible(number, user)``: what
  ``Application.objects.visible_to(user).select_related(*RELATED).get(number=number)``
  gives, or None: the rule is ``models.visibility``'s (``Visibility``); its clauses are
  written here once more in SQL (``VISIBLE``) for the roles the API serves on every
  transition, and any other shape (a project secretary's key-project clause) is read
  through ``visible_to`` itself. ``test_visibility`` and ``test_hot_path`` hold the two
  against each other for every persona.
- ``load_filed(user, key)``: the application ``user`` filed with idempotency key
  ``key`` (a repeated submission's reply), the same statement.
- ``item_for_own_applicant(user, code, key)``: a submission's item (``ITEM``).
- ``materials_of(version)``: an item version's materials (``MATERIALS``).
- ``filed_materials(application)``: what a submission filed without documents
  (``FILED_MATERIALS``), for a repeated submission's check.

Facts other apps need on every transition are read in the same statement: ``add_fact``
(bundles: the bundle an application is a part of), read back with ``fact``. A follower's
fact names the row that follows the application's transitions (its ``application_moved``
receiver writes then): ``followed`` tells whether a transition must open a transaction for
it.
"""

from typing import Any

from dgov.applications.models import Application, Visibility, visibility
from dgov.lib import fastsql
from dgov.services.models import Material, ServiceItem

RELATED = ("district", "item", "item_version", "department", "applicant__user", "legal_deadline", "promised_deadline")

# The application with its district, item and version, department, applicant and their
# user, and both deadlines; {facts} and {where} are filled in by ``_application_statement``.
APPLICATION = """
    SELECT a.id, a.district_id, a.number, a.verification_code, a.item_id, a.item_version_id,
           a.department_id, a.applicant_id, a.submitted_by_id, a.channel, a.window_id,
           a.idempotency_key, a.status, a.received_on, a.supplemented_on, a.accepted_on,
           a.deemed_accepted, a.accepted_by_id, a.reviewed_by_id, a.decided_by_id, a.decided_on, a.late_legal_days, a.late_promised_days,
           a.completed_on, a.reasons, a.legal_deadline_id, a.promised_deadline_id,
           a.clock_stopped, a.extended_days, a.visits, a.created_at, a.updated_at,
           d.id, d.city_id, d.code, d.name,
           i.id, i.district_id, i.code, i.current_version_id, i.search_text,
           v.id, v.item_id, v.number, v.name, v.kind, v.department_id, v.legal_basis, v.conditions,
           v.legal_limit_days, v.promised_limit_days, v.max_trips, v.online_level, v.fees,
           v.fee_basis, v.keywords, v.handling, v.window_id, v.place, v.hours, v.enquiry_phone,
           v.complaint_phone, v.result_name, v.post_available, v.name_en, v.keywords_en, v.created_at,
           v.created_by_id,
           dep.id, dep.district_id, dep.code, dep.name, dep.name_en, dep.kind, dep.credit_code,
           p.id, p.district_id, p.user_id, p.kind, p.name, p.id_number, p.credit_code, p.phone,
           p.representative, p.representative_id_number, p.created_at, p.created_by_id,
           u.id, u.password, u.last_login, u.is_superuser, u.username, u.first_name, u.last_name,
           u.email, u.is_staff, u.is_active, u.date_joined, u.kind, u.full_name, u.district_id,
           u.department_id, u.window_id, u.phone, u.phone_verified,
           ld.id, ld.district_id, ld.label, ld.start_date, ld.counted_from, ld.working_days,
           ld.extra_days, ld.stopped_days, ld.stopped_since, ld.due_date, ld.base_due_date,
           ld.provisional, ld.closed_at, ld.created_at,
           pd.id, pd.district_id, pd.label, pd.start_date, pd.counted_from, pd.working_days,
           pd.extra_days, pd.stopped_days, pd.stopped_since, pd.due_date, pd.base_due_date,
           pd.provisional, pd.closed_at, pd.created_at{facts}
      FROM applications_application a
      JOIN accounts_district d ON d.id = a.district_id
      JOIN services_serviceitem i ON i.id = a.item_id
      JOIN services_serviceitemversion v ON v.id = a.item_version_id
      JOIN accounts_department dep ON dep.id = a.department_id
      JOIN accounts_applicant p ON p.id = a.applicant_id
      LEFT JOIN accounts_user u ON u.id = p.user_id
      LEFT JOIN workdays_deadline ld ON ld.id = a.legal_deadline_id
      LEFT JOIN workdays_deadline pd ON pd.id = a.promised_deadline_id
     WHERE {where}
"""
# ``visible_to``'s rule (``models.visibility``) for the shapes of ``Visibility`` the API
# meets on every transition, as conditions of ``APPLICATION`` after the number; each
# takes its parameters from ``_visible_params``. Any other shape goes through the ORM.
VISIBLE = {
    # An applicant's own cases, and those of the enterprises they act for (经办人,
    # ``accounts.acting_for``): all of them with ``may_view_all``, the ones they filed
    # with ``may_apply``.
    "own": (
        "(p.user_id = %s OR a.applicant_id IN (SELECT g.enterprise_id FROM accounts_agent g"
        " WHERE g.user_id = %s AND g.removed_at IS NULL"
        " AND (g.may_view_all OR (g.may_apply AND a.submitted_by_id = %s))))"
    ),
    "district": "a.district_id = %s",
    "department": "a.district_id = %s AND a.department_id = %s",
}

# The published item ``code`` in a district where the user (the first %s) has an
# applicant profile, newest profile first, with the item's current version, its
# department, the district and, as ``filed``, whether the user (second %s) filed an
# application with the idempotency key (third %s).
ITEM = fastsql.Statement(
    """
    SELECT i.id, i.district_id, i.code, i.current_version_id, i.search_text,
           v.id, v.item_id, v.number, v.name, v.kind, v.department_id, v.legal_basis, v.conditions,
           v.legal_limit_days, v.promised_limit_days, v.max_trips, v.online_level, v.fees,
           v.fee_basis, v.keywords, v.handling, v.window_id, v.place, v.hours, v.enquiry_phone,
           v.complaint_phone, v.result_name, v.post_available, v.name_en, v.keywords_en, v.created_at,
           v.created_by_id,
           dep.id, dep.district_id, dep.code, dep.name, dep.name_en, dep.kind, dep.credit_code,
           d.id, d.city_id, d.code, d.name,
           p.id, p.district_id, p.user_id, p.kind, p.name, p.id_number, p.credit_code, p.phone,
           p.representative, p.representative_id_number, p.created_at, p.created_by_id,
           e.id IS NOT NULL AS filed
      FROM services_serviceitem i
      JOIN services_serviceitemversion v ON v.id = i.current_version_id
      JOIN accounts_department dep ON dep.id = v.department_id
      JOIN accounts_district d ON d.id = i.district_id
      JOIN accounts_applicant p ON p.district_id = i.district_id AND p.user_id = %s
      LEFT JOIN applications_application e ON e.submitted_by_id = %s AND e.idempotency_key = %s
     WHERE i.code = %s
     ORDER BY i.district_id, p.created_at DESC
     LIMIT 1
    """
)

MATERIALS = fastsql.Statement(
    """
    SELECT m.id, m.version_id, m.name, m.form, m.copies, m.source, m.legal_basis, m.required,
           m.rongque, m."order"
      FROM services_material m
     WHERE m.version_id = %s
     ORDER BY m."order", m.id
    """
)

# The materials an application was filed with on paper or promised (no document), for
# a repeated submission's check that it asks for the same.
FILED_MATERIALS = fastsql.Statement(
    """
    SELECT s.material_id, s.promised
      FROM applications_submittedmaterial s
     WHERE s.application_id = %s AND s.document_id IS NULL
    """,
    values=True,
)

# Facts other apps need on every transition: {name: SQL over the application ``a``},
# registered in their ``AppConfig.ready``.
FACTS: dict[str, str] = {}
# The facts that name a row following the application (a bundle, a green-channel case).
FOLLOWERS: set[str] = set()
MISSING: Any = object()
_statements: dict[tuple[Any, ...], fastsql.Statement] = {}


def add_fact(name: str, expression: str, *, follower: bool = False) -> None:
    """Read ``expression`` with every application the API loads, as ``fact(a, name)``;
    ``follower``: a value other than NULL means the app's ``application_moved`` receiver
    writes on the application's transitions (in their transaction)."""
    FACTS[name] = expression
    if follower:
        FOLLOWERS.add(name)
    _register()


def fact(application: Any, name: str) -> Any:
    """The fact ``name`` if ``application`` was loaded with it, else ``MISSING`` (the
    caller then reads it itself)."""
    return application.__dict__.get(name, MISSING)


def followed(application: Any) -> bool:
    """Whether a receiver of ``application_moved`` may write on this application's
    transitions: a follower's fact names a row, or the application was not loaded with the
    facts (read through the ORM: then it is not known)."""
    return any(fact(application, name) is not None for name in FOLLOWERS)


def _application_statement(where: str) -> fastsql.Statement:
    key = (where, tuple(FACTS.items()))
    statement = _statements.get(key)
    if statement is None:
        facts = "".join(f", ({expression}) AS {name}" for name, expression in FACTS.items())
        statement = _statements[key] = fastsql.Statement(APPLICATION.format(facts=facts, where=where))
    return statement


def _visible_where(shape: str) -> str:
    return f"a.number = %s AND {VISIBLE[shape]}"


def visible_shape(seen: Visibility) -> str | None:
    """Which of ``VISIBLE`` says what ``seen`` admits, or None (read through the ORM).
    A shape is recognised only when ``seen`` is exactly what it reads, so a field added
    to ``Visibility`` falls back to the ORM until it is written here too."""
    if seen == Visibility(applicant_user_id=seen.applicant_user_id) and seen.applicant_user_id is not None:
        return "own"
    if seen.applicant_user_id is not None or seen.district_id is None:
        return None
    if seen.whole_district:
        # ``Visibility.q`` reads nothing else then.
        whole = Visibility(
            district_id=seen.district_id, whole_district=True, department_id=seen.department_id,
            secretary_id=seen.secretary_id,
        )  # fmt: skip
        return "district" if seen == whole else None
    if seen.department_id is not None and seen == Visibility(
        district_id=seen.district_id, department_id=seen.department_id
    ):
        return "department"
    return None


def _visible_params(shape: str, seen: Visibility) -> list[Any]:
    if shape == "own":
        return [seen.applicant_user_id] * 3
    if shape == "district":
        return [seen.district_id]
    return [seen.district_id, seen.department_id]


# Every statement ``load_visible`` sends, and the repeated submission's.
WHERES = (*(_visible_where(shape) for shape in VISIBLE), "a.submitted_by_id = %s AND a.idempotency_key = %s")


def _register() -> None:
    """Build every variant of ``APPLICATION`` now, so that the system check and the tests
    see each statement that can be sent (``load_visible`` builds any other on first use)."""
    for where in WHERES:
        _application_statement(where)


_register()


def _application(statement: fastsql.Statement, params: list[Any]) -> Application | None:
    rows = fastsql.fetch(statement, params)
    if not rows:
        return None
    row = rows[0]
    found = fastsql.instances(statement, row)
    application = found["a"]
    application.district = found["d"]
    application.item = found["i"]
    application.item_version = found["v"]
    application.department = found["dep"]
    application.applicant = found["p"]
    if found["u"] is not None:
        application.applicant.user = found["u"]
    application.legal_deadline = found["ld"]
    application.promised_deadline = found["pd"]
    first_fact = len(statement.columns) - len(FACTS)
    for n, name in enumerate(FACTS):
        setattr(application, name, row[first_fact + n])
    return application


def load_visible(number: str, user: Any) -> Application | None:
    """As ``Application.objects.visible_to(user).select_related(*RELATED).get(number=
    number)``, in one literal statement where the ORM takes two and 8.8× the time
    (``bench/hot_reads.py``, 2026-12-03, rounds 4–12×)."""
    seen = visibility(user)
    if seen is None:
        return None
    shape = visible_shape(seen)
    if shape is None:
        return Application.objects.visible_to(user).select_related(*RELATED).order_by().filter(number=number).first()
    return _application(_application_statement(_visible_where(shape)), [number, *_visible_params(shape, seen)])


def load_filed(user: Any, key: str) -> Application | None:
    """The application ``user`` filed with idempotency key ``key``, as ``load_visible``
    loads one."""
    return _application(_application_statement(WHERES[-1]), [user.pk, key])


def item_for_own_applicant(user: Any, code: str, key: str) -> ServiceItem | None:
    """As ``ServiceItem.objects.published().filter(code=code,
    district__applicants__user_id=user.pk).first()``, with the user's newest applicant
    profile in that district as ``item.own_applicant`` and, as ``item.filed``, whether
    they filed an application with idempotency key ``key``: one statement where the ORM
    takes three and 15.7× the time (``bench/hot_reads.py``, 2026-12-03, rounds 9–20×)."""
    rows = fastsql.fetch(ITEM, [user.pk, user.pk, key, code])
    if not rows:
        return None
    row = rows[0]
    found = fastsql.instances(ITEM, row)
    item, version = found["i"], found["v"]
    version.department = found["dep"]
    item.current_version = version
    item.district = found["d"]
    item.own_applicant = found["p"]
    item.filed = bool(row[len(ITEM.columns) - 1])
    return item


def filed_materials(application: Any) -> set[tuple[int, bool]]:
    """(material id, promised) of what ``application`` was filed with, without documents:
    as ``SubmittedMaterial.objects.filter(application=application, document__isnull=True)
    .values_list("material_id", "promised")``, without compiling a query."""
    return {(material, promised) for material, promised in fastsql.fetch(FILED_MATERIALS, [application.pk])}


def materials_of(version: Any) -> list[Material]:
    """The materials of an item version (never changed once published)."""
    return [fastsql.instances(MATERIALS, row)["m"] for row in fastsql.fetch(MATERIALS, [version.pk])]
