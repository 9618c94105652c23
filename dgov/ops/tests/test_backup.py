"""The restore drill (issue 16 §2): fill, back up, destroy, restore into a fresh cluster,
then the audit trail verifies, every certificate verifies, every file is there and the
counts match; and a point-in-time recovery with pgBackRest to a moment between two
transitions. PostgreSQL only: on SQLite the drill has no second cluster to restore into."""

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection

from dgov.documents.tests.files import png
from dgov.ops.testing import Cluster, run, workdir

ROOT = Path(__file__).resolve().parents[3]

needs_postgres = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the restore drill restores PostgreSQL into a fresh PostgreSQL cluster"
)


def manage(*args: str, env: dict[str, str], check: bool = True) -> subprocess.CompletedProcess[str]:
    from django.conf import settings

    clean = {k: v for k, v in os.environ.items() if not k.startswith(("DB_", "DGOV_", "PYTEST"))}
    # The entries were sealed with this test's seal key; an operator keeps that key apart
    # from the backups and gives it to the restored machine.
    clean["DGOV_AUDIT_SEAL_KEY_FILE"] = str(settings.AUDIT_SEAL_KEY_FILE)
    done = subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env={**clean, **env}, capture_output=True,
                          text=True, timeout=300)  # fmt: skip
    if check:
        assert done.returncode == 0, f"manage.py {' '.join(args)}: {done.stdout}{done.stderr}"
    return done


def fill(make_approved: Any, seal_officer: Any, citizen: Any, district: Any) -> None:
    from dgov.audit.chain import write_checkpoint
    from dgov.certificates.sealing import do_issue
    from dgov.documents.storage import do_store_upload

    for _ in range(3):
        do_issue(make_approved(), by=seal_officer)
    do_store_upload(SimpleUploadedFile("floor-plan.png", png()), owner=citizen, district=district, label="平面图")
    write_checkpoint()


@needs_postgres
@pytest.mark.django_db(transaction=True)
def test_a_backup_restores_into_a_fresh_cluster_whole(
    tmp_path: Path, settings: Any, make_approved: Any, seal: Any, seal_officer: Any, citizen: Any, district: Any
) -> None:
    from dgov.audit.models import AuditEntry
    from dgov.certificates.models import Certificate
    from dgov.documents.models import Document
    from dgov.ops.backup import file_roots, take

    fill(make_approved, seal_officer, citizen, district)
    assert Certificate.objects.count() == 3 and Document.objects.count() == 4  # 3 in lockers, 1 upload

    from dgov.audit.chain import chain_pending

    chain_pending()  # the job runner has passed
    head = AuditEntry.objects.order_by("-id").values_list("id", flat=True).first()  # the trail as backed up
    backup = take(tmp_path / "backups")

    # Destroy: the files and the checkpoints are gone; the database is restored elsewhere.
    for root in file_roots().values():
        shutil.rmtree(root, ignore_errors=True) if root.is_dir() else root.unlink(missing_ok=True)
    shutil.rmtree(settings.AUDIT_CHECKPOINT_DIR)

    target = workdir()
    try:
        fresh = Cluster.fresh(target).start()
        fresh.query("CREATE DATABASE dgov")
        var = tmp_path / "restored"
        env = {**fresh.env("dgov"), "DGOV_VAR_DIR": str(var), "DGOV_AUDIT_CHECKPOINT_DIR": str(var / "checkpoints"),
               "DGOV_AUDIT_KEY_FILE": str(var / "keys" / "audit.pem")}  # fmt: skip
        manage("restore", str(backup), env=env)
        assert "restore matches" in manage("verify_restore", str(backup), env=env).stdout
        # exit 0: intact, and chained at least to the head as backed up (the backup and the
        # restore record themselves after that, unchained until the job runner passes).
        assert f"#{head}" in manage("verify_audit", env=env).stdout
        assert len(list((var / "certificates").rglob("*.pdf"))) == 3

        # The check has teeth: a restore short of one file, or of one row, is refused.
        victim = next(path for path in (var / "uploads").rglob("*") if path.is_file())
        victim.unlink()
        fresh.query("ALTER TABLE notifications_notification DISABLE TRIGGER ALL", dbname="dgov")
        fresh.query("DELETE FROM notifications_notification WHERE id = (SELECT max(id) FROM notifications_notification)",
                    dbname="dgov")  # fmt: skip
        refused = manage("verify_restore", str(backup), env=env, check=False)
        assert refused.returncode == 1
        assert "file missing" in refused.stderr and "notifications_notification:" in refused.stderr

        # A restore never writes over what is there.
        again = manage("restore", str(backup), env=env, check=False)
        assert again.returncode != 0 and "is not empty" in again.stderr
    finally:
        shutil.rmtree(target, ignore_errors=True) if not (target / "data").exists() else Cluster(target).remove()


