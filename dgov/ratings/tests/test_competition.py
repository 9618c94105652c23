import datetime as dt
import io

import pytest
from django.test import Client
from openpyxl import load_workbook

from dgov.accounts.models import Department, ServiceWindow
from dgov.applications.models import Application, Visit
from dgov.lib import clock
from dgov.ratings.competition import competition, month_bounds, previous_month
from dgov.ratings.models import Rating, Source
from dgov.workdays.models import Deadline

pytestmark = pytest.mark.django_db


def logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def windows(district):
    centre = Department.objects.get(district=district, code="ZWFW")
    return {
        n: ServiceWindow.objects.get_or_create(
            district=district, number=n, defaults={"service_centre": centre, "name": f"窗口{n}"}
        )[0]
        for n in ("01", "02", "03")
    }


@pytest.fixture
def give(completed, clerk):
    """Ratings of the window on the day, one per visit (one rating per visit)."""

    def make(window: ServiceWindow, levels: list[int], day: dt.date) -> None:
        for level in levels:
            visit = Visit.objects.create(application=completed, window=window, clerk=clerk)
            Rating.objects.create(
                district_id=completed.district_id,
                application=completed,
                visit=visit,
                department_id=completed.department_id,
                window=window,
                item_id=completed.item_id,
                level=level,
                source=Source.WINDOW,
                rated_on=day,
            )

    return make


def this_month() -> tuple[int, int]:
    today = clock.today()
    return today.year, today.month


def test_a_single_top_rating_does_not_outrank_many_good_ones(district, windows, give):
    year, month = this_month()
    day = dt.date(year, month, 1)
    give(windows["01"], [5], day)  # one perfect rating
    give(windows["02"], [5] * 9 + [4], day)  # ten, mean 4.9
    give(windows["03"], [3] * 10, day)  # ten, mean 3.0
    ranking = competition(district, year, month, clock.today())
    assert ranking.mean == pytest.approx(84 / 21, abs=1e-3)
    order = [row.key for row in ranking.windows]
    assert order == [windows["02"].pk, windows["01"].pk, windows["03"].pk]
    first = ranking.windows[0]
    assert first.raw_mean == 4.9 and first.ratings == 10


def test_a_window_last_two_months_running_is_flagged_for_a_talk(district, windows, give):
    year, month = this_month()
    before = dt.date(*previous_month(year, month), 3)
    now = dt.date(year, month, 1)
    for day in (before, now):
        give(windows["01"], [5] * 5, day)
        give(windows["03"], [1] * 5, day)
    give(windows["02"], [2] * 8, before)  # low, but not last
    give(windows["02"], [4] * 5, now)
    ranking = competition(district, year, month, clock.today())
    flagged = [row.key for row in ranking.windows if row.talk]
    assert flagged == [windows["03"].pk]
    earlier = competition(district, *previous_month(year, month), clock.today())
    assert [row.talk for row in earlier.windows] == [False, False, False]


def test_late_decisions_lower_the_on_time_rate_and_draw_red_cards(district, completed):
    year, month = previous_month(*this_month())
    first, _last = month_bounds(year, month)
    promise = first + dt.timedelta(days=2)
    Deadline.objects.filter(pk=completed.promised_deadline_id).update(due_date=promise, base_due_date=promise)
    Application.objects.filter(pk=completed.pk).update(decided_on=first + dt.timedelta(days=5))
    ranking = competition(district, year, month, clock.today())
    unit = next(row for row in ranking.units if row.key == completed.department_id)
    assert (unit.decided, unit.on_time, unit.red_cards, unit.on_time_rate) == (1, 0, 1, 0.0)
    assert unit.score == pytest.approx(70 * 0.5 + 0 - 5)


def test_the_page_shows_the_formula_and_the_chart_and_exports_to_excel(district, windows, give, supervisor):
    year, month = this_month()
    give(windows["01"], [4, 5], dt.date(year, month, 1))
    client = logged_in(supervisor)
    page = client.get(f"/ratings/competition/?month={year}-{month:02d}")
    assert page.status_code == 200
    html = page.content.decode()
    assert "data-formula" in html and "70 × S + 30 × T" in html
    assert 'data-chart="competition-chart"' in html and 'id="competition-chart"' in html
    export = client.get(f"/ratings/competition/export.xlsx?month={year}-{month:02d}")
    assert export.status_code == 200
    book = load_workbook(io.BytesIO(b"".join(export.streaming_content)))
    rows = list(book.worksheets[0].iter_rows(values_only=True))
    assert rows[1][:3] == (1, f"01 {windows['01'].name}", 2)
    assert client.get("/ratings/competition/?month=2026-13").status_code == 400
    assert client.get("/ratings/competition/export.xlsx?month=nonsense").status_code == 400


def test_a_name_that_looks_like_a_formula_is_exported_as_text(district, windows, give, supervisor, completed):
    year, month = this_month()
    Department.objects.filter(pk=completed.department_id).update(name="=SUM(1,1)")
    give(windows["01"], [4], dt.date(year, month, 1))
    export = logged_in(supervisor).get(f"/ratings/competition/export.xlsx?month={year}-{month:02d}")
    units = load_workbook(io.BytesIO(b"".join(export.streaming_content))).worksheets[1]
    names = [row[1] for row in units.iter_rows(min_row=2)]
    cell = next(c for c in names if c.value and "SUM" in str(c.value))
    assert cell.data_type == "s" and cell.value == "'=SUM(1,1)"


def test_the_competition_is_not_for_everyone(clerk, citizen):
    assert logged_in(clerk).get("/ratings/competition/").status_code == 403
    assert logged_in(citizen).get("/ratings/competition/").status_code == 403
