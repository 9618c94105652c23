import datetime as dt
import io
from typing import Any

import pytest
from django.core.management import call_command

from dgov.lib.jobs import all_jobs
from dgov.ops.models import JobLease, Runner


@pytest.mark.django_db(transaction=True)  # run_jobs manages its connection as a process does
def test_run_jobs_leases_every_discovered_job_and_leaves_a_heartbeat() -> None:
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


def test_the_audit_chainer_and_exporter_stay_put_while_another_node_holds_them(
    db: Any, citizen: Any, settings: Any
) -> None:
    """One node at a time: while another runner holds the chainer's and the exporter's
    locks, this runner neither chains nor writes a checkpoint; once they are free, it does."""
    from django.db import transaction

    from dgov.audit.models import AuditCheckpoint, AuditLink
    from dgov.audit.trail import record
    from dgov.ops import leases
    from dgov.ops.tests.test_leases import hold_elsewhere, release_elsewhere

    with transaction.atomic():
        record("account.login", citizen, actor=citizen)
    jobs = [job for job in all_jobs() if job.name in {"audit_chained", "audit_checkpoints"}]
    held = [hold_elsewhere(f"job:{job.name}") for job in jobs]
    try:
        assert leases.run_due(jobs, runner="b:2", force=True) == {}
        assert not AuditLink.objects.exists() and not AuditCheckpoint.objects.exists()
    finally:
        for one, lock in zip(jobs, held, strict=True):
            release_elsewhere(lock, f"job:{one.name}")
    done = leases.run_due(jobs, runner="b:2", force=True)
    assert done["audit_chained"] >= 1 and AuditCheckpoint.objects.count() == 1
    assert (settings.AUDIT_CHECKPOINT_DIR / "checkpoints.jsonl").read_text().count("\n") == 1
