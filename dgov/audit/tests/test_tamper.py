"""Issue 19 §3: the six kinds of tampering an outside engineer tried, each caught and
named, on SQLite and on PostgreSQL. ``tamper`` runs SQL as a database writer would
(the append-only triggers out of the way); such a writer has no seal key."""

import datetime as dt
import json
import logging
import shutil

import pytest

from dgov.audit.chain import (
    CHECKPOINT_FILE,
    HEAD_FILE,
    PUBLIC_KEY_FILE,
    chain_pending,
    read_head,
    signed_line,
    write_checkpoint,
)
from dgov.audit.models import AuditCheckpoint, AuditEntry, AuditLink
from dgov.audit.testing import forged_entry, genuine_entry
from dgov.audit.verify import verify

pytestmark = pytest.mark.django_db


def broken() -> tuple[int | None, str]:
    report = verify()
    assert not report.intact, report.summary()
    return report.bad_seq, report.reason


def named_by_the_chainer(seq: int) -> bool:
    return AuditEntry.objects.filter(verb="audit.forged", object_type="audit.auditentry", object_id=str(seq)).exists()


@pytest.fixture
def trail(make_entries):
    """Entries, a signed checkpoint, then more entries chained after it (the chainer's
    head covers them, no checkpoint line yet)."""
    before = make_entries(5)
    write_checkpoint()
    after = make_entries(5)
    chain_pending()
    assert verify().intact
    return {"before": [e.pk for e in before], "after": [e.pk for e in after]}


# 1. Entry numbers 0 and below --------------------------------------------------------------


def test_a_row_numbered_zero_or_below_is_named_by_verify_and_by_the_chainer(trail, caplog):
    forged_entry(0)
    forged_entry(-7, seal=AuditEntry.objects.get(pk=trail["after"][0]).seal)  # even with a genuine seal

    assert broken() == (-7, "entry #-7 has a number the trail never hands out: it was inserted by hand.")
    with caplog.at_level(logging.ERROR, logger="dgov.audit.chain"):
        chain_pending()
        chain_pending()  # named once, however often the chainer runs
    assert named_by_the_chainer(0) and named_by_the_chainer(-7)
    assert AuditEntry.objects.filter(verb="audit.forged").count() == 2
    assert "Audit entry #-7 is forged (number)" in caplog.text


# 2. Rows above the chain head ----------------------------------------------------------


def test_a_row_inserted_above_the_head_is_named_before_the_chainer_runs(trail):
    row = forged_entry(verb="application.approve", object_type="applications.application", object_id="31")

    assert broken() == (
        row.pk,
        f"entry #{row.pk}, not chained yet, does not hold a valid seal: it was inserted without the application's key.",
    )


@pytest.mark.parametrize("how", ["no seal", "a seal from another row", "a made-up seal"])
def test_the_chainer_refuses_a_forged_row_above_the_head_and_names_it(trail, how, caplog):
    genuine = AuditEntry.objects.get(pk=trail["after"][0])
    seal = {"no seal": "", "a seal from another row": genuine.seal, "a made-up seal": "ab" * 24}[how]
    row = forged_entry(verb="application.approve", object_type="applications.application", object_id="31", seal=seal)
    later = genuine_entry(verb="test.later")

    with caplog.at_level(logging.ERROR, logger="dgov.audit.chain"):
        chain_pending()

    assert f"Audit entry #{row.pk} is forged (seal): the chainer refused it." in caplog.text
    assert named_by_the_chainer(row.pk)
    links = dict(AuditLink.objects.values_list("seq", "chain_hash"))
    assert links[row.pk] == links[trail["after"][-1]]  # a refusal link: it adds nothing to the chain
    assert later.pk in links  # the trail goes on past it
    assert broken() == (
        row.pk,
        f"entry #{row.pk} was written without the application's key (its seal does not hold): "
        "the chainer refused it as forged.",
    )


def test_a_genuine_row_copied_under_a_new_number_is_named_as_a_copy(trail, tamper):
    original = trail["after"][2]
    copy = max(trail["after"]) + 100
    tamper(
        "INSERT INTO audit_auditentry (id, at, district_id, actor_id, actor_name, role, ip, verb, object_type,"
        " object_id, object_repr, changes, request_id, outcome, seal) SELECT %s, at, district_id, actor_id,"
        " actor_name, role, ip, verb, object_type, object_id, object_repr, changes, request_id, outcome, seal"
        " FROM audit_auditentry WHERE id = %s",
        [copy, original],
    )
    chain_pending()  # its seal holds: only the repetition gives it away

    assert broken() == (copy, f"entry #{copy} repeats the seal of #{original}: it is a copy of a genuine entry.")


