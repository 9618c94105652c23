"""The cockpit, its drill-downs and downloads, and the open data, through HTTP."""

import csv
import datetime as dt
import io
import json
import re

import pytest
from django.urls import reverse

from dgov.accounts.models import Department, ServiceWindow
from dgov.applications.models import OPEN_STATUSES
from dgov.cockpit import figures
from dgov.cockpit.access import drilled
from dgov.cockpit.figures import Period
from dgov.cockpit.tests.conftest import refresh

pytestmark = pytest.mark.django_db

MARCH = {"from": "2026-03", "to": "2026-03"}


@pytest.fixture
def counted(history, clock):
    refresh()
    clock.set(dt.date(2026, 4, 20))
    return history


def chart_data(page: str, key: str) -> dict:
    found = re.search(rf'<script id="chart-{key}-data" type="application/json">(.*?)</script>', page, re.S)
    assert found, key
    return json.loads(found.group(1))


def test_the_leader_sees_every_chart_with_its_table_and_download(client, leader, district, counted):
    client.force_login(leader)
    response = client.get(reverse("cockpit:cockpit"), {"from": "2026-03", "to": "2026-04"})
    assert response.status_code == 200
    page = response.content.decode()
    for key in ("trend", "on_time", "one_trip", "promises", "procedure", "windows", "hall_map", "ratings"):
        assert f'data-chart="chart-{key}-data"' in page
        assert reverse("cockpit:chart_download", args=[key, "csv"]) in page
        chart_data(page, key)
    trend = chart_data(page, "trend")
    assert trend["xAxis"]["data"] == ["2026-03", "2026-04"]
    assert [p["value"] for p in trend["series"][0]["data"]] == [7, 2]  # received in March and April
    total = figures.summed(district.pk, Period(dt.date(2026, 3, 1), dt.date(2026, 4, 1)))[None]
    assert f"{total.one_trip_rate:.1f}%" in page  # the headline figure


def test_the_cockpit_reads_a_few_queries_whatever_the_number_of_cases(
    client, leader, counted, django_assert_max_num_queries
):
    client.force_login(leader)
    with django_assert_max_num_queries(30):
        assert client.get(reverse("cockpit:cockpit"), MARCH).status_code == 200


def test_a_bar_leads_to_the_cases_behind_it(client, leader, district, counted):
    client.force_login(leader)
    page = client.get(reverse("cockpit:cockpit"), {"from": "2026-03", "to": "2026-04"}).content.decode()
    late = [p for p in chart_data(page, "on_time")["series"][1]["data"] if p["value"]]
    assert late, "one case was decided after its promised limit"
    listing = client.get(late[0]["url"])
    assert listing.status_code == 200
    assert counted["late"].number in listing.content.decode()
    assert counted["done_online"].number not in listing.content.decode()
    assert reverse("applications:case", args=[counted["late"].pk]) in listing.content.decode()


def test_each_figure_of_the_drill_down_counts_what_the_chart_shows(client, leader, district, counted):
    client.force_login(leader)
    march = figures.summed(district.pk, Period.month(dt.date(2026, 3, 1)))[None]
    for measure in (
        "received",
        "supplemented",
        "refused",
        "deemed",
        "decided",
        "completed",
        "one_trip",
        "broken_promise",
    ):
        page = client.get(reverse("cockpit:cases"), {**MARCH, "measure": measure}).content.decode()
        shown = page.count("data-case")
        assert shown == getattr(march, measure), measure


def test_the_hall_map_places_every_window_coloured_by_its_on_time_rate(client, leader, district, counted):
    first = ServiceWindow.objects.get(district=district, number="01")
    ServiceWindow.objects.create(
        district=district, service_centre=first.service_centre, number="99", name="统一出证窗口", kind="issue"
    )
    client.force_login(leader)
    page = client.get(reverse("cockpit:cockpit"), MARCH).content.decode()
    plan = chart_data(page, "hall_map")
    points = {p["name"]: p for p in plan["series"][0]["data"]}
    windows = ServiceWindow.objects.filter(district=district)
    assert set(points) == set(windows.values_list("number", flat=True))
    assert len({tuple(p["value"][:2]) for p in points.values()}) == len(points)  # no two at one place
    by_window = figures.summed(district.pk, Period.month(dt.date(2026, 3, 1)), "window")
    assert points["01"]["value"][2:] == [round(by_window[first.pk].on_time_promised_rate, 1), 1]
    assert points["99"]["value"][2:] == [-1, 0]  # nothing decided: grey
    assert points["99"]["value"][0] > points["01"]["value"][0]  # certificate exit on the right wall
    assert "<" not in points["01"]["tooltip"]["formatter"].replace("<br>", "")
    listing = client.get(points["01"]["url"]).content.decode()  # a click lists the window's cases
    assert listing.count("data-case") == 1 and counted["done_at_window"].number in listing
    table = client.get(reverse("cockpit:chart_download", args=["hall_map", "csv"]), MARCH)
    rows = list(csv.reader(io.StringIO(b"".join(table.streaming_content).decode("utf-8-sig"))))
    assert [r[0] for r in rows[1:]] == sorted(points) and rows[1][4:6] == ["1", "1"]


