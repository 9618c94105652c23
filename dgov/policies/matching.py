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
from django.db.models import Count, ExpressionWrapper, Max, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from dgov.accounts.models import District, User
from dgov.lib import clock
from dgov.notifications.models import Notification
from dgov.notifications.outbox import notifications, queue
from dgov.policies.facts import ENTERPRISE_FACTS
from dgov.policies.models import EnterpriseProfile, MatchRun, Policy, PolicyMatch

NOTIFY_PROFILES = 500
ANALYZE_AFTER = 50_000  # new matches in one pass after which the table's statistics are refreshed
PYTHON_PASS_LIMIT = 2_000  # changed enterprises checked in Python rather than by SQL per policy
NEAR_SHOWN = 10  # policies shown that a confirmed fact would open
# What the enterprise's page reads of each policy (300 of them per request).
PAGE_FIELDS = (
    "title",
    "issuer",
    "document_number",
    "is_example",
    "valid_from",
    "valid_to",
    "mode",
    "conditions",
    "updated_at",
    "period",
    "status",
    "district_id",
    "benefit_kind",
    "benefit_amount",
    "benefit_rate",
    "benefit_fact",
    "benefit_cap",
    "department__name",
    "service_item__code",
)


def qualifying(policy: Policy, today: dt.date, profiles: Any = None) -> Any:
    """The profiles of the policy's district that meet all its conditions (a queryset)."""
    if profiles is None:
        base = EnterpriseProfile.objects.all()
    elif isinstance(profiles, list):
        base = EnterpriseProfile.objects.filter(pk__in=profiles)
    else:
        base = profiles
    return base.filter(district_id=policy.district_id).filter(ENTERPRISE_FACTS.q(policy.parsed_conditions, today))


def _insert_new(policy: Policy, candidates: Any, now: dt.datetime, *, first: bool = False) -> int:
    """INSERT … SELECT the candidates without a match row for ``policy``; the row count.

    A match of an enterprise without a login is written as told already (nobody to tell),
    so the notification step reads only the rows it has something to do with."""
    if not first:  # a policy's first matches need no anti-join against its (absent) rows
        candidates = candidates.exclude(matches__policy=policy)
    rows = candidates.annotate(
        quiet=ExpressionWrapper(Q(applicant__user__isnull=True), output_field=models.BooleanField())
    ).values("id", "quiet")
    select_sql, params = rows.query.sql_with_params()
    table = PolicyMatch._meta.db_table
    matched_at = models.DateTimeField().get_db_prep_value(now, connection)
    sql = (
        f"INSERT INTO {table} (district_id, policy_id, profile_id, active, matched_at, notified) "  # noqa: S608
        f"SELECT %s, %s, q.id, %s, %s, q.quiet FROM ({select_sql}) q WHERE true "
        "ON CONFLICT (policy_id, profile_id) DO NOTHING"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [policy.district_id, policy.pk, True, matched_at, *params])
        return max(cursor.rowcount, 0)


def match_policy(
    policy: Policy,
    today: dt.date,
    now: dt.datetime,
    profiles: Any = None,
    *,
    has_rows: bool | None = None,
    has_lapsed: bool | None = None,
) -> tuple[int, int]:
    """Bring ``policy``'s matches up to date over ``profiles`` (all when None): (new, lapsed).

    ``has_rows`` / ``has_lapsed``: whether the policy has match rows, and inactive ones,
    when the caller knows (a full pass reads that once for all policies: asking per policy
    on a table that has just grown by a million rows reads it whole each time, because
    the planner's statistics still say it is empty)."""
    scope = PolicyMatch.objects.filter(policy=policy)
    if profiles is not None:
        scope = scope.filter(profile__in=profiles)
    if not policy.in_force_on(today):
        lapsed = scope.filter(active=True).update(active=False, lapsed_at=now)
        return 0, lapsed
    candidates = qualifying(policy, today, profiles)
    with transaction.atomic():
        if has_rows is None:
            has_rows = scope.exists()
        new = _insert_new(policy, candidates, now, first=not has_rows)
        if not has_rows:
            return new, 0  # all its matches are new: nothing to switch on or off
        again = 0
        if has_lapsed is None:
            has_lapsed = scope.filter(active=False).exists()
        if has_lapsed:
            back = {"active": True, "matched_at": now, "lapsed_at": None}
            with_login = candidates.filter(applicant__user__isnull=False).values("id")
            again = scope.filter(active=False, profile__in=with_login).update(**back, notified=False)
            again += scope.filter(active=False, profile__in=candidates.values("id")).update(**back, notified=True)
        lapsed = (
            scope.filter(active=True).exclude(profile__in=candidates.values("id")).update(active=False, lapsed_at=now)
        )
    return new + again, lapsed