# 3. The tail cut off after the last checkpoint -----------------------------------------


def test_the_tail_cut_after_the_last_checkpoint_is_caught_by_the_chainers_signed_head(trail, tamper, settings):
    head = read_head()
    assert head is not None and head["seq"] == trail["after"][-1]
    assert AuditCheckpoint.objects.order_by("-seq").first().seq < trail["after"][0]  # no line covers them
    cut = trail["after"][1]
    tamper("DELETE FROM audit_auditentry WHERE id >= %s", [cut])
    tamper("DELETE FROM audit_auditlink WHERE seq >= %s", [cut])
    last = AuditLink.objects.order_by("-seq").first().seq

    bad, reason = broken()
    assert bad == last + 1
    assert reason.startswith(f"the chain ends at #{last} but the chainer's head signed at ")
    assert reason.endswith(f"covers #{trail['after'][-1]}: entries after #{last} were removed.")


def test_the_chainer_keeps_a_head_the_database_no_longer_reaches(trail, tamper, make_entries, caplog):
    cut = trail["after"][1]
    tamper("DELETE FROM audit_auditentry WHERE id >= %s", [cut])
    tamper("DELETE FROM audit_auditlink WHERE seq >= %s", [cut])
    make_entries(3)  # the platform goes on writing

    with caplog.at_level(logging.ERROR, logger="dgov.audit.chain"):
        chain_pending()

    assert read_head()["seq"] == trail["after"][-1]  # the evidence is kept
    assert "no longer reaches its signed head" in caplog.text
    assert not verify().intact


# 4. An edit after the last checkpoint, the chain recomputed ------------------------------


def test_an_edit_after_the_last_checkpoint_with_the_chain_recomputed_is_caught_by_the_seal(trail, tamper, settings):
    edited = trail["after"][2]
    tamper("UPDATE audit_auditentry SET verb = 'application.withdraw' WHERE id = %s", [edited])
    tamper("DELETE FROM audit_auditlink WHERE seq >= %s", [trail["after"][0]])
    (settings.AUDIT_CHECKPOINT_DIR / HEAD_FILE).unlink()  # no signing key: the head can only go
    unsealed, settings.AUDIT_UNSEALED_UPTO = settings.AUDIT_UNSEALED_UPTO, 10**9
    chain_pending()  # a chainer without seal checks: every link agrees with the edit
    settings.AUDIT_UNSEALED_UPTO = unsealed

    assert broken() == (
        edited,
        f"entry #{edited} does not hold a valid seal: it was written or changed without the application's key, "
        "and the chain recomputed to match.",
    )


def test_an_edit_the_chainer_sees_first_is_refused_and_named(trail, tamper, make_entries, caplog):
    written = make_entries(1)[0].pk  # not chained yet
    tamper("UPDATE audit_auditentry SET changes = %s WHERE id = %s", [json.dumps({"status": ["a", "b"]}), written])

    with caplog.at_level(logging.ERROR, logger="dgov.audit.chain"):
        chain_pending()

    assert named_by_the_chainer(written)
    assert broken()[0] == written


# 5. Re-signed with the key found in var/keys ---------------------------------------------


def resign_everything(settings) -> None:
    """What a holder of the signing key can do: sign the checkpoint file and the head
    again over whatever the chain now says."""
    path = settings.AUDIT_CHECKPOINT_DIR / CHECKPOINT_FILE
    links = dict(AuditLink.objects.values_list("seq", "chain_hash"))
    lines = []
    for text in path.read_text().splitlines():
        old = json.loads(text)
        seq = max(s for s in links if s <= old["seq"])
        lines.append(signed_line({"seq": seq, "chain_hash": links[seq], "at": old["at"]}))
    path.write_text("".join(json.dumps(line, sort_keys=True) + "\n" for line in lines))
    head = max(links)
    (settings.AUDIT_CHECKPOINT_DIR / HEAD_FILE).write_text(
        json.dumps(signed_line({"kind": "head", "seq": head, "chain_hash": links[head], "at": "2026-01-01T00:00:00Z"}))
    )


def test_an_edit_re_signed_with_the_signing_key_is_caught_by_the_seal(trail, tamper, settings):
    edited = trail["before"][1]
    tamper("UPDATE audit_auditentry SET actor_name = 'nobody' WHERE id = %s", [edited])
    tamper("DELETE FROM audit_auditlink")
    unsealed, settings.AUDIT_UNSEALED_UPTO = settings.AUDIT_UNSEALED_UPTO, 10**9
    (settings.AUDIT_CHECKPOINT_DIR / HEAD_FILE).unlink()
    chain_pending()
    settings.AUDIT_UNSEALED_UPTO = unsealed
    resign_everything(settings)  # every signature verifies again

    assert broken() == (
        edited,
        f"entry #{edited} does not hold a valid seal: it was written or changed without the application's key, "
        "and the chain recomputed to match.",
    )