def test_a_chart_downloads_as_its_table(client, leader, counted):
    client.force_login(leader)
    response = client.get(reverse("cockpit:chart_download", args=["trend", "csv"]), MARCH)
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    assert rows[0][0] == "Period" and len(rows) == 1 + 31  # one row per day of March
    xlsx = client.get(reverse("cockpit:chart_download", args=["on_time", "xlsx"]), MARCH)
    assert xlsx.status_code == 200 and xlsx["Content-Type"].startswith("application/vnd.openxmlformats")


def test_a_unit_head_sees_the_own_unit_only(client, unit_head, district, counted):
    client.force_login(unit_head)
    page = client.get(reverse("cockpit:cockpit"), MARCH).content.decode()
    assert "宽城区市场监督管理局" in page
    trend = chart_data(page, "trend")
    scjg = Department.objects.get(district=district, code="SCJG")
    own = figures.summed(district.pk, Period.month(dt.date(2026, 3, 1)), department_id=scjg.pk)[None]
    assert sum(p["value"] for p in trend["series"][0]["data"]) == own.received < 7
    refused = client.get(reverse("cockpit:cockpit"), {**MARCH, "department": "WJJ"})
    assert refused.status_code == 400
    assert "You see the figures of your own unit only." in refused.content.decode()


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ({"from": "2026-13"}, "There is no month “2026-13”"),
        ({"to": "2027-01"}, "which has not begun yet"),
        ({"from": "2026-04", "to": "2026-03"}, "The period ends before it begins."),
        ({"department": "NOPE"}, "There is no department “NOPE” in your district."),
    ],
)
def test_bad_filters_are_refused_with_the_reason(client, leader, counted, query, message):
    client.force_login(leader)
    for name in ("cockpit:cockpit", "cockpit:cases"):
        response = client.get(reverse(name), {"measure": "received", **query})
        assert response.status_code == 400, name
        assert message in response.content.decode()


def test_a_department_of_another_district_is_refused(client, leader, other_district, counted):
    elsewhere = Department.objects.create(district=other_district, code="XX", name="朝阳区某局")
    client.force_login(leader)
    response = client.get(reverse("cockpit:cockpit"), {"department": str(elsewhere.pk)})
    assert response.status_code == 400
    assert f"There is no department “{elsewhere.pk}” in your district." in response.content.decode()


def test_the_cockpit_is_for_leaders_supervisors_and_unit_heads(client, clerk, supervisor, counted):
    client.force_login(clerk)
    assert client.get(reverse("cockpit:cockpit")).status_code == 403
    assert client.get(reverse("cockpit:cases"), {"measure": "received"}).status_code == 403
    client.force_login(supervisor)
    assert client.get(reverse("cockpit:cockpit"), MARCH).status_code == 200


def test_the_open_data_page_shows_the_figures_and_no_person(client, district, counted):
    response = client.get(reverse("open_data:index"), {"from": "2026-03", "to": "2026-04"})
    assert response.status_code == 200
    page = response.content.decode()
    assert 'data-chart="rates-data"' in page and 'data-chart="volume-data"' in page
    assert "one_trip_rate" in page  # the dictionary
    assert "李华" not in page and counted["late"].number not in page


def test_the_open_data_downloads_as_csv_and_json_alike(client, district, counted):
    query = {"from": "2026-03", "to": "2026-04"}
    response = client.get(reverse("open_data:csv"), query)
    rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    document = client.get(reverse("open_data:json"), query).json()
    api = client.get("/api/v1/opendata/figures", query)
    assert api.status_code == 200
    assert api.json()["rows"] == document["rows"]
    assert [r["department_code"] for r in rows] == [r["department_code"] for r in document["rows"]]
    scjg_march = next(r for r in document["rows"] if r["month"] == "2026-03" and r["department_code"] == "SCJG")
    scjg = Department.objects.get(district=district, code="SCJG")
    own = figures.summed(district.pk, Period.month(dt.date(2026, 3, 1)), department_id=scjg.pk)[None]
    assert scjg_march["received"] == own.received and scjg_march["one_trip_rate"] == own.one_trip_rate
    assert {f["name"] for f in document["fields"]} == set(document["rows"][0])
    assert "李华" not in json.dumps(document, ensure_ascii=False)


