"""The matching job: which enterprises qualify for which policies in force.

Each policy's conditions become one SQL filter over the enterprise profiles
(``FactSet.q``); the qualifying set is written with set-based statements, never row by
row in Python:

1. new matches: one ``INSERT … SELECT`` of the qualifying profiles that have no match row
   for the policy yet (``ON CONFLICT DO NOTHING``, so two runners never duplicate a row);
2. matches that qualify again are switched on, those that no longer qualify switched off;
3. policies out of force (expired, withdrawn, not yet valid) lose their active matches;
4. the enterprises with new matches are told, one message each (outbox).

A pass after the first only looks at what changed since the last pass began: policies
saved or coming into force since, and profiles updated since (against every policy in
force). ``run(full=True)`` matches everything (what the benchmark measures).

Measured (bench/enterprise_matching.py, PostgreSQL, 20,000 enterprises × 300 policies):
see README's performance table; the INSERT … SELECT per policy is what keeps it well
inside a minute where creating rows through the ORM took several.
"""

import datetime as dt
from collections import defaultdict
from typing import Any

from django.db import connection, models, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from dgov.accounts.models import District, User
from dgov.lib import clock
from dgov.notifications.models import Notification
from dgov.notifications.outbox import notifications, queue
from dgov.policies.facts import ENTERPRISE_FACTS
from dgov.policies.models import EnterpriseProfile, MatchRun, Policy, PolicyMatch, PolicyStatus

NOTIFY_BATCH = 2_000


def qualifying(policy: Policy, today: dt.date, profiles: Any = None) -> Any:
    """The profiles of the policy's district that meet all its conditions (a queryset)."""
    base = EnterpriseProfile.objects.all() if profiles is None else profiles
    return base.filter(district_id=policy.district_id).filter(ENTERPRISE_FACTS.q(policy.parsed_conditions, today))


def _insert_new(policy: Policy, candidates: Any, now: dt.datetime) -> int:
    """INSERT … SELECT the candidates without a match row for ``policy``; the row count."""
    ids = candidates.exclude(matches__policy=policy).values("id")
    select_sql, params = ids.query.sql_with_params()
    table = PolicyMatch._meta.db_table
    matched_at = models.DateTimeField().get_db_prep_value(now, connection)
    sql = (
        f"INSERT INTO {table} (district_id, policy_id, profile_id, active, matched_at, notified) "  # noqa: S608
        f"SELECT %s, %s, q.id, %s, %s, %s FROM ({select_sql}) q WHERE true "
        "ON CONFLICT (policy_id, profile_id) DO NOTHING"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [policy.district_id, policy.pk, True, matched_at, False, *params])
        return max(cursor.rowcount, 0)


def match_policy(policy: Policy, today: dt.date, now: dt.datetime, profiles: Any = None) -> tuple[int, int]:
    """Bring ``policy``'s matches up to date over ``profiles`` (all when None): (new, lapsed)."""
    scope = PolicyMatch.objects.filter(policy=policy)
    if profiles is not None:
        scope = scope.filter(profile__in=profiles)
    if not policy.in_force_on(today):
        lapsed = scope.filter(active=True).update(active=False, lapsed_at=now)
        return 0, lapsed
    candidates = qualifying(policy, today, profiles)
    with transaction.atomic():
        new = _insert_new(policy, candidates, now)
        again = scope.filter(active=False, profile__in=candidates.values("id")).update(
            active=True, matched_at=now, lapsed_at=None, notified=False
        )
        lapsed = (
            scope.filter(active=True).exclude(profile__in=candidates.values("id")).update(active=False, lapsed_at=now)
        )
    return new + again, lapsed