def match_profiles(ids: list[int], policies: list[Policy], today: dt.date, now: dt.datetime) -> tuple[int, int]:
    """Bring the matches of a few enterprises up to date against ``policies``, checking
    the conditions in Python (``FactSet.check``, which a test holds equal to the SQL
    filter): for the minute-by-minute pass, where a few hundred enterprises changed and
    a statement per policy would read every enterprise 300 times."""
    profiles = list(EnterpriseProfile.objects.filter(pk__in=ids).select_related("applicant"))
    wanted = {
        (policy.pk, profile.pk): profile
        for profile in profiles
        for policy in policies
        if policy.district_id == profile.district_id
        and ENTERPRISE_FACTS.check(policy.parsed_conditions, profile, today).qualifies
    }
    existing = {
        (policy_id, profile_id): (pk, active)
        for pk, policy_id, profile_id, active in PolicyMatch.objects.filter(
            profile_id__in=ids, policy_id__in=[p.pk for p in policies]
        ).values_list("pk", "policy_id", "profile_id", "active")
    }
    with transaction.atomic():
        created = PolicyMatch.objects.bulk_create(
            [
                PolicyMatch(
                    district_id=profile.district_id,
                    policy_id=policy_id,
                    profile_id=profile.pk,
                    active=True,
                    matched_at=now,
                    notified=profile.applicant.user_id is None,
                )
                for (policy_id, profile_id), profile in wanted.items()
                if (policy_id, profile_id) not in existing
            ],
            ignore_conflicts=True,
            batch_size=2000,
        )
        back = {"active": True, "matched_at": now, "lapsed_at": None}
        again_login = [
            existing[k][0] for k, p in wanted.items() if k in existing and not existing[k][1] and p.applicant.user_id
        ]
        again_quiet = [
            existing[k][0]
            for k, p in wanted.items()
            if k in existing and not existing[k][1] and not p.applicant.user_id
        ]
        gone = [pk for k, (pk, active) in existing.items() if active and k not in wanted]
        again = PolicyMatch.objects.filter(pk__in=again_login).update(**back, notified=False)
        again += PolicyMatch.objects.filter(pk__in=again_quiet).update(**back, notified=True)
        lapsed = PolicyMatch.objects.filter(pk__in=gone, active=True).update(active=False, lapsed_at=now)
    return len(created) + again, lapsed


def _notify_new() -> int:
    """One message per enterprise with new matches, to its login; returns how many."""
    sent = 0
    while True:
        batch = list(
            PolicyMatch.objects.filter(notified=False)
            .order_by("profile_id")
            .values_list("profile_id", flat=True)
            .distinct()[:NOTIFY_PROFILES]
        )
        if not batch:
            return sent
        rows = list(
            PolicyMatch.objects.filter(notified=False, profile_id__in=batch)
            .order_by("pk")
            .values_list("pk", "profile_id", "profile__applicant__user_id", "policy__title", "district_id", "active")
        )
        by_profile: dict[int, list[str]] = defaultdict(list)
        recipients: dict[int, tuple[int | None, int]] = {}
        for _pk, profile_id, user_id, title, district_id, active in rows:
            if active:
                by_profile[profile_id].append(title)
            recipients[profile_id] = (user_id, district_id)
        users = User.objects.in_bulk([u for u, _d in recipients.values() if u is not None])
        districts = District.objects.in_bulk({d for _u, d in recipients.values()})
        messages: list[Notification] = []
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
            PolicyMatch.objects.filter(notified=False, profile_id__in=batch, pk__lte=max(r[0] for r in rows)).update(
                notified=True
            )
        sent += sum(1 for p in by_profile if recipients[p][0] in users)


