"""Issue 19 §3: the seal key, the production check that the keys are off the database host
(the checkpoint directory: dgov_ops.E003), and the remote copy of each checkpoint."""

import json
import socket
import stat

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.db import connection

from dgov.audit import seal as seal_module
from dgov.audit.chain import SELECT_ENTRIES, write_checkpoint
from dgov.audit.checks import keys_off_the_database_host, off_host_problems
from dgov.audit.context import RequestContext, current
from dgov.audit.models import AuditEntry
from dgov.audit.seal import seal_holds, seal_key
from dgov.audit.trail import record
from dgov.audit.verify import verify

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("ip", "changes"),
    [
        ("127.0.0.1", {"amount": [1e20, 0.1], "whole": 1.0, "big": 2**70, "zero": -0.0}),
        ("2001:0db8:0000:0000:0000:0000:0000:0001", {"名称": "营业执照", "nested": {"b": [True, None], "a": "x"}}),
        ("::ffff:10.0.0.1", {3: "a number as a key", "quote": 'say "hi"\\'}),
    ],
)
def test_a_seal_made_in_python_holds_for_what_the_database_gives_back(ip, changes, district):
    token = current.set(RequestContext(request_id="r-1", ip=ip, request=None))
    try:
        written = record("test.act", district=district, object_type="test.thing", object_id="1", changes=changes)
    finally:
        current.reset(token)
    with connection.cursor() as cursor:
        cursor.execute(SELECT_ENTRIES, [written.pk - 1, written.pk, 1])
        row = cursor.fetchone()

    assert seal_holds(row, row[14], seal_key())
    assert verify().intact


def test_the_seal_covers_every_column_but_the_number(district):
    written = record("test.act", district=district, object_type="test.thing", object_id="1")
    with connection.cursor() as cursor:
        cursor.execute(SELECT_ENTRIES, [written.pk - 1, written.pk, 1])
        row = list(cursor.fetchone())
    key = seal_key()
    assert seal_holds([10**9, *row[1:]], row[14], key)  # the number is the database's
    for column in range(1, 14):
        changed = list(row)
        changed[column] = {"x": 1} if column == 11 else ("2026-01-01 00:00:00" if column == 1 else 424242)
        assert not seal_holds(changed, row[14], key), column


def test_the_seal_key_is_made_outside_production_readable_by_its_owner_only(settings):
    path = settings.AUDIT_SEAL_KEY_FILE
    assert not path.exists()
    key = seal_key()

    assert len(key) == 32
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert path.parent != settings.AUDIT_SIGNING_KEY_FILE.parent or path != settings.AUDIT_SIGNING_KEY_FILE


def test_in_production_a_missing_seal_key_stops_writing_instead_of_making_a_new_one(settings, district):
    settings.PRODUCTION = True

    with pytest.raises(ImproperlyConfigured, match="audit_keys"):
        record("test.act", district=district)
    assert not settings.AUDIT_SEAL_KEY_FILE.exists()
    assert not AuditEntry.objects.exists()


def test_the_keys_command_provisions_both_keys_once(settings, capsys):
    call_command("audit_keys")
    first = settings.AUDIT_SEAL_KEY_FILE.read_bytes()
    call_command("audit_keys")

    out = capsys.readouterr().out
    assert "created" in out and "kept" in out
    assert settings.AUDIT_SEAL_KEY_FILE.read_bytes() == first
    assert settings.AUDIT_SIGNING_KEY_FILE.exists()


# -- Off the database host ---------------------------------------------------------------


def ids(database) -> set[str]:
    return {message.id for message in off_host_problems(database)}


REMOTE = {"ENGINE": "django.db.backends.postgresql", "HOST": "db.internal"}  # unresolvable: not this host


@pytest.fixture
def production(settings, tmp_path):
    settings.PRODUCTION = True
    settings.AUDIT_SYSLOG = "udp://logs.example:514"
    settings.AUDIT_SIGNING_KEY_FILE = tmp_path / "keys" / "sign.pem"
    settings.AUDIT_SEAL_KEY_FILE = tmp_path / "keys" / "seal.key"
    return settings


@pytest.fixture
def keys_on_nfs(monkeypatch, tmp_path):
    """The keys' directory is an NFS mount of another host (a mounts table that says so)."""
    (tmp_path / "keys").mkdir()
    mounts = tmp_path / "mounts"
    mounts.write_text(f"/dev/sda1 / ext4 rw 0 0\narchive:/keys {tmp_path / 'keys'} nfs4 rw 0 0\n")
    monkeypatch.setattr("dgov.ops.checks.MOUNTS", str(mounts))


def test_outside_production_nothing_is_checked(settings):
    settings.PRODUCTION = False
    assert keys_off_the_database_host() == []


