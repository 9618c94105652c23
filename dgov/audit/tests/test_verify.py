import json
import shutil

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from dgov.audit.chain import chain_pending, write_checkpoint
from dgov.audit.models import AuditEntry
from dgov.audit.testing import genuine_entry, triggers_suspended
from dgov.audit.verify import verify

pytestmark = pytest.mark.django_db

COLUMNS = ("at", "verb", "object_type", "object_id", "changes")


@pytest.fixture
def trail(make_entries):
    """Ten chained entries, a signed checkpoint at the sixth (its own audit.checkpoint
    entry follows it), then four more."""
    entries = make_entries(6)
    write_checkpoint()
    entries += make_entries(4)
    chain_pending()
    return [entry.pk for entry in entries]


def relink_without_seals(settings) -> None:
    """The chain recomputed by someone who has the code but not the seal key: the
    chainer of this code would refuse the edited row, so seals are left out of it."""
    unsealed, settings.AUDIT_UNSEALED_UPTO = settings.AUDIT_UNSEALED_UPTO, 10**12
    (settings.AUDIT_CHECKPOINT_DIR / "head.json").unlink(missing_ok=True)
    chain_pending()
    settings.AUDIT_UNSEALED_UPTO = unsealed


def _broken() -> tuple[int | None, str]:
    report = verify()
    assert not report.intact
    return report.bad_seq, report.reason


def test_an_intact_trail_verifies_with_a_one_line_summary(trail, make_entries, capsys):
    make_entries(2)  # not chained yet: pending
    call_command("verify_audit")
    out = capsys.readouterr().out.strip()
    assert out == (
        f"Audit trail intact: 11 entries checked, chained up to #{trail[-1]}, last checkpoint #{trail[5]}, 2 pending."
    )


def test_verify_fails_with_exit_status_1_naming_the_first_bad_number(trail, tamper):
    tamper("UPDATE audit_auditentry SET verb = 'forged' WHERE id = %s", [trail[3]])
    with pytest.raises(CommandError) as raised:
        call_command("verify_audit")
    assert raised.value.returncode == 1
    assert str(raised.value).startswith(f"Audit trail broken at #{trail[3]}: ")


def test_verify_catches_an_edited_row(trail, tamper):
    tamper("UPDATE audit_auditentry SET changes = %s WHERE id = %s", [json.dumps({"status": ["a", "b"]}), trail[7]])
    assert _broken() == (
        trail[7],
        f"entry #{trail[7]} does not match the chain: it was changed (or swapped with another).",
    )


def test_verify_catches_a_change_of_the_time_alone(trail, tamper):
    tamper(
        "UPDATE audit_auditentry SET at = (SELECT at FROM audit_auditentry WHERE id = %s) WHERE id = %s",
        [trail[0], trail[8]],
    )
    assert _broken()[0] == trail[8]


def test_verify_catches_a_deleted_row(trail, tamper):
    tamper("DELETE FROM audit_auditentry WHERE id = %s", [trail[2]])
    assert _broken() == (trail[2], f"entry #{trail[2]} is missing: it was deleted (or its link inserted).")


def test_verify_catches_a_deleted_row_and_its_link(trail, tamper):
    tamper("DELETE FROM audit_auditentry WHERE id = %s", [trail[8]])
    tamper("DELETE FROM audit_auditlink WHERE seq = %s", [trail[8]])
    assert _broken()[0] == trail[9]


def test_verify_catches_an_inserted_row(trail, tamper):
    # A gap below the chained head (a rollback on PostgreSQL), then a row slipped into it.
    tamper("DELETE FROM audit_auditlink")
    tamper("DELETE FROM audit_auditcheckpoint")
    gap = trail[-1] + 1
    genuine_entry(gap + 1, "test.after_gap")
    chain_pending()
    AuditEntry.objects.create(id=gap, at=AuditEntry.objects.get(pk=trail[0]).at, verb="forged")
    bad, reason = _broken()
    assert bad == gap and "has no chain link although later entries are chained" in reason


def test_verify_catches_an_inserted_link_without_its_entry(trail, tamper):
    tamper("INSERT INTO audit_auditlink (seq, chain_hash) VALUES (%s, %s)", [trail[-1] + 1, "ab" * 32])
    assert _broken() == (trail[-1] + 1, f"entry #{trail[-1] + 1} is missing: it was deleted (or its link inserted).")