def _notify_new() -> int:
    """One message per enterprise with new matches (to its login, if it has one)."""
    sent = 0
    while True:
        rows = list(
            PolicyMatch.objects.filter(notified=False, active=True)
            .order_by("pk")
            .values_list("pk", "profile_id", "profile__applicant__user_id", "policy__title", "district_id")[
                :NOTIFY_BATCH
            ]
        )
        if not rows:
            return sent
        by_profile: dict[int, list[str]] = defaultdict(list)
        recipients: dict[int, tuple[int | None, int]] = {}
        for _pk, profile_id, user_id, title, district_id in rows:
            by_profile[profile_id].append(title)
            recipients[profile_id] = (user_id, district_id)
        messages: list[Notification] = []
        users = User.objects.in_bulk([u for u, _d in recipients.values() if u is not None])
        districts = District.objects.in_bulk({d for _u, d in recipients.values()})
        for profile_id, titles in by_profile.items():
            recipient_id, where = recipients[profile_id]
            if recipient_id is None or recipient_id not in users:
                continue
            messages += notifications(
                district=districts[where],
                recipient=users[recipient_id],
                subject=_("Policies you qualify for: %(n)s new") % {"n": len(titles)},
                body=_("The platform found that you qualify for: %(titles)s. See them under “Policies for me”.")
                % {"titles": "; ".join(titles[:20])},
            )
        with transaction.atomic():
            if messages:
                queue(messages)
            PolicyMatch.objects.filter(pk__in=[r[0] for r in rows], notified=False).update(notified=True)
        sent += len({m.recipient_id for m in messages})


def run(now: dt.datetime | None = None, *, full: bool = False) -> int:
    """One pass of matching (the job): returns the number of matches that changed."""
    now = now or clock.now()
    today = clock.today()
    last = MatchRun.objects.filter(finished_at__isnull=False).order_by("-started_at").first()
    since = None if full or last is None else last.started_at
    run_row = MatchRun.objects.create(started_at=now)
    new = lapsed = 0
    in_force = Policy.objects.in_force(today)
    if since is None:
        policies = list(in_force)
        changed_profiles = None
    else:
        last_day = timezone.localdate(since)
        policies = list(in_force.filter(Q(updated_at__gte=since) | Q(valid_from__gt=last_day, valid_from__lte=today)))
        changed_profiles = EnterpriseProfile.objects.filter(updated_at__gte=since)
    # Policies no longer in force lose their matches.
    out_of_force = PolicyMatch.objects.filter(active=True).filter(
        ~Q(policy__status=PolicyStatus.PUBLISHED) | Q(policy__valid_to__lt=today) | Q(policy__valid_from__gt=today)
    )
    lapsed += out_of_force.update(active=False, lapsed_at=now)
    done = {p.pk for p in policies}
    for policy in policies:
        n, gone = match_policy(policy, today, now)
        new, lapsed = new + n, lapsed + gone
    if changed_profiles is not None and changed_profiles.exists():
        for policy in in_force:
            if policy.pk in done:
                continue
            n, gone = match_policy(policy, today, now, profiles=changed_profiles)
            new, lapsed = new + n, lapsed + gone
    told = _notify_new()
    MatchRun.objects.filter(pk=run_row.pk).update(
        finished_at=clock.now(), policies=len(policies), new_matches=new, lapsed=lapsed, notified=told
    )
    return new + lapsed


def for_enterprise(profile: EnterpriseProfile, today: dt.date) -> dict[str, Any]:
    """One enterprise's page: each policy in force it qualifies for (with every condition
    and the fact that meets it), those it could qualify for by confirming a missing fact,
    and what it received. The conditions are checked here on today's facts, so the page
    is right even before the next matching pass."""
    from dgov.policies.models import Grant

    received = list(Grant.objects.filter(profile=profile).select_related("policy").order_by("-granted_at"))
    this_period = {(g.policy_id, g.period_key) for g in received}
    matched, near = [], []
    policies = (
        Policy.objects.in_force(today)
        .filter(district_id=profile.district_id)
        .select_related("department", "service_item")
        .order_by("-valid_from", "pk")
    )
    for policy in policies:
        verdict = ENTERPRISE_FACTS.check(policy.parsed_conditions, profile, today)
        if verdict.qualifies:
            amount, formula = policy.benefit_for(profile)
            row = {
                "policy": policy,
                "verdict": verdict,
                "amount": amount,
                "formula": formula,
                "received": (policy.pk, policy.period_key(today)) in this_period,
            }
            matched.append(row)
        elif verdict.near:
            near.append({"policy": policy, "verdict": verdict})
    return {"matched": matched, "near": near, "received": received}