def test_the_open_data_api_is_in_the_openapi_document_with_bounded_parameters(client):
    spec = client.get("/api/openapi.json").json()
    operation = spec["paths"]["/api/v1/opendata/figures"]["get"]
    parameters = {p["name"]: p["schema"] for p in operation["parameters"]}
    assert set(parameters) == {"from", "to", "department"}
    assert all("maxLength" in str(schema) for schema in parameters.values())
    assert "security" not in operation or operation["security"] == []


@pytest.mark.parametrize("query", [{"from": "2026-13"}, {"from": "13-2026"}, {"department": "NOPE"}])
def test_the_open_data_refuses_what_does_not_exist(client, district, query, clock):
    clock.set(dt.date(2026, 4, 20))
    assert client.get(reverse("open_data:index"), query).status_code == 400
    assert client.get(reverse("open_data:json"), query).status_code == 400
    assert client.get("/api/v1/opendata/figures", query).status_code in (400, 422)


def test_the_leaders_and_the_supervisors_home_shows_this_months_headline(
    client, leader, supervisor, clerk, district, counted, clock
):
    clock.set(dt.date(2026, 3, 31))
    march = figures.summed(district.pk, Period.month(dt.date(2026, 3, 1)))[None]
    for user, role in ((leader, "district_leader"), (supervisor, "centre_supervisor")):
        client.force_login(user)
        page = client.get(reverse("portal:workbench", args=[role])).content.decode()
        assert "data-headline" in page and "2026-03" in page, role
        assert f"{march.one_trip_rate:.1f}%" in page and reverse("cockpit:cockpit") in page, role
    client.force_login(clerk)
    assert "data-headline" not in client.get(reverse("portal:workbench", args=["window_clerk"])).content.decode()


# The enterprise and hall figures issues 17 and 18 give the cockpit ------------------------------

from dgov.financing.tests.conftest import bank, profile  # noqa: E402, F401
from dgov.financing.tests.test_financing import make_product, submit  # noqa: E402


def test_the_leader_sees_financing_talent_and_hall_figures_a_clerk_does_not(
    client,
    leader,
    clerk,
    enterprise_user,
    profile,  # noqa: F811
    bank,  # noqa: F811
):
    make_product(bank, "科技贷")
    submit(profile, enterprise_user)
    submit(profile, enterprise_user, collateral="equipment")  # fits no product
    client.force_login(leader)
    page = client.get(reverse("cockpit:cockpit")).content.decode()
    row = re.search(r"<table data-financing>.*?<tbody><tr>(.*?)</tr>", page, re.S)
    assert row is not None
    assert re.findall(r"<td>([^<]*)</td>", row.group(1))[:3] == ["2", "1", "0"]  # needs, matched, financed
    assert "<table data-talent>" in page and "<table data-hall>" in page
    client.force_login(clerk)
    page = client.get(reverse("cockpit:cockpit")).content.decode()
    assert "data-financing" not in page and "data-talent" not in page


def test_every_drill_down_states_the_figure_of_its_bar_as_the_cases_count_it(client, leader, district, counted):
    """The list is not counted (decision 0035): the figure it shows comes from the summary,
    and equals the cases (for clock stops and extensions: the acts) counted one by one."""
    from dgov.applications.models import ApplicationEvent, ClockStop

    client.force_login(leader)
    period = Period.month(dt.date(2026, 3, 1))
    first, last = period.first_day, period.last_day
    acts = {
        "clock_stops": ClockStop.objects.filter(started_on__range=(first, last)).count(),
        "extensions": ApplicationEvent.objects.filter(
            verb="extend", at__date__range=(first, last), application__district=district
        ).count(),
    }
    seen = set()
    for measure in figures.DRILLS:
        page = client.get(reverse("cockpit:cases"), {**MARCH, "measure": measure}).content.decode()
        stated = int(re.search(r'data-figure="(\d+)"', page)[1])
        listed = figures.cases_behind(measure, district.pk, first, last)
        assert stated == acts.get(measure, listed.count()), measure
        assert page.count("data-case") == listed.count(), measure
        seen.add(stated)
    assert len(seen) > 3, "the history gives the measures different figures"
    scjg = Department.objects.get(district=district, code="SCJG")
    page = client.get(reverse("cockpit:cases"), {**MARCH, "measure": "received", "department": "SCJG"})
    own = figures.cases_behind("received", district.pk, first, last).filter(department=scjg).count()
    assert f'data-figure="{own}"' in page.content.decode()


