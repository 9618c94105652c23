"""The secretaries' and leaders' pages: who sees what, the overdue list, exports."""

import datetime as dt
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from dgov.investment.models import Project
from dgov.secretaries import actions
from dgov.secretaries.models import Secretaryship

pytestmark = pytest.mark.django_db

OVERDUE = reverse("secretaries:overdue")


def many_overdue(district, secretary, leader, officer, n):
    first = Project.objects.count()
    for i in range(first, first + n):
        project = Project.objects.create(district=district, name=f"项目{i}", investor="某公司", is_key=True)
        actions.do_assign(project, secretary=secretary, leader=leader, by=officer)
    Secretaryship.objects.update(last_contact_on=dt.date(2025, 1, 2))


def test_the_overdue_list_is_the_secretarys_and_the_leaders_and_pins_its_queries(
    client, district, secretary, leader, officer, make_staff
):
    many_overdue(district, secretary, leader, officer, 3)
    for person in (secretary, leader):
        client.force_login(person)
        page = client.get(OVERDUE).content.decode()
        assert page.count("data-project=") == 3
    someone_else = make_staff("project_secretary", "secretary2", department="TCJ")
    client.force_login(someone_else)
    assert client.get(OVERDUE).content.decode().count("data-project=") == 0
    assert client.get(OVERDUE, {"everyone": "on"}).content.decode().count("data-project=") == 3

    client.force_login(secretary)
    client.get(OVERDUE)
    with CaptureQueriesContext(connection) as few:
        client.get(OVERDUE)
    many_overdue(district, secretary, leader, officer, 10)
    with CaptureQueriesContext(connection) as more:
        client.get(OVERDUE)
    assert len(more) == len(few)


def test_the_overdue_list_exports_to_xlsx(client, district, secretary, leader, officer):
    many_overdue(district, secretary, leader, officer, 2)
    client.force_login(leader)
    response = client.get(OVERDUE, {"format": "xlsx"})
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    rows = list(load_workbook(io.BytesIO(response.getvalue())).active.iter_rows(values_only=True))
    assert len(rows) == 3 and {r[0] for r in rows[1:]} == {"项目0", "项目1"}


@pytest.mark.parametrize("name", ["projects", "issues", "engagements", "scorecard", "green"])
def test_the_lists_export_to_xlsx(client, assigned, leader, name):
    client.force_login(leader)
    response = client.get(reverse(f"secretaries:{name}"), {"format": "xlsx"})
    assert response.status_code == 200
    assert load_workbook(io.BytesIO(response.getvalue())).active.max_row >= 1


def test_another_districts_staff_see_nothing(client, assigned, project, make_staff, other_district):
    stranger = make_staff("district_leader", "stranger", department=None, in_district=other_district)
    client.force_login(stranger)
    assert client.get(reverse("secretaries:project", args=[project.pk])).status_code == 404
    assert "泰盟" not in client.get(reverse("secretaries:projects"), {"everyone": "on"}).content.decode()


def test_staff_without_the_service_view_and_citizens_are_kept_out(client, assigned, project, clerk, citizen):
    client.force_login(clerk)
    assert client.get(reverse("secretaries:projects")).status_code == 403
    assert client.get(reverse("secretaries:project", args=[project.pk])).status_code == 403
    client.force_login(citizen)
    assert client.get(reverse("secretaries:overdue")).status_code == 403


def test_the_project_page_and_the_scorecard_show_what_the_secretary_needs(client, assigned, project, secretary):
    client.force_login(secretary)
    page = client.get(reverse("secretaries:project", args=[project.pk])).content.decode()
    assert 'data-submit="contact"' in page and 'data-submit="issue"' in page
    assert "data-overdue" in page  # assigned 30 days ago, never contacted
    scorecard = client.get(reverse("secretaries:scorecard")).content.decode()
    assert "data-formula" in scorecard and 'data-secretary="secretary"' in scorecard


def test_a_leader_reassigns_through_the_page(client, assigned, project, leader, make_staff):
    successor = make_staff("project_secretary", "secretary2", department="TCJ")
    client.force_login(leader)
    url = reverse("secretaries:project_act", args=[project.pk, "assign"])
    assert client.post(url, {"assign-secretary": successor.pk, "assign-leader": leader.pk}).status_code == 400
    response = client.post(
        url, {"assign-secretary": successor.pk, "assign-leader": leader.pk, "assign-reason": "工作调整"}
    )
    assert response.status_code == 302
    assert Secretaryship.objects.get().secretary == successor


def test_the_api_lists_my_overdue_projects_and_refuses_others(client, district, secretary, leader, officer, clerk):
    from dgov.api.actions import do_create_api_token

    many_overdue(district, secretary, leader, officer, 2)
    _token, secret = do_create_api_token(secretary, "mine")
    response = client.get("/api/v1/secretaries/overdue", HTTP_AUTHORIZATION=f"Bearer {secret}")
    assert response.status_code == 200
    assert {row["project"] for row in response.json()} == {"项目0", "项目1"}
    _token, clerks = do_create_api_token(clerk, "clerk")
    assert client.get("/api/v1/secretaries/overdue", HTTP_AUTHORIZATION=f"Bearer {clerks}").status_code == 403


def test_an_exported_text_that_looks_like_a_formula_stays_text(client, district, secretary, leader, officer):
    many_overdue(district, secretary, leader, officer, 1)
    Project.objects.update(name="=1+2", investor="-cmd|' /C calc'!A0")
    client.force_login(leader)
    response = client.get(OVERDUE, {"format": "xlsx"})
    row = next(load_workbook(io.BytesIO(response.getvalue())).active.iter_rows(min_row=2, max_row=2))
    assert [c.data_type for c in row[:2]] == ["s", "s"]
    assert [c.value for c in row[:2]] == ["'=1+2", "'-cmd|' /C calc'!A0"]


@pytest.mark.parametrize("name", ["scorecard", "green_report"])
@pytest.mark.parametrize(
    "period",
    [
        {"start": "9999-12-01", "end": "9999-12-31"},
        {"start": "0001-01-01"},
        {"start": "2020-01-01", "end": "2025-01-01"},
    ],
)
def test_a_period_out_of_range_or_too_long_is_a_400(client, assigned, leader, make_staff, name, period):
    client.force_login(
        make_staff("centre_supervisor", "supervisor", department="ZWFW") if name == "green_report" else leader
    )
    response = client.get(reverse(f"secretaries:{name}"), period)
    assert response.status_code == 400