def test_rows_deleted_and_re_signed_with_the_signing_key_are_caught_by_the_trails_record_of_its_checkpoints(
    trail, tamper, settings
):
    gone = trail["before"][1]
    tamper("DELETE FROM audit_auditentry WHERE id = %s", [gone])
    tamper("DELETE FROM audit_auditlink")
    (settings.AUDIT_CHECKPOINT_DIR / HEAD_FILE).unlink()
    chain_pending()  # a gap is what a rollback leaves too: the chain alone cannot tell
    resign_everything(settings)
    recorded = AuditEntry.objects.get(verb="audit.checkpoint")

    bad, reason = broken()
    assert bad == recorded.pk
    assert reason.startswith(f"entry #{recorded.pk} records a checkpoint of #{trail['before'][-1]} signed at ")
    assert reason.endswith("that the checkpoint file does not hold: the file was replaced or cut.")


# 6. The checkpoint file deleted together with the checkpoint rows ------------------------


def delete_what_is_outside(settings, tamper) -> None:
    shutil.rmtree(settings.AUDIT_CHECKPOINT_DIR)
    tamper("DELETE FROM audit_auditcheckpoint")


def test_deleting_the_checkpoint_file_and_rows_leaves_a_trail_no_checkpoint_covers(
    clock, make_entries, tamper, settings
):
    started = dt.datetime(2026, 11, 30, 9, 0, tzinfo=dt.UTC)
    clock.set(started)
    make_entries(3)
    write_checkpoint()
    clock.set(started + dt.timedelta(hours=3))
    make_entries(2)
    write_checkpoint()
    assert verify().intact

    delete_what_is_outside(settings, tamper)

    bad, reason = broken()
    assert bad is None
    assert reason.startswith("no signed checkpoint covers the trail although its first entry (#")
    assert reason.endswith("the checkpoint file is missing, or the job runner does not run.")


def test_a_checkpoint_file_started_afresh_after_the_deletion_is_caught_by_the_trails_record(
    clock, make_entries, tamper, settings
):
    started = dt.datetime(2026, 11, 30, 9, 0, tzinfo=dt.UTC)
    clock.set(started)
    make_entries(3)
    write_checkpoint()
    recorded = AuditEntry.objects.get(verb="audit.checkpoint").pk
    clock.set(started + dt.timedelta(hours=3))
    delete_what_is_outside(settings, tamper)
    make_entries(2)
    write_checkpoint()  # the job runner carries on, into a new file

    bad, reason = broken()
    assert bad == recorded
    assert reason.endswith("that the checkpoint file does not hold: the file was replaced or cut.")


def test_a_checkpoint_file_started_afresh_with_the_trails_record_erased_too_is_caught(
    clock, make_entries, tamper, settings
):
    started = dt.datetime(2026, 11, 30, 9, 0, tzinfo=dt.UTC)
    clock.set(started)
    make_entries(3)
    write_checkpoint()
    clock.set(started + dt.timedelta(hours=3))
    delete_what_is_outside(settings, tamper)
    tamper("DELETE FROM audit_auditentry WHERE verb = 'audit.checkpoint'")
    tamper("DELETE FROM audit_auditlink")  # and the chain recomputed over the gap
    make_entries(2)
    write_checkpoint()

    bad, reason = broken()
    assert bad is None
    assert reason.startswith(
        "the first signed checkpoint (2026-11-30T12:00:00.000000Z) came long after the first entry"
    )
    assert reason.endswith("the checkpoint file was replaced.")


def test_a_trail_whose_first_checkpoint_came_in_time_verifies(clock, make_entries):
    started = dt.datetime(2026, 11, 30, 9, 0, tzinfo=dt.UTC)
    clock.set(started)
    make_entries(3)
    clock.set(started + dt.timedelta(minutes=2))
    write_checkpoint()
    clock.set(started + dt.timedelta(hours=3))
    make_entries(2)
    write_checkpoint()

    assert verify().intact


def test_the_public_key_alone_deleted_is_caught(trail, settings):
    (settings.AUDIT_CHECKPOINT_DIR / PUBLIC_KEY_FILE).unlink()

    assert broken()[1].endswith(f"{settings.AUDIT_CHECKPOINT_DIR / PUBLIC_KEY_FILE} is missing.")