def test_verify_catches_a_swapped_pair_of_rows(trail, tamper):
    first, second = (AuditEntry.objects.filter(pk=pk).values(*COLUMNS).get() for pk in (trail[4], trail[7]))
    with triggers_suspended(connection):
        AuditEntry.objects.filter(pk=trail[4]).update(**second)
        AuditEntry.objects.filter(pk=trail[7]).update(**first)
    assert _broken()[0] == trail[4]


def test_verify_catches_rows_truncated_after_the_last_checkpoint(trail, tamper):
    # The tail goes, entries and links alike, down to below the signed checkpoint.
    tamper("DELETE FROM audit_auditentry WHERE id >= %s", [trail[4]])
    tamper("DELETE FROM audit_auditlink WHERE seq >= %s", [trail[4]])
    bad, reason = _broken()
    assert bad == trail[3] + 1
    assert f"the chain ends at #{trail[3]} but the checkpoint signed at" in reason and f"covers #{trail[5]}" in reason


def test_verify_catches_a_chain_recomputed_after_an_edit(trail, tamper, settings):
    tamper("UPDATE audit_auditentry SET verb = 'forged' WHERE id = %s", [trail[1]])
    tamper("DELETE FROM audit_auditlink")
    relink_without_seals(settings)  # every link now agrees with the forged row
    bad, reason = _broken()
    # The edited row's seal no longer holds: caught at the row itself.
    assert (bad, reason) == (
        trail[1],
        f"entry #{trail[1]} does not hold a valid seal: it was written or changed without the application's key, "
        "and the chain recomputed to match.",
    )


def test_without_seals_the_signed_checkpoint_still_disagrees_with_a_recomputed_chain(trail, tamper, settings):
    tamper("UPDATE audit_auditentry SET verb = 'forged' WHERE id = %s", [trail[1]])
    tamper("DELETE FROM audit_auditlink")
    relink_without_seals(settings)
    settings.AUDIT_UNSEALED_UPTO = trail[-1]  # as if the entries predated seals
    bad, reason = _broken()
    assert bad == trail[5]
    assert "differs from the checkpoint signed at" in reason and "chain recomputed" in reason


def test_a_later_checkpoint_does_not_hide_a_recomputed_chain(trail, tamper, settings):
    tamper("UPDATE audit_auditentry SET verb = 'forged' WHERE id = %s", [trail[1]])
    tamper("DELETE FROM audit_auditlink")
    relink_without_seals(settings)
    write_checkpoint()  # signs the forged chain's head, but the older line still disagrees
    settings.AUDIT_UNSEALED_UPTO = trail[-1]
    assert _broken()[0] == trail[5]


def test_verify_catches_a_checkpoint_whose_signature_does_not_verify(trail, settings):
    path = settings.AUDIT_CHECKPOINT_DIR / "checkpoints.jsonl"
    line = json.loads(path.read_text())
    line["chain_hash"] = "0" * 64
    path.write_text(json.dumps(line) + "\n")
    assert _broken() == (trail[5], "the signature of checkpoint line 1 does not verify.")


def test_verify_catches_a_checkpoint_signed_by_another_key(trail, settings):
    settings.AUDIT_SIGNING_KEY_FILE.unlink()
    (settings.AUDIT_CHECKPOINT_DIR / "public-key.pem").unlink()
    write_checkpoint()  # a new key signs the second line; public-key.pem is the new one
    assert _broken() == (trail[5], "checkpoint line 1 was signed by another key.")


def test_verify_catches_a_missing_checkpoint_file(trail, settings):
    (settings.AUDIT_CHECKPOINT_DIR / "checkpoints.jsonl").unlink()
    bad, reason = _broken()
    assert bad is None and "is missing although the database records 1 checkpoints" in reason


def test_verify_checks_against_an_exported_copy_of_the_checkpoints(trail, settings, tmp_path, tamper):
    copy = tmp_path / "exported"
    shutil.copytree(settings.AUDIT_CHECKPOINT_DIR, copy)
    (settings.AUDIT_CHECKPOINT_DIR / "checkpoints.jsonl").write_text("")
    tamper("UPDATE audit_auditentry SET verb = 'forged' WHERE id = %s", [trail[1]])
    tamper("DELETE FROM audit_auditlink")
    relink_without_seals(settings)
    settings.AUDIT_UNSEALED_UPTO = trail[-1]
    with pytest.raises(CommandError, match=f"broken at #{trail[5]}"):
        call_command("verify_audit", checkpoints=copy)


def test_verify_reads_in_chunks_across_their_edges(trail, tamper):
    assert verify(chunk=3).checked == 11
    tamper("UPDATE audit_auditentry SET verb = 'forged' WHERE id = %s", [trail[6]])
    report = verify(chunk=3)
    assert report.bad_seq == trail[6]
