import base64
import datetime as dt
import json
import stat

import pytest
from cryptography.hazmat.primitives import serialization
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command

from dgov.audit.chain import chain_and_checkpoint, chain_pending, due_for_checkpoint, write_checkpoint
from dgov.audit.models import AuditCheckpoint, AuditEntry, AuditLink, canonical_bytes

pytestmark = pytest.mark.django_db


def _lines(settings) -> list[dict]:
    path = settings.AUDIT_CHECKPOINT_DIR / "checkpoints.jsonl"
    return [json.loads(line) for line in path.read_text().splitlines()]


def test_a_checkpoint_chains_first_then_signs_the_head_outside_the_database(make_entries, settings):
    entries = make_entries(3)
    checkpoint = write_checkpoint()
    head = AuditLink.objects.get(seq=entries[-1].pk)
    assert (checkpoint.seq, checkpoint.chain_hash) == (head.seq, head.chain_hash)
    [line] = _lines(settings)
    assert set(line) == {"seq", "chain_hash", "at", "key_id", "signature"}
    assert (line["seq"], line["chain_hash"], line["key_id"]) == (head.seq, head.chain_hash, checkpoint.key_id)
    public = serialization.load_pem_public_key((settings.AUDIT_CHECKPOINT_DIR / "public-key.pem").read_bytes())
    body = {name: line[name] for name in ("seq", "chain_hash", "at", "key_id")}
    public.verify(base64.b64decode(line["signature"]), canonical_bytes(body))  # raises if it does not verify
    assert AuditCheckpoint.objects.count() == 1


def test_the_signing_key_is_created_once_readable_by_its_owner_only(make_entries, settings):
    make_entries(1)
    write_checkpoint()
    key_file = settings.AUDIT_SIGNING_KEY_FILE
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    first = key_file.read_bytes()
    make_entries(1)
    write_checkpoint()
    assert key_file.read_bytes() == first
    assert len({line["key_id"] for line in _lines(settings)}) == 1


def test_a_replaced_signing_key_stops_the_checkpoints(make_entries, settings):
    make_entries(1)
    write_checkpoint()
    settings.AUDIT_SIGNING_KEY_FILE.unlink()
    with pytest.raises(ImproperlyConfigured, match="does not match"):
        write_checkpoint()


def test_an_empty_chain_has_no_checkpoint_and_none_is_due(db, settings):
    assert due_for_checkpoint() is False
    assert write_checkpoint() is None
    assert not (settings.AUDIT_CHECKPOINT_DIR / "checkpoints.jsonl").exists()


def test_a_checkpoint_is_due_when_the_interval_has_passed(make_entries, settings):
    make_entries(1)
    assert due_for_checkpoint() is False  # nothing chained yet
    call_command("audit_chain", stdout=None)
    assert due_for_checkpoint() is True
    write_checkpoint()
    assert due_for_checkpoint() is False
    settings.AUDIT_CHECKPOINT_INTERVAL = dt.timedelta(0)
    assert due_for_checkpoint() is False  # nothing chained since: nothing new to sign
    make_entries(1)
    chain_pending()
    assert due_for_checkpoint() is True


def test_a_checkpoint_is_due_every_minute_and_every_thousand_links_by_default(make_entries, settings):
    assert dt.timedelta(minutes=1) == settings.AUDIT_CHECKPOINT_INTERVAL
    assert settings.AUDIT_CHECKPOINT_ENTRIES == 1000
    settings.AUDIT_CHECKPOINT_ENTRIES = 3
    make_entries(1)
    write_checkpoint()
    make_entries(1)
    chain_pending()
    assert due_for_checkpoint() is False  # two links since, within the minute
    make_entries(1)
    chain_pending()
    assert due_for_checkpoint() is True  # three links since


def test_an_idle_trail_is_not_signed_again_for_its_checkpoints_own_entry(make_entries, settings):
    make_entries(1)
    write_checkpoint()
    chain_pending()  # links the audit.checkpoint entry
    settings.AUDIT_CHECKPOINT_INTERVAL = dt.timedelta(0)

    assert due_for_checkpoint() is False


def test_the_job_signs_a_checkpoint_every_thousand_links_however_many_wait(make_entries, settings):
    settings.AUDIT_CHECKPOINT_ENTRIES = 4
    make_entries(10)

    assert chain_and_checkpoint() >= 10
    lines = _lines(settings)
    heads = [line["seq"] for line in lines]
    links = list(AuditLink.objects.order_by("seq").values_list("seq", flat=True))
    # No checkpoint covers more than four links beyond the one before it.
    for before, after in zip([0, *heads], heads, strict=False):
        assert len([seq for seq in links if before < seq <= after]) <= 4
    assert heads[-1] >= max(entry.pk for entry in AuditEntry.objects.filter(verb="test.act"))


def test_the_commands_chain_and_checkpoint(make_entries, settings, capsys):
    make_entries(2)
    call_command("audit_chain")
    assert "chained=2" in capsys.readouterr().out
    call_command("audit_checkpoint")
    assert "checkpoint seq=" in capsys.readouterr().out
    assert len(_lines(settings)) == 1
