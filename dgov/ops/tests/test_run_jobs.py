import datetime as dt
import io
from typing import Any

from django.core.management import call_command

from dgov.lib.jobs import all_jobs
from dgov.ops.models import JobLease, Runner


def test_run_jobs_leases_every_discovered_job_and_leaves_a_heartbeat(db: Any) -> None:
    out = io.StringIO()
    call_command("run_jobs", once=True, stdout=out)
    names = {job.name for job in all_jobs()}
    assert {"audit_chained", "audit_checkpoints", "notifications_sent", "runners_forgotten"} <= names
    assert set(JobLease.objects.values_list("name", flat=True)) == names
    assert set(JobLease.objects.values_list("runs", flat=True)) == {1}
    assert Runner.objects.count() == 1
    assert "notifications_sent=0" in out.getvalue()


def test_a_second_pass_runs_only_what_is_due_again(db: Any, clock: Any) -> None:
    from django.utils import timezone

    from dgov.ops import leases

    start = timezone.now()
    clock.set(start)
    jobs = all_jobs()
    leases.run_due(jobs, runner="a:1")
    clock.set(start + dt.timedelta(seconds=3))
    again = leases.run_due(jobs, runner="a:1")
    every_pass = {job.name for job in jobs if job.every <= dt.timedelta(seconds=3)}
    assert set(again) == every_pass
    assert "orphan_files_removed" not in again  # a five-minute sweep


def test_no_cleanup_deletes_audit_entries_even_years_later(db: Any, clock: Any, citizen: Any) -> None:
    """等保 L3 keeps audit records at least 184 days; nothing the platform runs deletes one."""
    from django.db import transaction
    from django.utils import timezone

    from dgov.audit.models import AuditEntry, AuditLink
    from dgov.audit.trail import record
    from dgov.ops import leases

    with transaction.atomic():
        record("account.login", citizen, actor=citizen)
    entries = list(AuditEntry.objects.order_by("id").values_list("id", "verb"))
    start = timezone.now()
    for days in (1, 185, 400, 3 * 365):
        clock.set(start + dt.timedelta(days=days))
        leases.run_due(all_jobs(), runner="a:1", force=True)
    assert list(AuditEntry.objects.order_by("id").values_list("id", "verb"))[: len(entries)] == entries
    assert AuditLink.objects.filter(seq__in=[pk for pk, _verb in entries]).count() == len(entries)
