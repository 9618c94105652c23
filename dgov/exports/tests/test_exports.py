"""Every list a person works from downloads as CSV and .xlsx through the one helper; a
long one runs as a job with a progress bar; a list the person may not read is a 403."""

import csv
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from dgov.accounts.models import Applicant
from dgov.applications import actions
from dgov.applications.models import Channel
from dgov.audit.models import AuditEntry
from dgov.exports.actions import run_export_jobs
from dgov.exports.models import ExportJob
from dgov.lib.exports import all_exports, csv_lines

pytestmark = pytest.mark.django_db

# Each list, someone who works from it and someone who may not read it.
READERS = {
    "applications.queue": ("clerk", "citizen"),
    "bundles.intake": ("clerk", "citizen"),
    "certificates.issued": ("seal", "clerk"),
    "certificates.seal_ledger": ("auditor", "clerk"),
    "audit.entries": ("auditor", "clerk"),
    "ratings.ratings": ("supervisor", "clerk"),
    "ratings.rectifications": ("supervisor", "clerk"),
    "investment.projects": ("investment", "clerk"),
    "secretaries.contacts": ("secretary", "clerk"),
    "campaigns.tasks": ("inspector", "clerk"),
    "campaigns.problems": ("inspector", "clerk"),
    "cockpit.cases": ("leader", "clerk"),
}


@pytest.fixture
def people(make_staff, clerk, auditor, supervisor, leader, inspector, citizen):
    return {
        "clerk": clerk,
        "auditor": auditor,
        "supervisor": supervisor,
        "leader": leader,
        "inspector": inspector,
        "citizen": citizen,
        "seal": make_staff("seal_officer", "seal", department="ZWFW"),
        "investment": make_staff("investment_officer", "investment", department=None),
        "secretary": make_staff("project_secretary", "secretary", department=None),
    }


@pytest.fixture
def campaign(district):
    import datetime as dt

    from dgov.campaigns.models import Campaign

    return Campaign.objects.create(
        district=district, theme="解放思想", starts_on=dt.date(2018, 9, 1), ends_on=dt.date(2018, 12, 31)
    )


def read_csv(response) -> list[list[str]]:
    body = b"".join(response.streaming_content).decode("utf-8")
    assert body.startswith("\ufeff")  # Excel reads the Chinese text as UTF-8
    return list(csv.reader(io.StringIO(body[1:])))


def test_every_list_is_declared_once_with_a_reader_in_this_test():
    assert set(all_exports()) == set(READERS)


@pytest.mark.parametrize("name", sorted(READERS))
def test_each_list_downloads_for_its_reader_and_is_refused_to_others(client, people, campaign, name):
    reader, outsider = READERS[name]
    query = {"campaign": campaign.pk, "measure": "received"}
    client.force_login(people[reader])
    for fmt in ("csv", "xlsx"):
        response = client.get(reverse("exports:download", args=[name, fmt]), query)
        assert response.status_code == 200, (name, fmt, response.content[:300])
    rows = read_csv(client.get(reverse("exports:download", args=[name, "csv"]), query))
    assert rows[0] == all_exports()[name].header()
    assert AuditEntry.objects.filter(verb="export.download", object_id=name, actor=people[reader]).exists()
    client.force_login(people[outsider])
    refused = client.get(reverse("exports:download", args=[name, "csv"]), query)
    assert refused.status_code == 403