def pgbackrest(*args: str, repo: Path, cluster: Cluster) -> str:
    common = [f"--repo1-path={repo}", f"--pg1-path={cluster.data}", f"--log-path={repo}", f"--lock-path={repo}",
              "--log-level-console=warn", "--log-level-file=off", "--stanza=drill"]  # fmt: skip
    if "restore" not in args:  # the options that reach a running cluster
        common += [f"--pg1-port={cluster.port}", f"--pg1-socket-path={cluster.directory}", "--pg1-user=dgov"]
    return run([shutil.which("pgbackrest") or "pgbackrest", *common, *args]).stdout


@needs_postgres
@pytest.mark.django_db(transaction=True)
def test_point_in_time_recovery_lands_between_two_transitions(
    tmp_path: Path,
    settings: Any,
    item: Any,
    citizen: Any,
    citizen_applicant: Any,
    clerk: Any,
    reviewer: Any,
    approver: Any,
) -> None:
    """A primary archiving its WAL with pgBackRest; a full backup; then review, the moment T,
    approve; the primary is lost; recovery to T has the review and not the approval."""
    if shutil.which("pgbackrest") is None:
        pytest.skip("pgbackrest is not installed (make system-deps installs it)")
    from dgov.applications import actions
    from dgov.applications.models import Channel
    from dgov.audit.chain import write_checkpoint

    application, _ = actions.do_submit(
        item=item, applicant=citizen_applicant, by=citizen, channel=Channel.ONLINE, idempotency_key="pitr"
    )
    actions.do_accept(application, by=clerk)
    write_checkpoint()  # every checkpoint predates the target

    work = workdir()
    primary = restored = None
    try:
        repo = work / "repo"
        repo.mkdir()
        shutil.chown(repo, "postgres", "postgres") if os.getuid() == 0 else None
        dbname = connection.settings_dict["NAME"]
        primary = Cluster.copy_of(int(connection.settings_dict["PORT"]), work / "primary", replica=False)
        archive = (f"pgbackrest --stanza=drill --repo1-path={repo} --pg1-path={primary.data} --log-path={repo} "
                   f"--lock-path={repo} --log-level-file=off --compress-type=none archive-push %p")  # fmt: skip
        primary.start("-c wal_level=replica", "-c archive_mode=on", f"-c archive_command='{archive}'")
        pgbackrest("stanza-create", repo=repo, cluster=primary)
        pgbackrest("--type=full", "--start-fast", "--compress-type=none", "backup", repo=repo, cluster=primary)

        script = (
            "import time; from django.db import connection;"
            "from dgov.accounts.models import User; from dgov.applications import actions;"
            "from dgov.applications.models import Application;"
            f"a = Application.objects.get(pk={application.pk});"
            "actions.do_review(a, by=User.objects.get(username='reviewer'));"
            "time.sleep(0.05); cur = connection.cursor();"
            "cur.execute(\"SELECT to_char(clock_timestamp() AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS.MS') || '+00'\");"
            "print(cur.fetchone()[0]);"
            "time.sleep(0.2); a.refresh_from_db();"
            "actions.do_decide(a, by=User.objects.get(username='approver'), approve=True)"
        )
        moment = manage("shell", "-c", script, env=primary.env(dbname)).stdout.strip().splitlines()[-1]
        assert primary.query("SELECT status FROM applications_application WHERE id = %s", [application.pk],
                             dbname=dbname) == [("approved",)]  # fmt: skip
        segment = primary.query("SELECT pg_walfile_name(pg_current_wal_lsn())")[0][0]
        primary.query("SELECT pg_switch_wal()")
        primary.wait_until(f"SELECT last_archived_wal >= '{segment}' FROM pg_stat_archiver")  # noqa: S608
        primary.remove()  # the primary is lost
        primary = None

        restored = Cluster(work / "restored")
        restored.directory.mkdir()
        shutil.chown(restored.directory, "postgres", "postgres") if os.getuid() == 0 else None
        # The set is named, not chosen by pgBackRest from stop times (whole seconds, the host's zone):
        # the drill is about replaying WAL to T, and the one backup predates T by construction.
        info = run([shutil.which("pgbackrest") or "pgbackrest", f"--repo1-path={repo}", "--stanza=drill",
                    "--log-level-console=warn", "--log-level-file=off", "--output=json", "info"]).stdout  # fmt: skip
        label = json.loads(info)[0]["backup"][-1]["label"]
        pgbackrest(f"--set={label}", "--type=time", f"--target={moment}", "--target-action=promote", "restore",
                   repo=repo, cluster=restored)  # fmt: skip
        restored.start()
        restored.wait_until("SELECT NOT pg_is_in_recovery()")

        status = restored.query("SELECT status FROM applications_application WHERE id = %s", [application.pk],
                                dbname=dbname)  # fmt: skip
        assert status == [("reviewed",)]
        verbs = {verb for (verb,) in restored.query("SELECT verb FROM audit_auditentry", dbname=dbname)}
        assert "application.review" in verbs and "application.approve" not in verbs
        env = {**restored.env(dbname), "DGOV_AUDIT_CHECKPOINT_DIR": str(settings.AUDIT_CHECKPOINT_DIR)}
        manage("verify_audit", env=env)  # exit 0: intact
    finally:
        for cluster in (primary, restored):
            if cluster is not None:
                cluster.stop("immediate")
        shutil.rmtree(work, ignore_errors=True)