@pytest.mark.parametrize("host", ["", "localhost", "127.0.0.1", "::1", "/var/run/postgresql"])
def test_a_database_on_this_host_with_the_keys_on_a_local_disk_is_refused(production, host):
    messages = off_host_problems({"ENGINE": "django.db.backends.postgresql", "HOST": host})

    assert [m.id for m in messages] == ["audit.E002", "audit.E002"]
    assert "DGOV_AUDIT_SEAL_KEY_FILE" in messages[1].msg


def test_a_database_on_this_host_with_the_keys_on_another_hosts_mount_passes(production, keys_on_nfs):
    assert ids({"ENGINE": "django.db.backends.postgresql", "HOST": "127.0.0.1"}) == set()


def test_a_remote_database_with_the_keys_on_this_host_passes(production):
    assert ids(REMOTE) == set()


def test_one_file_for_both_keys_is_refused_and_no_remote_copy_is_warned(production, tmp_path):
    production.AUDIT_SIGNING_KEY_FILE = production.AUDIT_SEAL_KEY_FILE = tmp_path / "keys" / "one"
    production.AUDIT_SYSLOG = ""

    assert ids(REMOTE) == {"audit.E003", "audit.W001"}


# -- The remote copy ---------------------------------------------------------------------


@pytest.mark.parametrize("transport", ["udp", "tcp"])
def test_each_checkpoint_is_sent_to_syslog(make_entries, settings, transport):
    kind = socket.SOCK_DGRAM if transport == "udp" else socket.SOCK_STREAM
    with socket.socket(socket.AF_INET, kind) as server:
        server.bind(("127.0.0.1", 0))
        server.settimeout(5)
        if transport == "tcp":
            server.listen(1)
        settings.AUDIT_SYSLOG = f"{transport}://127.0.0.1:{server.getsockname()[1]}"
        make_entries(2)
        checkpoint = write_checkpoint()
        if transport == "tcp":
            connection_, _address = server.accept()
            with connection_:
                connection_.settimeout(5)
                received = connection_.recv(65536)
        else:
            received = server.recv(65536)

    text = received.decode()
    assert text.startswith("<")  # a syslog priority: authpriv.info
    line = json.loads(text[text.index("{") :].strip())
    assert (line["seq"], line["chain_hash"]) == (checkpoint.seq, checkpoint.chain_hash)
    assert line["signature"]
    written = (settings.AUDIT_CHECKPOINT_DIR / "checkpoints.jsonl").read_text().strip()
    assert json.loads(written) == line


def test_a_syslog_that_cannot_be_reached_does_not_stop_the_checkpoint(make_entries, settings, caplog):
    with socket.socket() as closed:
        closed.bind(("127.0.0.1", 0))
        port = closed.getsockname()[1]
    settings.AUDIT_SYSLOG = f"tcp://127.0.0.1:{port}"
    make_entries(1)

    assert write_checkpoint() is not None
    assert "could not be sent to syslog" in caplog.text


def test_a_syslog_copy_verifies_the_trail_like_the_file(make_entries, settings, tmp_path):
    make_entries(2)
    write_checkpoint()
    copy = tmp_path / "received"
    copy.mkdir()
    lines = (settings.AUDIT_CHECKPOINT_DIR / "checkpoints.jsonl").read_text().splitlines()
    (copy / "checkpoints.jsonl").write_text("".join(f"<86>Dec  3 10:00:00 app {line}\n" for line in lines))
    (copy / "public-key.pem").write_bytes((settings.AUDIT_CHECKPOINT_DIR / "public-key.pem").read_bytes())

    assert verify(copy).intact


@pytest.mark.parametrize(
    ("written", "read"),
    [
        ({"a": 1e20}, '{"a": 100000000000000000000}'),
        ({"a": 1.2345e25}, '{"a": 12345000000000000000000000}'),
        ({"a": 1.0, "b": -0.0}, '{"b": 0, "a": 1.0}'),
        ({"a": 1.5e-7}, '{"a": 0.00000015}'),
        ({"a": [2**70]}, '{"a": [1180591620717411303424]}'),
        ({1: "key"}, '{"1": "key"}'),
    ],
)
def test_numbers_are_read_the_same_way_whatever_the_database_made_of_them(written, read):
    assert seal_module.changes_text(written) == seal_module.changes_text(read)


def test_a_number_and_its_text_are_not_the_same_change():
    assert seal_module.changes_text({"a": 1}) != seal_module.changes_text({"a": "1"})


def test_an_entry_written_in_the_statement_of_its_object_is_sealed_and_chained(district):
    from dgov.audit.chain import chain_pending
    from dgov.audit.trail import entry, writing
    from dgov.lib import fastsql

    head = entry("bench.head", district=district)
    trace = entry("bench.together", head, district=district, object_id=fastsql.HEAD_PK)
    fastsql.run([writing(head), writing(trace)])
    chain_pending()

    assert AuditEntry.objects.get(pk=trace.pk).object_id == str(head.pk)
    assert not AuditEntry.objects.filter(verb="audit.forged").exists()
    assert verify().intact