def test_a_cell_a_spreadsheet_would_run_is_written_as_text(client, clerk, district, citizen):
    from dgov.cockpit.tests.conftest import publish

    item = publish(district, None, "KC-SCJG-009")
    Applicant.objects.filter(user=citizen).update(name='=HYPERLINK("http://evil","x")')
    applicant = Applicant.objects.get(user=citizen)
    actions.do_submit(item=item, applicant=applicant, by=citizen, channel=Channel.ONLINE, idempotency_key="f1")
    client.force_login(clerk)
    rows = read_csv(client.get(reverse("exports:download", args=["applications.queue", "csv"])))
    assert rows[1][3] == '\'=HYPERLINK("http://evil","x")'
    book = load_workbook(
        io.BytesIO(
            b"".join(client.get(reverse("exports:download", args=["applications.queue", "xlsx"])).streaming_content)
        )
    )
    assert book.active.cell(row=2, column=4).value == '\'=HYPERLINK("http://evil","x")'
    assert list(csv_lines(["a"], [[-5], ["-5"]]))[1:] == ["-5\r\n", "'-5\r\n"]


def test_a_long_list_runs_as_a_job_with_progress_and_a_download(client, auditor, settings):
    settings.EXPORT_JOB_ROWS = 3
    from dgov.audit.trail import record

    for n in range(6):
        record("test.export", None, actor=auditor, object_type="test", object_id=str(n))
    client.force_login(auditor)
    response = client.get(reverse("exports:download", args=["audit.entries", "csv"]), {"verb": "test."})
    job = ExportJob.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("exports:job", args=[job.pk])
    waiting = client.get(response["Location"]).content.decode()
    assert 'hx-trigger="every 2s"' in waiting and "<progress" in waiting
    assert run_export_jobs() == 1
    job.refresh_from_db()
    assert (job.state, job.rows_written, job.percent) == (ExportJob.State.DONE, 6, 100)
    page = client.get(reverse("exports:job", args=[job.pk])).content.decode()
    assert reverse("exports:job_file", args=[job.pk]) in page and "hx-trigger" not in page
    download = client.get(reverse("exports:job_file", args=[job.pk]))
    rows = list(csv.reader(io.StringIO(b"".join(download.streaming_content).decode("utf-8-sig"))))
    assert len(rows) == 7 and {r[7] for r in rows[1:]} == {str(n) for n in range(6)}
    assert run_export_jobs() == 0  # nothing left to write


def test_someone_elses_export_is_not_found(client, auditor, make_staff):
    other = make_staff("auditor", "auditor2", department=None)
    job = ExportJob.objects.create(
        requested_by=other, export="audit.entries", format="csv", created_at="2026-01-01T00:00Z"
    )
    client.force_login(auditor)
    assert client.get(reverse("exports:job", args=[job.pk])).status_code == 404
    assert client.get(reverse("exports:job_file", args=[job.pk])).status_code == 404


def test_an_export_with_a_filter_that_does_not_parse_is_refused(client, inspector, other_district):
    client.force_login(inspector)
    for query in ({}, {"campaign": "x"}, {"campaign": "999"}):
        response = client.get(reverse("exports:download", args=["campaigns.tasks", "csv"]), query)
        assert response.status_code == 400
    assert client.get(reverse("exports:download", args=["no.such", "csv"])).status_code == 404
    assert client.get(reverse("exports:download", args=["campaigns.tasks", "pdf"])).status_code == 404


def test_a_unit_head_exports_the_own_units_tasks_only(client, unit_head, campaign, district):
    from dgov.accounts.models import Department

    other = Department.objects.get(district=district, code="ZWFW")
    client.force_login(unit_head)
    refused = client.get(
        reverse("exports:download", args=["campaigns.tasks", "csv"]), {"campaign": campaign.pk, "unit": other.pk}
    )
    assert refused.status_code == 403
    assert "own unit" in refused.content.decode()


def test_the_list_pages_link_their_exports(client, clerk, auditor):
    client.force_login(clerk)
    assert (
        reverse("exports:download", args=["applications.queue", "csv"])
        in client.get(reverse("applications:queue"), {"status": "all"}).content.decode()
    )
    client.force_login(auditor)
    page = client.get(reverse("audit:entries"), {"verb": "auth."}).content.decode()
    assert reverse("exports:download", args=["audit.entries", "xlsx"]) + "?verb=auth." in page