@pytest.mark.django_db(transaction=True)
def test_a_backup_carries_database_files_and_checkpoints(tmp_path: Path, citizen: Any, district: Any) -> None:
    """Both databases can be backed up; counts and hashes land in the manifest."""
    import io
    import json

    from django.core.management import call_command

    from dgov.audit.chain import write_checkpoint
    from dgov.documents.storage import do_store_upload
    from dgov.ops.backup import read_manifest

    do_store_upload(SimpleUploadedFile("plan.png", png()), owner=citizen, district=district, label="图")
    write_checkpoint()
    out = io.StringIO()
    call_command("backup", str(tmp_path / "backups"), stdout=out)
    target = Path(out.getvalue().strip())
    manifest = read_manifest(target)
    assert manifest["counts"]["documents_document"] == 1
    assert manifest["files"] >= 1
    assert manifest["audit_head"] >= 1
    (target / "files.tar").write_bytes(b"damaged")
    with pytest.raises(Exception, match="does not match its SHA-256"):
        read_manifest(target)
    assert json.loads((target / "manifest.json").read_text())["vendor"] == connection.vendor


def test_pruning_keeps_the_newest_backup_and_removes_only_old_ones(tmp_path: Path) -> None:
    import datetime as dt

    from dgov.ops.backup import MANIFEST, prune

    now = dt.datetime(2026, 12, 1, tzinfo=dt.UTC)
    for stamp in ("20260101T000000000000Z", "20261120T000000000000Z", "20261130T000000000000Z"):
        (tmp_path / stamp).mkdir()
        (tmp_path / stamp / MANIFEST).write_text("{}")
    (tmp_path / "not-a-backup").mkdir()
    removed = prune(tmp_path, 30, now=now)
    assert [path.name for path in removed] == ["20260101T000000000000Z"]
    assert sorted(path.name for path in tmp_path.iterdir()) == [
        "20261120T000000000000Z", "20261130T000000000000Z", "not-a-backup"]  # fmt: skip
    assert prune(tmp_path, 0, now=now + dt.timedelta(days=400))[-1].name == "20261120T000000000000Z"
    assert (tmp_path / "20261130T000000000000Z").exists()  # the newest always stays


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's online backup waits for the writer's lock")
def test_a_backup_inside_a_transaction_is_refused_rather_than_waiting_for_ever(tmp_path: Path, db: Any) -> None:
    from dgov.ops.backup import BackupError, take

    with pytest.raises(BackupError, match="outside a transaction"):
        take(tmp_path)
