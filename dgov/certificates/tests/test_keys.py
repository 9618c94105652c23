"""The district CA's key stays offline; the seal service holds seal and TSA keys only."""

import os
import shutil
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command

from dgov.certificates.ca import ca_dir
from dgov.certificates.models import RevocationList, Seal
from dgov.certificates.sealing import do_issue, key_dir
from dgov.certificates.verify import Outcome, verify_file

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parents[3]


def test_the_seal_service_signs_without_the_ca_key(seal, make_approved, seal_officer):
    assert sorted(p.name for p in ca_dir().iterdir()) == ["ca-220103.cert.pem", "ca-220103.key.pem"]
    assert stat.S_IMODE(os.stat(ca_dir() / "ca-220103.key.pem").st_mode) == 0o600
    assert not [p for p in key_dir().iterdir() if p.name.startswith("ca-")]
    shutil.rmtree(ca_dir())  # the CA's machine is elsewhere
    certificate = do_issue(make_approved(), by=seal_officer)[0]
    assert verify_file(certificate.path.read_bytes()).outcome == Outcome.VALID


def test_the_web_process_never_imports_the_ca():
    code = (
        "import django, sys; django.setup(); import dgov.urls, dgov.certificates.views, dgov.certificates.sealing;"
        " from django.test import Client; print('dgov.certificates.ca' in sys.modules)"
    )
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True,
                            env={**os.environ, "DJANGO_SETTINGS_MODULE": "dgov.settings"})  # fmt: skip
    assert result.stdout.strip() == "False"


def test_the_offline_commands_issue_a_crl_and_revoke_a_seal(seal, capsys):
    call_command("issue_crl", "--district", "220103")
    assert RevocationList.objects.filter(district=seal.district).count() == 2
    call_command("revoke_seal", "--key-id", seal.key_id, "--reason", "私钥泄露")
    seal.refresh_from_db()
    assert seal.revoked_at is not None
    assert RevocationList.objects.filter(district=seal.district).count() == 3
    assert "revoked" in capsys.readouterr().out
    assert Seal.objects.filter(revoked_at__isnull=True).count() == 0
