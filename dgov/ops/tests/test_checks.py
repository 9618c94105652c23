import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import ImproperlyConfigured

from dgov.ops import checks

ROOT = Path(__file__).resolve().parents[3]
POSTGRES = {"ENGINE": "django.db.backends.postgresql", "HOST": "db.gov.example", "NAME": "dgov"}


class Production:
    def __init__(self, settings: Any, monkeypatch: Any) -> None:
        self.settings, self.monkeypatch = settings, monkeypatch
        settings.PRODUCTION = True
        self.database(**POSTGRES)

    def database(self, **values: str) -> None:
        self.monkeypatch.setattr(checks, "default_database", lambda: values)

    def __setattr__(self, name: str, value: Any) -> None:
        if name.isupper():
            setattr(self.settings, name, value)
        else:
            super().__setattr__(name, value)


@pytest.fixture
def production(settings: Any, monkeypatch: Any) -> Production:
    return Production(settings, monkeypatch)


def ids(production: Any) -> list[str]:
    return [message.id for message in checks.production_checks()]


def test_it_says_nothing_outside_production(settings: Any) -> None:
    settings.PRODUCTION = False
    assert checks.production_checks() == []


def test_a_proper_production_setup_passes(production: Any) -> None:
    assert ids(production) == []
    checks.refuse_to_start_if_unfit()


def test_it_refuses_sqlite_in_production(production: Any) -> None:
    production.database(ENGINE="django.db.backends.sqlite3", NAME="x.sqlite3")
    assert ids(production) == ["dgov_ops.E001"]
    with pytest.raises(ImproperlyConfigured, match="E001"):
        checks.refuse_to_start_if_unfit()


def test_it_refuses_checkpoints_on_the_database_host(production: Any, tmp_path: Path) -> None:
    production.database(**dict(POSTGRES, HOST="127.0.0.1"))
    production.AUDIT_CHECKPOINT_DIR = tmp_path / "checkpoints"
    assert ids(production) == ["dgov_ops.E003"]
    production.database(**dict(POSTGRES, HOST=""))  # a Unix socket: this machine
    assert ids(production) == ["dgov_ops.E003"]


def test_checkpoints_on_a_network_mount_beside_a_local_database_pass(
    production: Any, tmp_path: Path, monkeypatch: Any
) -> None:
    mounts = tmp_path / "mounts"
    mounts.write_text(f"/dev/sda1 / ext4 rw 0 0\narchive:/export/audit {tmp_path}/archive nfs4 rw 0 0\n")
    monkeypatch.setattr(checks, "MOUNTS", str(mounts))
    (tmp_path / "archive").mkdir()
    production.database(**dict(POSTGRES, HOST="localhost"))
    production.AUDIT_CHECKPOINT_DIR = tmp_path / "archive" / "checkpoints"
    assert ids(production) == []
    production.AUDIT_CHECKPOINT_DIR = tmp_path / "elsewhere"
    assert ids(production) == ["dgov_ops.E003"]


def test_checkpoints_beside_a_remote_database_pass(production: Any, tmp_path: Path) -> None:
    production.database(**dict(POSTGRES, HOST="192.0.2.10"))
    production.AUDIT_CHECKPOINT_DIR = tmp_path / "checkpoints"
    assert ids(production) == []


def test_the_filesystem_is_read_from_the_longest_mount_point(tmp_path: Path) -> None:
    (tmp_path / "srv" / "x y" / "deeper").mkdir(parents=True)
    (tmp_path / "srv" / "other").mkdir()
    mounts = tmp_path / "mounts"
    mounts.write_text(
        f"/dev/sda1 / ext4 rw 0 0\nserver:/a {tmp_path}/srv nfs rw 0 0\nserver:/b {tmp_path}/srv/x\\040y cifs rw 0 0\n"
    )
    assert checks.filesystem_type(tmp_path / "srv" / "x y" / "deeper" / "not-yet", str(mounts)) == "cifs"
    assert checks.filesystem_type(tmp_path / "srv" / "other", str(mounts)) == "nfs"
    assert checks.filesystem_type(tmp_path, str(mounts)) == "ext4"


def run_check(**env: str) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("DB_", "DGOV_", "PYTEST", "DJANGO_ALLOW_ASYNC"))}
    clean.update(
        DGOV_ENV="production",
        SECRET_KEY="kQ7-x2Lp9@vZ" * 6,
        ALLOWED_HOSTS="gov.example",
        DJANGO_SETTINGS_MODULE="dgov.settings",
        DGOV_PUBLIC_URL="https://gov.example",
    )
    clean.update(env)
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=clean,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_manage_check_refuses_a_production_host_on_sqlite() -> None:
    done = run_check()
    assert done.returncode != 0
    assert "dgov_ops.E001" in done.stderr


def test_manage_check_passes_the_production_settings_of_deploy_env_example() -> None:
    done = run_check(
        DB_ENGINE="postgres",
        DB_HOST="db.gov.example",
        DGOV_PUBLIC_URL="https://gov.example",
        DGOV_AUDIT_SYSLOG="udp://logs.kuancheng.internal:514",  # the template's remote copy (audit.W001)
    )
    assert done.returncode == 0, done.stderr