def test_the_drill_down_goes_on_from_the_last_case_shown(client, leader, district, counted, monkeypatch):
    from dgov.cockpit import views

    monkeypatch.setattr(views, "PAGE_SIZE", 2)
    client.force_login(leader)
    first, last = dt.date(2026, 3, 1), dt.date(2026, 4, 30)
    expected = list(
        figures.cases_behind("received", district.pk, first, last)
        .order_by("-received_on", "-pk")
        .values_list("number", flat=True)
    )
    assert len(expected) > 4, "the history fills three pages"
    url, listed, pages = f"{reverse('cockpit:cases')}?from=2026-03&to=2026-04&measure=received", [], 0
    while url:
        page = client.get(url).content.decode()
        pages += 1
        assert ("data-newest" in page) == (pages > 1)
        listed += re.findall(r"data-case>([^<]+)<", page)
        older = re.search(r'href="([^"]+)" data-older', page)
        url = reverse("cockpit:cases") + older[1].replace("&amp;", "&") if older else ""
    assert listed == expected  # each case once, newest first, none left out
    assert pages == (len(expected) + 1) // 2


@pytest.mark.parametrize("before", ["2026-02-30.5", "yesterday", "2026-03-01.", "2026-03-01.99999999999999999999"])
def test_a_broken_link_to_a_further_page_is_refused_with_the_reason(client, leader, counted, before):
    client.force_login(leader)
    response = client.get(reverse("cockpit:cases"), {**MARCH, "measure": "received", "before": before})
    assert response.status_code == 400
    assert "start again from the newest cases" in response.content.decode()


@pytest.mark.parametrize("measure", ["received", "accepted", "decided", "late_legal", "late_promised", "completed"])
def test_a_drill_down_page_is_read_in_order_from_an_index(leader, counted, measure):
    """Newest first straight from an index, stopping after a page, whatever the number of
    cases: the plan has no sort (on 10 million cases a sort read the whole month)."""
    from django.db import connection

    from dgov.cockpit.forms import DrillForm
    from dgov.cockpit.views import PAGE_SIZE

    form = DrillForm(
        {**MARCH, "measure": measure, "department": "SCJG"}, district_id=leader.district_id, today=dt.date(2026, 4, 20)
    )
    assert form.is_valid(), form.errors
    day = figures.day_field(measure)
    query = drilled(leader, form).order_by(f"-{day}", "-pk")[: PAGE_SIZE + 1]
    if measure == "received" and connection.vendor != "postgresql":
        pytest.skip("SQLite plans a partial index only for a query that repeats its condition word for word")
    if measure == "received":  # its closed cases (the open ones: the queue's index, tested there)
        query = drilled(leader, form).exclude(status__in=OPEN_STATUSES).order_by(f"-{day}", "-pk")[: PAGE_SIZE + 1]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":  # ask what the indexes can do, not what a tiny table costs
            cursor.execute("SET LOCAL enable_seqscan = off")
            cursor.execute("SET LOCAL enable_bitmapscan = off")
            cursor.execute("SET LOCAL enable_sort = off")
            cursor.execute("SET LOCAL enable_incremental_sort = off")
        plan = query.explain()
    assert "Sort" not in plan and "TEMP B-TREE" not in plan, plan


def test_the_cases_of_clock_stops_are_listed_by_their_stops_newest_first_page_by_page(
    client, leader, district, counted, monkeypatch, clerk
):
    from dgov.applications.models import Application, ClockStop
    from dgov.cockpit import views

    cases = list(Application.objects.filter(district=district, accepted_on__isnull=False).order_by("pk")[:3])
    assert len(cases) == 3
    for n, case in enumerate(cases):  # one stop each, in March, the last case's the earliest
        ClockStop.objects.create(
            application=case,
            procedure="检验检测",
            started_on=dt.date(2026, 3, 25 - 5 * n),
            ended_on=dt.date(2026, 3, 26 - 5 * n),
            expected_days=1,
            notice="-",
            started_by=clerk,
        )
    expected = [
        s.application.number
        for s in ClockStop.objects.filter(started_on__range=(dt.date(2026, 3, 1), dt.date(2026, 3, 31)))
        .select_related("application")
        .order_by("-started_on", "-pk")
    ]
    assert len(expected) >= 3
    monkeypatch.setattr(views, "PAGE_SIZE", 1)
    client.force_login(leader)
    url, listed = f"{reverse('cockpit:cases')}?from=2026-03&to=2026-03&measure=clock_stops", []
    while url:
        page = client.get(url).content.decode()
        listed += re.findall(r"data-case>([^<]+)<", page)
        older = re.search(r'href="([^"]+)" data-older', page)
        url = reverse("cockpit:cases") + older[1].replace("&amp;", "&") if older else ""
    assert listed == expected


def test_a_page_can_go_on_after_the_time_of_an_act(client, leader, counted):
    client.force_login(leader)
    response = client.get(
        reverse("cockpit:cases"),
        {**MARCH, "measure": "extensions", "before": "2026-03-31T23:59:59.999999+08:00.999999"},
    )
    assert response.status_code == 200
    assert 'data-figure="' in response.content.decode()
    naive = client.get(reverse("cockpit:cases"), {**MARCH, "measure": "extensions", "before": "2026-03-31T23:59:59.5"})
    assert naive.status_code == 400
