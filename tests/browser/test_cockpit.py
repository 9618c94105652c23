"""The leaders' cockpit and the open data in the browser: every chart is drawn by ECharts
beside its table, a bar's table row leads to the cases behind it, and the public page
draws its charts and offers its downloads without logging in (issue 15, decision 0022).

Elements are found by ``data-*`` attributes, not by translated text."""

import datetime as dt
import io

import pytest
from django.core.management import call_command

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

QUERY = "from=2026-03&to=2026-03"


@pytest.fixture
def generated(district, leader, clock):
    """A few hundred cases over three months, counted in the summary tables."""
    clock.set(dt.date(2026, 4, 20))
    call_command("generate_cases", count=150, months=3, stdout=io.StringIO())


def drawn_charts(page) -> tuple[int, int]:
    """(charts on the page, charts ECharts drew on a canvas)."""
    page.wait_for_function("document.querySelectorAll('[data-chart][data-drawn] canvas').length > 0")
    return (
        page.locator("[data-chart]").count(),
        page.locator("[data-chart][data-drawn]").filter(has=page.locator("canvas")).count(),
    )


def test_the_leader_sees_the_charts_and_drills_down_to_the_cases(as_user, generated):
    page = as_user("leader")
    page.goto(f"/cockpit/?{QUERY}")
    charts, drawn = drawn_charts(page)
    assert charts >= 5 and drawn == charts
    # Each chart's table is beside it, with its downloads.
    assert page.locator("[data-chart-card] table tbody tr").count() >= charts
    assert page.locator("[data-download=csv]").count() == charts
    with page.expect_navigation():
        page.locator("[data-chart-card] a[data-drill]").first.click()
    assert "/cockpit/cases/" in page.url
    assert page.locator("[data-case]").count() > 0
    # The hall's floor plan: a click on a window lists the cases it received.
    page.go_back()
    plan = page.locator('[data-chart="chart-hall_map-data"]')
    plan.scroll_into_view_if_needed()
    page.wait_for_function("document.querySelector('[data-chart=\"chart-hall_map-data\"]').dataset.drawn")
    point = page.evaluate(
        """() => {
        const el = document.querySelector('[data-chart="chart-hall_map-data"]');
        const chart = echarts.getInstanceByDom(el);
        const first = chart.getOption().series[0].data[0];
        const [x, y] = chart.convertToPixel({seriesIndex: 0}, first.value.slice(0, 2));
        const box = el.getBoundingClientRect();
        return {x: box.left + x, y: box.top + y, url: first.url};
    }"""
    )
    with page.expect_navigation():
        page.mouse.click(point["x"], point["y"])
    assert "window=" in page.url and page.url.endswith(point["url"].split("?", 1)[1])


def test_the_public_sees_the_open_data_charts_and_downloads(as_user, generated):
    page = as_user(None)
    page.goto(f"/open-data/?{QUERY}")
    charts, drawn = drawn_charts(page)
    assert charts >= 1 and drawn == charts
    response = page.request.get(f"/open-data/figures.json?{QUERY}")
    assert response.status == 200 and response.json()
