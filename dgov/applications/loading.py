"""What the API's hot paths read, each in one prepared statement (decision 0011).

``load_visible(number, user)`` returns what
``Application.objects.visible_to(user).select_related(*RELATED).get(number=number)``
would, or None: the same visibility rules (``models.visibility``, each clause written
here once more in SQL: ``test_visibility`` holds the two against each other) and related rows, but
SQL built once and sent through ``fastsql``, so that PostgreSQL plans it once per
connection instead of on every request (1 ms of planning for 0.1 ms of work) and the ORM
does not compile it every time.

``filed_with_key(user, key)`` and ``materials_of(version)`` serve a submission; and
``item_for_own_applicant(user, code, key)`` returns the published item ``code`` in a
district where ``user`` has an applicant profile, with that profile and any application
already filed under ``key``.
"""

from typing import Any

from dgov.accounts.models import Applicant, Department, District, User
from dgov.applications.models import Application, Visibility, visibility
from dgov.lib import fastsql
from dgov.lib.fastsql import Join
from dgov.services.models import Material, ServiceItem, ServiceItemVersion
from dgov.workdays.models import Deadline

RELATED = ("district", "item_version", "applicant__user", "legal_deadline", "promised_deadline")
APPLICATION_JOINS = (
    Join("district", District, "d", "d.id = a.district_id"),
    Join("item_version", ServiceItemVersion, "v", "v.id = a.item_version_id"),
    Join("applicant", Applicant, "p", "p.id = a.applicant_id"),
    Join("user", User, "u", "u.id = p.user_id", parent="p", outer=True),
    Join("legal_deadline", Deadline, "ld", "ld.id = a.legal_deadline_id", outer=True),
    Join("promised_deadline", Deadline, "pd", "pd.id = a.promised_deadline_id", outer=True),
)
# …and what the API's reply shows besides.
REPLY_JOINS = (
    *APPLICATION_JOINS,
    Join("item", ServiceItem, "i", "i.id = a.item_id"),
    Join("department", Department, "dep", "dep.id = a.department_id"),
)
# The clauses of ``models.Visibility``, as SQL over the aliases above.
OWN_CASE = "p.user_id = %s"
# …and an agent's (经办人) firms: all their cases where granted, the ones the agent filed
# where they may apply (``accounts.Agent``, active rows only).
AGENCY = (
    "SELECT g.enterprise_id FROM accounts_agent g WHERE g.user_id = %s AND g.removed_at IS NULL AND g.{permission} = %s"
)
AS_APPLICANT = (
    f"({OWN_CASE} OR a.applicant_id IN ({AGENCY.format(permission='may_view_all')})"
    f" OR (a.submitted_by_id = %s AND a.applicant_id IN ({AGENCY.format(permission='may_apply')})))"
)
IN_DISTRICT = "a.district_id = %s"
OF_DEPARTMENT = "a.department_id = %s"
OF_KEY_PROJECT = (
    "EXISTS (SELECT 1 FROM secretaries_secretaryship s JOIN investment_project pr ON pr.id = s.project_id"
    " WHERE s.secretary_id = %s AND pr.is_key = %s AND pr.district_id = a.district_id"
    " AND pr.investor_credit_code <> '' AND pr.investor_credit_code = p.credit_code)"
)

ITEM_JOINS = (
    Join("current_version", ServiceItemVersion, "v", "v.id = a.current_version_id"),
    Join("department", Department, "dep", "dep.id = v.department_id", parent="v"),
    Join("district", District, "d", "d.id = a.district_id"),
    Join("own_applicant", Applicant, "p", "p.district_id = a.district_id AND p.user_id = %s"),
    Join("filed", Application, "e", "e.submitted_by_id = %s AND e.idempotency_key = %s", outer=True),
)


# Facts other apps read on every transition, loaded with the application instead of by a
# query of their own: {name: SQL over alias ``a``}, registered in their ``ready``
# (bundles: the bundle the application is a part of). ``application.facts[name]``.
FACTS: dict[str, str] = {}


def add_fact(name: str, expression: str) -> None:
    FACTS[name] = expression


def visible_where(seen: Visibility) -> tuple[str, list[Any]]:
    """``seen.q()`` as a WHERE clause over ``APPLICATION_JOINS`` and its parameters."""
    if seen.applicant_user_id is not None:
        user_id = seen.applicant_user_id
        return AS_APPLICANT, [user_id, user_id, True, user_id, user_id, True]
    where, params = IN_DISTRICT, [seen.district_id]
    if seen.whole_district:
        return where, params
    any_of = []
    if seen.department_id is not None:
        any_of.append(OF_DEPARTMENT)
        params.append(seen.department_id)
    if seen.secretary_id is not None:
        any_of.append(OF_KEY_PROJECT)
        params += [seen.secretary_id, True]
    return f"{where} AND ({' OR '.join(any_of)})", params


def load_visible(number: str, user: Any) -> Application | None:
    seen = visibility(user)
    if seen is None:
        return None
    where, params = visible_where(seen)
    return fastsql.select_one(
        Application, APPLICATION_JOINS, f"a.number = %s AND {where}", [number, *params], facts=FACTS
    )


def filed_with_key(user: Any, key: str) -> Application | None:
    """The application ``user`` filed with idempotency key ``key``, ready for the reply."""
    return fastsql.select_one(
        Application, REPLY_JOINS, "a.submitted_by_id = %s AND a.idempotency_key = %s", [user.pk, key]
    )


def materials_of(version: Any) -> list[Material]:
    """The materials of an item version (never changed once published)."""
    return fastsql.select_all(Material, "a.version_id = %s", [version.pk], order_by='a."order", a.id')


def item_for_own_applicant(user: Any, code: str, key: str) -> ServiceItem | None:
    """As ``ServiceItem.objects.published().filter(code=code,
    district__applicants__user_id=user.pk).first()``, with the user's newest applicant
    profile in that district as ``item.own_applicant`` and, as ``item.filed``, the
    application they filed with idempotency key ``key`` if there is one."""
    return fastsql.select_one(
        ServiceItem,
        ITEM_JOINS,
        "a.code = %s",
        [user.pk, user.pk, key, code],
        order_by="a.district_id, p.created_at DESC",
    )
