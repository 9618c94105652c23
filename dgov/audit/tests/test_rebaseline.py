"""Issue 19 §3: a legitimate restore told apart from tampering. Without a re-baseline
agreed by two administrators, ``verify_audit`` reports what the restore undid."""

import json

import pytest
from django.db import connection
from django.urls import reverse

from dgov.audit.chain import CHECKPOINT_FILE, chain_pending, write_checkpoint
from dgov.audit.models import AuditEntry, AuditLink, Rebaseline
from dgov.audit.testing import forged_entry
from dgov.audit.verify import verify

pytestmark = pytest.mark.django_db

PAGE = reverse("audit:rebaseline")


@pytest.fixture
def second_administrator(make_staff):
    return make_staff("administrator", "admin2", department="ZWFW")


def restore_backup_taken_at(seq: int, tamper) -> None:
    """What restoring a backup taken when the chain ended at ``seq`` does to the audit
    tables, the entry numbers included (they are handed out again)."""
    tamper("DELETE FROM audit_auditentry WHERE id > %s", [seq])
    tamper("DELETE FROM audit_auditlink WHERE seq > %s", [seq])
    tamper("DELETE FROM audit_auditcheckpoint WHERE seq > %s", [seq])
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT setval('audit_auditentry_id_seq', %s)", [seq])
        else:
            cursor.execute("UPDATE sqlite_sequence SET seq = %s WHERE name = 'audit_auditentry'", [seq])


@pytest.fixture
def restored(make_entries, tamper):
    """A trail checkpointed twice; the database restored from a backup taken between
    the two; the platform then goes on writing (numbers reused)."""
    make_entries(4)
    write_checkpoint()
    backup = AuditLink.objects.order_by("-seq").first().seq
    make_entries(4)
    write_checkpoint()
    restore_backup_taken_at(backup, tamper)
    make_entries(3)
    chain_pending()
    return backup


def test_a_restore_without_a_re_baseline_is_reported_as_entries_removed(restored):
    report = verify()

    assert not report.intact
    assert report.bad_seq > restored
    assert "chain recomputed" in report.reason or "removed" in report.reason


def test_two_administrators_re_baseline_and_the_trail_verifies_again(
    client, restored, administrator, second_administrator, settings
):
    client.force_login(administrator)
    response = client.post(PAGE, {"seq": restored, "reason": "Restored the backup of 02:00 after the disk failed."})
    assert response.status_code == 302
    request = Rebaseline.objects.get()
    assert (request.seq, request.requested_by, request.approved_at) == (restored, administrator, None)
    assert not verify().intact  # asked for, not yet agreed

    client.force_login(second_administrator)
    page = client.get(PAGE).content.decode()
    assert reverse("audit:rebaseline_approve", args=[request.pk]) in page
    assert client.post(reverse("audit:rebaseline_approve", args=[request.pk])).status_code == 302

    report = verify()
    assert report.intact, report.summary()
    line = json.loads((settings.AUDIT_CHECKPOINT_DIR / CHECKPOINT_FILE).read_text().splitlines()[-1])
    assert (line["kind"], line["seq"], line["requested_by"], line["approved_by"]) == (
        "rebaseline",
        restored,
        "admin",
        "admin2",
    )
    assert AuditEntry.objects.filter(verb="audit.rebaseline_request", actor=administrator).exists()
    assert AuditEntry.objects.filter(verb="audit.rebaseline", actor=second_administrator).exists()
    # The platform goes on: later checkpoints verify against the restored history.
    write_checkpoint()
    assert verify().intact


def test_the_administrator_who_asked_cannot_agree(client, restored, administrator):
    client.force_login(administrator)
    client.post(PAGE, {"seq": restored, "reason": "restore"})
    request = Rebaseline.objects.get()

    page = client.get(PAGE).content.decode()
    assert "A second administrator must agree, not the one who asked." in page
    response = client.post(reverse("audit:rebaseline_approve", args=[request.pk]))

    assert response.status_code == 403
    assert Rebaseline.objects.get().approved_at is None
    assert not verify().intact


def test_a_re_baseline_is_agreed_once(client, restored, administrator, second_administrator, make_staff):
    third = make_staff("administrator", "admin3", department="ZWFW")
    client.force_login(administrator)
    client.post(PAGE, {"seq": restored, "reason": "restore"})
    request = Rebaseline.objects.get()
    client.force_login(second_administrator)
    client.post(reverse("audit:rebaseline_approve", args=[request.pk]))

    client.force_login(third)
    response = client.post(reverse("audit:rebaseline_approve", args=[request.pk]))

    assert response.status_code == 403
    assert Rebaseline.objects.get().approved_by == second_administrator


@pytest.mark.parametrize("who", ["clerk", "auditor"])
def test_only_administrators_see_or_use_the_page(client, restored, who, clerk, auditor):
    client.force_login({"clerk": clerk, "auditor": auditor}[who])

    assert client.get(PAGE).status_code == 403
    assert client.post(PAGE, {"seq": restored, "reason": "x"}).status_code == 403
    assert not Rebaseline.objects.exists()


def test_a_re_baseline_at_an_entry_that_is_not_chained_is_refused_with_a_message(client, administrator, make_entries):
    make_entries(2)
    chain_pending()
    client.force_login(administrator)
    response = client.post(PAGE, {"seq": 10**6, "reason": "restore"})

    assert response.status_code == 409
    assert "Entry #1000000 is not chained." in response.content.decode()
    assert not Rebaseline.objects.exists()


def test_a_re_baseline_acknowledges_a_forged_row_the_chainer_refused(
    client, make_entries, administrator, second_administrator
):
    make_entries(2)
    row = forged_entry()
    chain_pending()
    assert verify().bad_seq == row.pk
    head = AuditLink.objects.order_by("-seq").first().seq

    client.force_login(administrator)
    client.post(PAGE, {"seq": head, "reason": f"Forged row #{row.pk} looked into; the writer's account is closed."})
    client.force_login(second_administrator)
    client.post(reverse("audit:rebaseline_approve", args=[Rebaseline.objects.get().pk]))

    report = verify()
    assert report.intact
    assert report.acknowledged == [row.pk]
    assert f"acknowledged by a re-baseline: #{row.pk}." in report.summary()


def test_a_re_baseline_line_agreed_by_its_own_asker_does_not_count(make_entries, settings):
    from dgov.audit.chain import append_line, signed_line

    make_entries(2)
    write_checkpoint()
    link = AuditLink.objects.order_by("seq").first()
    line = signed_line(
        {
            "kind": "rebaseline",
            "seq": link.seq,
            "chain_hash": link.chain_hash,
            "at": "2026-12-01T00:00:00.000000Z",
            "requested_by": "admin",
            "approved_by": "admin",
            "rebaseline": 1,
        },
        ("seq", "chain_hash", "at", "key_id", "kind", "requested_by", "approved_by", "rebaseline"),
    )
    append_line(line)

    report = verify()
    assert report.reason == "the re-baseline of line 2 was not agreed by a second administrator."
