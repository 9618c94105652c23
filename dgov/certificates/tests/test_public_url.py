"""One public address for every link the platform sends out."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import SystemCheckError

from dgov.lib.links import check_public_url, problem, public_url

ROOT = Path(__file__).resolve().parents[3]


def test_links_start_with_the_configured_address(settings):
    settings.DGOV_PUBLIC_URL = "https://gov.example/"
    assert public_url("/certificates/v/ABC/") == "https://gov.example/certificates/v/ABC/"
    with pytest.raises(ValueError):
        public_url("certificates/")


def test_production_wants_https_and_a_bare_address():
    assert problem("https://gov.example", production=True) == ""
    assert "https" in problem("http://gov.example", production=True)
    assert problem("http://127.0.0.1:8000", production=False) == ""
    assert problem("", production=True)
    assert problem("https://gov.example/portal", production=True)
    assert problem("gov.example", production=False)


def test_the_system_check_fails_in_production_without_https(settings):
    settings.PRODUCTION = True
    settings.DGOV_PUBLIC_URL = "http://gov.example"
    with pytest.raises(SystemCheckError, match="dgov.E001"):
        call_command("check")
    settings.DGOV_PUBLIC_URL = "https://gov.example"
    # Production's other checks (e.g. no SQLite, dgov.ops) are not this test's business.
    assert [m.id for m in check_public_url()] == []


def test_production_refuses_to_start_without_it():
    env = {
        **os.environ,
        "DGOV_ENV": "production",
        "SECRET_KEY": "x" * 60,
        "ALLOWED_HOSTS": "gov.example",
        "DJANGO_SETTINGS_MODULE": "dgov.settings",
    }
    env.pop("DGOV_PUBLIC_URL", None)
    start = [sys.executable, "-c", "import django; django.setup()"]
    refused = subprocess.run(start, cwd=ROOT, env=env, capture_output=True, text=True, check=False)
    assert refused.returncode != 0 and "DGOV_PUBLIC_URL" in refused.stderr
    started = subprocess.run(
        start, cwd=ROOT, env={**env, "DGOV_PUBLIC_URL": "https://gov.example"}, capture_output=True, check=False
    )
    assert started.returncode == 0, started.stderr


@pytest.mark.django_db
def test_the_window_rating_qr_code_uses_the_public_address(settings):
    from dgov.ratings import views

    settings.DGOV_PUBLIC_URL = "https://gov.example"
    source = Path(views.__file__).read_text()
    assert "build_absolute_uri" not in source