def run(now: dt.datetime | None = None, *, full: bool = False) -> int:
    """One pass of matching (the job): returns the number of matches that changed."""
    now = now or clock.now()
    today = clock.today()
    last = MatchRun.objects.filter(finished_at__isnull=False).order_by("-started_at").first()
    since = None if full or last is None else last.started_at
    run_row = MatchRun.objects.create(started_at=now)
    new = lapsed = 0
    in_force = list(Policy.objects.in_force(today))
    gone = Policy.objects.exclude(pk__in=[p.pk for p in in_force])
    if since is None:
        policies = in_force
        changed: list[int] = []
    else:
        last_day = timezone.localdate(since)
        policies = [p for p in in_force if p.updated_at >= since or last_day < p.valid_from <= today]
        changed = list(EnterpriseProfile.objects.filter(updated_at__gte=since).values_list("pk", flat=True))
        # Only policies that left force since the last pass can still have active matches.
        gone = gone.filter(Q(updated_at__gte=since) | Q(valid_to__gte=last_day - dt.timedelta(days=1)))
    lapsed += PolicyMatch.objects.filter(policy_id__in=list(gone.values_list("pk", flat=True)), active=True).update(
        active=False, lapsed_at=now
    )
    ids = [p.pk for p in policies]
    with_rows = set(PolicyMatch.objects.filter(policy_id__in=ids).values_list("policy_id", flat=True).distinct())
    with_lapsed = set(
        PolicyMatch.objects.filter(policy_id__in=ids, active=False).values_list("policy_id", flat=True).distinct()
    )
    for policy in policies:
        n, out = match_policy(policy, today, now, has_rows=policy.pk in with_rows, has_lapsed=policy.pk in with_lapsed)
        new, lapsed = new + n, lapsed + out
    rest = [p for p in in_force if p not in policies]
    if changed and rest:
        if len(changed) <= PYTHON_PASS_LIMIT:
            n, out = match_profiles(changed, rest, today, now)
        else:
            n = out = 0
            for policy in rest:
                got, lost = match_policy(policy, today, now, profiles=changed)
                n, out = n + got, out + lost
        new, lapsed = new + n, lapsed + out
    if new > ANALYZE_AFTER and connection.vendor == "postgresql":
        # Planner statistics catch up with a table that just grew a lot (autovacuum would,
        # later); the next pass's anti-joins then probe the index instead of scanning.
        with connection.cursor() as cursor:
            cursor.execute(f"ANALYZE {PolicyMatch._meta.db_table}")
    told = _notify_new()
    MatchRun.objects.filter(pk=run_row.pk).update(
        finished_at=clock.now(), policies=len(policies), new_matches=new, lapsed=lapsed, notified=told
    )
    return new + lapsed


_IN_FORCE: dict[tuple[int, dt.date], tuple[tuple[int, Any], list[Policy]]] = {}


def policies_in_force(district_id: int, today: dt.date) -> list[Policy]:
    """The district's policies in force, read once per process until one of them changes.

    Every enterprise's page checks all of them (300 in a district); building 300 policies
    with their departments per request cost as much as the rest of the page. A count and
    the latest ``updated_at`` (every save and every status change moves it) tell whether
    the list kept in memory is still the district's. The instances are shared between
    requests: callers read them and never change them."""
    stamp = Policy.objects.filter(district_id=district_id).aggregate(n=Count("pk"), at=Max("updated_at"))
    key, version = (district_id, today), (stamp["n"], stamp["at"])
    hit = _IN_FORCE.get(key)
    if hit is not None and hit[0] == version:
        return hit[1]
    rows = list(
        Policy.objects.in_force(today)
        .filter(district_id=district_id)
        .select_related("department", "service_item")
        .only(*PAGE_FIELDS)
        .order_by("-valid_from", "pk")
    )
    for policy in rows:
        policy.parsed_conditions  # noqa: B018 — read once, here
    if len(_IN_FORCE) > 100:
        _IN_FORCE.clear()
    _IN_FORCE[key] = (version, rows)
    return rows


def for_enterprise(profile: EnterpriseProfile, today: dt.date) -> dict[str, Any]:
    """One enterprise's page: each policy in force it qualifies for (with every condition
    and the fact that meets it), those it could qualify for by confirming a missing fact,
    and what it received. The conditions are checked here on today's facts, so the page
    is right even before the next matching pass."""
    from dgov.policies.models import Grant

    received = list(Grant.objects.filter(profile=profile).select_related("policy").order_by("-granted_at"))
    this_period = {(g.policy_id, g.period_key) for g in received}
    matched: list[dict[str, Any]] = []
    near: list[dict[str, Any]] = []
    for policy in policies_in_force(profile.district_id, today):
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
    # Those closest first: the fewest facts to confirm.
    near.sort(key=lambda row: len(row["verdict"].missing))
    return {
        "matched": matched,
        "near": near[:NEAR_SHOWN],
        "more_near": max(0, len(near) - NEAR_SHOWN),
        "received": received,
    }
