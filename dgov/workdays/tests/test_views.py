import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from dgov.workdays import actions
from dgov.workdays.models import CalendarDay, CalendarYear

pytestmark = pytest.mark.django_db


# -- Public JSON API


def test_the_api_gives_the_due_date_and_its_derivation(client):
    response = client.get(reverse("workdays:api_add"), {"start": "2026-09-18", "days": "20"})
    assert response.status_code == 200
    body = response.json()
    assert body["start"] == "2026-09-18" and body["days"] == 20
    assert body["due"] == "2026-10-22"
    assert body["provisional"] is False
    assert any("2026-09-20" in step for step in body["derivation"])


def test_the_api_marks_a_2027_due_date_provisional(client):
    body = client.get(reverse("workdays:api_add"), {"start": "2026-12-10", "days": "20"}).json()
    assert (body["due"], body["provisional"]) == ("2027-01-08", True)


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"start": "2026-02-30", "days": "20"}, "start"),
        ({"start": "yesterday", "days": "20"}, "start"),
        ({"days": "20"}, "start"),
        ({"start": "2026-09-18"}, "days"),
        ({"start": "2026-09-18", "days": "-3"}, "days"),
        ({"start": "2026-09-18", "days": "1001"}, "days"),
        ({"start": "2026-09-18", "days": "2.5"}, "days"),
        ({"start": "0001-01-01", "days": "20"}, "start"),
        ({"start": "9999-12-31", "days": "1000"}, "start"),
    ],
)
def test_bad_api_input_is_a_400_naming_the_field(client, params, field):
    response = client.get(reverse("workdays:api_add"), params)
    assert response.status_code == 400
    errors = response.json()["errors"]
    assert list(errors) == [field]
    assert errors[field] and all(isinstance(m, str) for m in errors[field])


def test_a_date_that_does_not_exist_is_named_in_the_message(client):
    response = client.get(reverse("workdays:api_add"), {"start": "2026-02-30", "days": "1"})
    assert response.json() == {"errors": {"start": ["2026-02-30 is not a date that exists."]}}


def test_the_api_counts_at_the_far_end_of_the_supported_years(client):
    response = client.get(reverse("workdays:api_add"), {"start": "2099-12-31", "days": "1000"})
    assert response.status_code == 200
    assert response.json()["provisional"] is True


def test_the_between_api_counts_and_refuses_bad_input(client):
    url = reverse("workdays:api_between")
    assert client.get(url, {"a": "2026-09-18", "b": "2026-10-22"}).json()["working_days"] == 20
    assert client.get(url, {"a": "2026-10-22", "b": "2026-09-18"}).json()["working_days"] == -20
    response = client.get(url, {"a": "2026-09-18"})
    assert response.status_code == 400 and list(response.json()["errors"]) == ["b"]
    assert client.get(url, {"a": "1901-01-01", "b": "2099-12-31"}).status_code == 400


# -- Staff pages


def test_staff_see_an_official_year_with_its_holidays_and_make_up_days(client, clerk):
    client.force_login(clerk)
    response = client.get(reverse("workdays:year", args=[2026]))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Official" in page
    assert "2026-10-01" in page and "2026-09-20" in page
    assert "Import a year" not in page  # a clerk cannot edit


def test_the_year_page_reads_a_fixed_number_of_queries(client, administrator, django_assert_num_queries):
    actions.do_import_year(
        "2027-01-01,holiday,元旦\n2027-02-05,holiday,春节\n2027-02-20,workday,春节调休\n", by=administrator
    )
    client.force_login(administrator)
    # session, user, year, days with their editors, groups, two permission reads
    with django_assert_num_queries(7):
        page = client.get(reverse("workdays:year", args=[2027])).content.decode()
    assert page.count(str(administrator)) >= 3


def test_an_estimated_year_says_so(client, clerk):
    client.force_login(clerk)
    page = client.get(reverse("workdays:year", args=[2027])).content.decode()
    assert "Estimated" in page
    assert "2027-02-09" in page  # 春节补假 in the estimate


def test_the_calendar_is_for_staff_only(client, citizen):
    assert client.get(reverse("workdays:year", args=[2026])).status_code == 302  # to the log-in page
    client.force_login(citizen)
    assert client.get(reverse("workdays:year", args=[2026])).status_code == 403


@pytest.mark.parametrize("name", ["workdays:day", "workdays:import"])
def test_a_clerk_may_not_edit_the_calendar(client, clerk, name):
    client.force_login(clerk)
    assert client.get(reverse(name)).status_code == 403
    assert (
        client.post(
            reverse(name), {"date": "2026-10-16", "kind": "holiday", "text": "2027-01-01,holiday,x"}
        ).status_code
        == 403
    )
    assert not CalendarDay.objects.filter(date=dt.date(2026, 10, 16)).exists()
    assert not CalendarYear.objects.filter(year=2027).exists()


def test_an_administrator_makes_a_day_a_holiday(client, administrator):
    client.force_login(administrator)
    assert client.get(reverse("workdays:day"), {"date": "2026-10-01"}).status_code == 200
    response = client.post(reverse("workdays:day"), {"date": "2026-10-16", "kind": "holiday", "note": "test"})
    assert response.status_code == 302
    assert CalendarDay.objects.get(date=dt.date(2026, 10, 16)).updated_by == administrator


def test_an_administrator_returns_a_holiday_to_normal(client, administrator):
    client.force_login(administrator)
    response = client.post(reverse("workdays:day"), {"date": "2026-09-25", "kind": "normal"})
    assert response.status_code == 302
    assert not CalendarDay.objects.filter(date=dt.date(2026, 9, 25)).exists()


def test_a_holiday_on_a_saturday_is_refused_with_a_message(client, administrator):
    client.force_login(administrator)
    response = client.post(reverse("workdays:day"), {"date": "2026-10-17", "kind": "holiday"})
    assert response.status_code == 400
    assert "a rest day already" in response.content.decode()


def test_an_administrator_imports_a_pasted_year(client, administrator):
    client.force_login(administrator)
    assert client.get(reverse("workdays:import")).status_code == 200
    response = client.post(reverse("workdays:import"), {"text": "2027-01-01,holiday,元旦\n"})
    assert response.status_code == 302
    assert response.url == reverse("workdays:year", args=[2027])
    assert CalendarYear.objects.get(year=2027).official


def test_an_administrator_uploads_a_file(client, administrator):
    client.force_login(administrator)
    upload = SimpleUploadedFile("2027.txt", "2027-01-01,holiday,元旦\n".encode())
    assert client.post(reverse("workdays:import"), {"file": upload}).status_code == 302
    assert CalendarDay.objects.filter(date=dt.date(2027, 1, 1)).exists()


def test_an_import_with_bad_lines_shows_every_one(client, administrator):
    client.force_login(administrator)
    response = client.post(reverse("workdays:import"), {"text": "2027-02-30,holiday,x\n2027-01-01,nope,y\n"})
    assert response.status_code == 400
    page = response.content.decode()
    assert "Line 1: 2027-02-30 is not a date that exists." in page
    assert "Line 2: unknown kind" in page
    assert not CalendarYear.objects.filter(year=2027).exists()


def test_a_file_that_is_not_utf8_is_refused(client, administrator):
    client.force_login(administrator)
    upload = SimpleUploadedFile("2027.txt", "2027-01-01,holiday,元旦\n".encode("gbk"))
    response = client.post(reverse("workdays:import"), {"file": upload})
    assert response.status_code == 400
    assert "not UTF-8" in response.content.decode()
