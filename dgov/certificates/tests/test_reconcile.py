import datetime as dt

import pytest
from django.core.management import call_command
from django.utils import timezone

from dgov.applications.models import Application
from dgov.certificates.models import SealUse
from dgov.workdays.calendar import add_working_days

pytestmark = pytest.mark.django_db


def reconcile(day):
    try:
        call_command("reconcile_seals", "--date", day.isoformat())
    except SystemExit as exit_info:
        return exit_info.code
    return 0


def test_a_day_of_sealing_on_approvals_is_clean(certificate, capsys):
    assert reconcile(timezone.localdate()) == 0
    assert "no findings" in capsys.readouterr().out


def test_a_seal_use_without_an_approval_is_listed(certificate, capsys):
    use = SealUse.objects.get(certificate=certificate)
    Application.objects.filter(pk=use.application_id).update(status="reviewed", decided_by=None)
    assert reconcile(timezone.localdate()) == 1
    out = capsys.readouterr().out
    assert "Seal use without an approval" in out
    assert certificate.file_sha256 in out


def test_an_approval_without_its_certificate_is_listed_after_ten_working_days(approved, capsys):
    due = add_working_days(approved.decided_on, 10).date
    assert reconcile(due) == 0
    assert reconcile(due + dt.timedelta(days=1)) == 1
    assert approved.number in capsys.readouterr().out


def test_an_approval_with_its_certificate_is_not_late(certificate, approved):
    assert reconcile(add_working_days(approved.decided_on, 30).date) == 0
