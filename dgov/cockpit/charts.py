"""The cockpit's charts: ECharts options, the table beside each chart (also its CSV), and
the link from each bar to the cases behind it. Everything is read from the summary tables
(``figures.summed``): a handful of grouped queries over one period's rows per page."""

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any
from urllib.parse import urlencode

from django.urls import reverse
from django.utils.html import escape
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from dgov.accounts.models import Department, ServiceWindow
from dgov.cockpit import figures
from dgov.cockpit.figures import Measures, Period

RED, YELLOW, GREEN, BLUE, GREY = "#c0392b", "#d4a017", "#2e8b57", "#2e86c1", "#7f8c8d"
LEVEL_COLOURS = [RED, "#e67e22", GREY, "#5dade2", GREEN]


def percent(value: float | None) -> str:
    return "" if value is None else f"{value:.1f}%"


@dataclass
class Chart:
    key: str
    title: str
    options: dict[str, Any]
    header: list[str]
    rows: list[list[Any]]
    links: Sequence[str | None] = field(default_factory=list)  # per table row: the cases behind it
    note: str = ""

    @property
    def table(self) -> list[tuple[list[Any], str | None]]:
        links = self.links or [None] * len(self.rows)
        return list(zip(self.rows, links, strict=False))


def _bars(
    title: str,
    categories: list[str],
    series: list[dict[str, Any]],
    *,
    horizontal: bool = False,
    percent_axis: bool = False,
) -> dict[str, Any]:
    value_axis: Any = {"type": "value"}
    if percent_axis:
        value_axis = [{"type": "value"}, {"type": "value", "max": 100, "axisLabel": {"formatter": "{value}%"}}]
    category_axis = {
        "type": "category",
        "data": categories,
        "axisLabel": {"interval": 0, "rotate": 0 if horizontal else 30},
    }
    return {
        "title": {"text": title, "left": "center", "textStyle": {"fontSize": 14}},
        "tooltip": {"trigger": "axis"},
        "legend": {"top": 26},
        "grid": {"top": 64, "left": 12, "right": 24, "bottom": 8, "containLabel": True},
        "xAxis": value_axis if horizontal else category_axis,
        "yAxis": category_axis if horizontal else value_axis,
        "series": series,
        "aria": {"enabled": True},
    }


# The hall's schematic floor plan: no window has a recorded position, so each kind of
# window stands along its own wall, in the order of the windows' numbers (general intake
# at the back, the enterprise and green-channel windows on the left, certificate exit on
# the right), the entrance in the middle of the front.
PLAN_WIDTH, PLAN_DEPTH = 16.0, 10.0
WALLS = {
    "back": gettext_lazy("Back wall"),
    "left": gettext_lazy("Left wall"),
    "right": gettext_lazy("Right wall"),
}
WALL_OF_KIND: dict[str, str] = {
    ServiceWindow.Kind.GENERAL: "back",
    ServiceWindow.Kind.ENTERPRISE: "left",
    ServiceWindow.Kind.GREEN: "left",
    ServiceWindow.Kind.ISSUE: "right",
}


def floor_plan(windows: Sequence[ServiceWindow]) -> dict[int, tuple[str, float, float]]:
    """window pk -> (wall, x, y) on the plan, windows spread evenly along their wall."""
    along: dict[str, list[ServiceWindow]] = {"back": [], "left": [], "right": []}
    for window in windows:
        along[WALL_OF_KIND.get(window.kind, "back")].append(window)
    places: dict[int, tuple[str, float, float]] = {}
    for wall, standing in along.items():
        for n, window in enumerate(standing, 1):
            share = n / (len(standing) + 1)
            if wall == "back":
                places[window.pk] = (wall, 1 + share * (PLAN_WIDTH - 2), PLAN_DEPTH - 1)
            else:
                x = 1.0 if wall == "left" else PLAN_WIDTH - 1
                places[window.pk] = (wall, x, 1.5 + share * (PLAN_DEPTH - 3.5))
    return places


def _point(value: Any, url: str | None) -> dict[str, Any]:
    return {"value": value, "url": url} if url else {"value": value}


class Cockpit:
    """The figures of one district, period and (optionally) department, read once."""

    def __init__(self, district_id: int, period: Period, department: Department | None = None) -> None:
        self.district_id = district_id
        self.period = period
        self.department = department
        self.department_id = department.pk if department is not None else None

    def _summed(self, by: str | None) -> dict[Any, Measures]:
        return figures.summed(self.district_id, self.period, by, department_id=self.department_id)

    @cached_property
    def total(self) -> Measures:
        return self._summed(None)[None]

    @property
    def time_grain(self) -> str:
        return "day" if self.period.first == self.period.last else "month"

    @cached_property
    def by_time(self) -> dict[Any, Measures]:
        return self._summed(self.time_grain)

    @cached_property
    def by_department(self) -> dict[Any, Measures]:
        return self._summed("department")

    @cached_property
    def by_window(self) -> dict[Any, Measures]:
        return self._summed("window")

    @cached_property
    def departments(self) -> dict[int, Department]:
        return {d.pk: d for d in Department.objects.filter(district_id=self.district_id)}

    @cached_property
    def service_windows(self) -> list[ServiceWindow]:
        return list(ServiceWindow.objects.filter(district_id=self.district_id).order_by("number", "pk"))

    @cached_property
    def windows(self) -> dict[int, str]:
        names = {w.pk: f"{w.number} {w.name}" for w in self.service_windows}
        names[0] = _("Online (no window)")
        return names

    @cached_property
    def declared(self) -> dict[int, figures.Declared]:
        return figures.declared_by_department(self.district_id)

    @cached_property
    def declared_total(self) -> figures.Declared:
        if self.department_id is not None:
            return self.declared.get(self.department_id, figures.Declared(0, 0))
        return figures.declared_total(self.declared)

    # Links ------------------------------------------------------------------------------

    def cases_url(self, measure: str, *, period: Period | None = None, **dims: Any) -> str:
        period = period or self.period
        query: dict[str, Any] = {"measure": measure, **period.query()}
        if self.department is not None:
            query["department"] = self.department.code
        for key, value in dims.items():
            if value is not None:
                query[key] = value.code if isinstance(value, Department) else value
        return f"{reverse('cockpit:cases')}?{urlencode(query)}"

    def _time_period(self, key: dt.date) -> Period | None:
        return Period.month(key) if self.time_grain == "month" else None

    # Charts ------------------------------------------------------------------------------

    def trend(self) -> Chart:
        grain = self.time_grain
        if grain == "month":
            keys = self.period.months
            label = "%Y-%m"
        else:
            first, last = self.period.first_day, self.period.last_day
            keys = [first + dt.timedelta(days=n) for n in range((last - first).days + 1)]
            label = "%m-%d"
        rows, links = [], []
        received, completed, on_time, one_trip = [], [], [], []
        for key in keys:
            m = self.by_time.get(key, Measures())
            url = self.cases_url("received", period=Period.month(key)) if grain == "month" else None
            rows.append(
                [
                    key.strftime(label),
                    m.received,
                    m.completed,
                    m.decided,
                    percent(m.on_time_promised_rate),
                    percent(m.on_time_legal_rate),
                    percent(m.one_trip_rate),
                    m.average_working_days if m.average_working_days is not None else "",
                ]
            )
            links.append(url)
            received.append(_point(m.received, url))
            completed.append(
                _point(m.completed, self.cases_url("completed", period=Period.month(key)) if grain == "month" else None)
            )
            on_time.append(m.on_time_promised_rate)
            one_trip.append(m.one_trip_rate)
        options = _bars(
            _("Cases by %(grain)s") % {"grain": _("month") if grain == "month" else _("day")},
            [k.strftime(label) for k in keys],
            [
                {"name": _("Received"), "type": "bar", "data": received, "itemStyle": {"color": BLUE}},
                {"name": _("Completed"), "type": "bar", "data": completed, "itemStyle": {"color": GREEN}},
                {"name": _("On time (promised) %"), "type": "line", "yAxisIndex": 1, "data": on_time},
                {"name": _("One trip (measured) %"), "type": "line", "yAxisIndex": 1, "data": one_trip},
            ],
            percent_axis=True,
        )
        header = [
            _("Period"),
            _("Received"),
            _("Completed"),
            _("Decided"),
            _("On time (promised)"),
            _("On time (legal)"),
            _("One trip (measured)"),
            _("Average working days to completion"),
        ]
        return Chart("trend", str(options["title"]["text"]), options, header, rows, links)

    def _department_keys(self, data: dict[Any, Measures], value: Callable[[Measures], float | int | None]) -> list[int]:
        keys = [k for k, m in data.items() if k in self.departments and any(m.as_dict().values())]
        return sorted(keys, key=lambda k: (-(value(data[k]) or 0), self.departments[k].code))

    def on_time(self) -> Chart:
        data = self.by_department
        keys = self._department_keys(data, lambda m: m.decided)
        names = [self.departments[k].name for k in keys]
        rows, links = [], []
        for k in keys:
            m = data[k]
            rows.append(
                [
                    self.departments[k].name,
                    m.decided,
                    m.on_time_promised,
                    percent(m.on_time_promised_rate),
                    m.on_time_legal,
                    percent(m.on_time_legal_rate),
                    m.decided - m.on_time_promised,
                ]
            )
            links.append(self.cases_url("late_promised", department=self.departments[k]))
        options = _bars(
            _("Decided on time, by department"),
            names,
            [
                {
                    "name": _("Within the promised limit"),
                    "type": "bar",
                    "stack": "t",
                    "itemStyle": {"color": GREEN},
                    "data": [
                        _point(
                            data[k].on_time_promised, self.cases_url("on_time_promised", department=self.departments[k])
                        )
                        for k in keys
                    ],
                },
                {
                    "name": _("After the promised limit"),
                    "type": "bar",
                    "stack": "t",
                    "itemStyle": {"color": RED},
                    "data": [
                        _point(
                            data[k].decided - data[k].on_time_promised,
                            self.cases_url("late_promised", department=self.departments[k]),
                        )
                        for k in keys
                    ],
                },
                {
                    "name": _("On time (legal) %"),
                    "type": "line",
                    "yAxisIndex": 1,
                    "data": [data[k].on_time_legal_rate for k in keys],
                },
            ],
            percent_axis=True,
        )
        header = [
            _("Department"),
            _("Decided"),
            _("Within the promised limit"),
            _("On time (promised)"),
            _("Within the legal limit"),
            _("On time (legal)"),
            _("Late (promised)"),
        ]
        return Chart("on_time", str(options["title"]["text"]), options, header, rows, links)

    def one_trip(self) -> Chart:
        data = self.by_department
        keys = self._department_keys(data, lambda m: m.completed)
        rows, links = [], []
        for k in keys:
            m, declared = data[k], self.declared.get(k, figures.Declared(0, 0))
            rows.append(
                [
                    self.departments[k].name,
                    m.completed,
                    m.one_trip,
                    percent(m.one_trip_rate),
                    percent(declared.rate),
                    m.broken_promise,
                ]
            )
            links.append(self.cases_url("more_trips", department=self.departments[k]))
        options = _bars(
            _("One trip: measured from visits beside declared in the catalogue"),
            [self.departments[k].name for k in keys],
            [
                {
                    "name": _("Measured %"),
                    "type": "bar",
                    "itemStyle": {"color": BLUE},
                    "data": [
                        _point(data[k].one_trip_rate, self.cases_url("more_trips", department=self.departments[k]))
                        for k in keys
                    ],
                },
                {
                    "name": _("Declared %"),
                    "type": "bar",
                    "itemStyle": {"color": GREY},
                    "data": [self.declared.get(k, figures.Declared(0, 0)).rate for k in keys],
                },
            ],
        )
        options["yAxis"]["max"] = 100
        header = [
            _("Department"),
            _("Completed"),
            _("At most one visit"),
            _("One trip (measured)"),
            _("One trip (declared items)"),
            _("More visits than promised"),
        ]
        return Chart("one_trip", str(options["title"]["text"]), options, header, rows, links)

    def promises(self) -> Chart:
        worst = figures.broken_promises(self.district_id, self.period, department_id=self.department_id)
        shown = [w for w in worst if w.broken][:10]
        rows = [
            [w.code, w.name, w.department, w.max_trips, w.figures.completed, w.broken, percent(w.figures.broken_rate)]
            for w in worst
        ]
        links = [self.cases_url("broken_promise", item=w.item_id) for w in worst]
        options = _bars(
            _("Items whose promise of visits is broken most often"),
            [w.name for w in reversed(shown)],
            [
                {
                    "name": _("More visits than promised"),
                    "type": "bar",
                    "itemStyle": {"color": RED},
                    "data": [
                        _point(w.broken, self.cases_url("broken_promise", item=w.item_id)) for w in reversed(shown)
                    ],
                }
            ],
            horizontal=True,
        )
        header = [
            _("Code"),
            _("Item"),
            _("Department"),
            _("Visits promised"),
            _("Completed"),
            _("More visits than promised"),
            _("Share"),
        ]
        return Chart("promises", str(options["title"]["text"]), options, header, rows, links)

    def procedure(self) -> Chart:
        data = self.by_department
        keys = self._department_keys(data, lambda m: m.received)
        rows, links = [], []
        for k in keys:
            m = data[k]
            rows.append(
                [
                    self.departments[k].name,
                    m.received,
                    m.supplemented,
                    percent(m.supplement_rate),
                    m.refused,
                    m.deemed,
                    m.clock_stops,
                    m.extensions,
                ]
            )
            links.append(self.cases_url("supplemented", department=self.departments[k]))
        series = []
        for measure, label, colour in (
            ("supplemented", _("Supplement notices"), YELLOW),
            ("deemed", _("Deemed accepted"), RED),
            ("clock_stops", _("Clock stops"), GREY),
            ("extensions", _("Extensions"), BLUE),
        ):
            series.append(
                {
                    "name": label,
                    "type": "bar",
                    "itemStyle": {"color": colour},
                    "data": [
                        _point(getattr(data[k], measure), self.cases_url(measure, department=self.departments[k]))
                        for k in keys
                    ],
                }
            )
        options = _bars(
            _("Supplements, deemed acceptances, clock stops and extensions"),
            [self.departments[k].name for k in keys],
            series,
        )
        header = [
            _("Department"),
            _("Received"),
            _("With a supplement notice"),
            _("Supplement rate"),
            _("Not accepted"),
            _("Deemed accepted"),
            _("Clock stops"),
            _("Extensions"),
        ]
        return Chart("procedure", str(options["title"]["text"]), options, header, rows, links)

    def windows_chart(self) -> Chart:
        from dgov.ratings.competition import NEUTRAL_MEAN, prior_weight

        data = self.by_window
        total = self.total
        mean = total.satisfaction or NEUTRAL_MEAN
        prior = prior_weight()
        keys = sorted((k for k, m in data.items() if any(m.as_dict().values())), key=lambda k: self.windows.get(k, ""))
        rows, links = [], []
        for k in keys:
            m = data[k]
            score_sum = sum(level * n for level, n in enumerate(m.levels, 1))
            smoothed = round((prior * mean + score_sum) / (prior + m.ratings), 2)
            rows.append(
                [
                    self.windows.get(k, str(k)),
                    m.received,
                    m.completed,
                    m.ratings,
                    m.satisfaction or "",
                    smoothed,
                    percent(m.on_time_promised_rate),
                ]
            )
            links.append(self.cases_url("received", window=k))
        options = _bars(
            _("Windows: cases and satisfaction"),
            [self.windows.get(k, str(k)) for k in keys],
            [
                {
                    "name": _("Received"),
                    "type": "bar",
                    "itemStyle": {"color": BLUE},
                    "data": [_point(data[k].received, self.cases_url("received", window=k)) for k in keys],
                },
                {
                    "name": _("Completed"),
                    "type": "bar",
                    "itemStyle": {"color": GREEN},
                    "data": [_point(data[k].completed, self.cases_url("completed", window=k)) for k in keys],
                },
            ],
        )
        header = [
            _("Window"),
            _("Received"),
            _("Completed"),
            _("Ratings"),
            _("Mean rating (1–5)"),
            _("Smoothed rating (as in the competition)"),
            _("On time (promised)"),
        ]
        return Chart("windows", str(options["title"]["text"]), options, header, rows, links)

    def hall_map(self) -> Chart:
        """The service hall as a schematic floor plan: each window at its place along the
        walls (``floor_plan``), drawn as large as the cases it received and coloured by its
        on-time rate against the promised limit; a click lists the window's cases."""
        data = self.by_window
        places = floor_plan(self.service_windows)
        rows, links, points = [], [], []
        for window in self.service_windows:
            m = data.get(window.pk, Measures())
            wall, x, y = places[window.pk]
            rate = m.on_time_promised_rate
            url = self.cases_url("received", window=window.pk)
            rows.append(
                [
                    window.number,
                    window.name,
                    str(window.get_kind_display()),
                    str(WALLS[wall]),
                    m.received,
                    m.completed,
                    m.decided,
                    percent(rate),
                ]
            )
            links.append(url)
            tip = _("%(window)s: %(received)d received, %(completed)d completed, on time (promised) %(rate)s") % {
                "window": f"{window.number} {window.name}",
                "received": m.received,
                "completed": m.completed,
                "rate": percent(rate) or "–",
            }
            points.append(
                {
                    "name": window.number,
                    "value": [x, y, -1 if rate is None else round(rate, 1), m.received],
                    "url": url,
                    "symbolSize": 22 + min(m.received, 400) ** 0.5 * 1.6,
                    "tooltip": {"formatter": escape(tip)},
                }
            )
        title = _("The service hall: windows by on-time rate")
        options: dict[str, Any] = {
            "title": {
                "text": title,
                "left": "center",
                "textStyle": {"fontSize": 14},
            },
            "tooltip": {"trigger": "item"},
            "grid": {"top": 40, "left": 8, "right": 8, "bottom": 48},
            "xAxis": {"type": "value", "min": 0, "max": PLAN_WIDTH, "show": False},
            "yAxis": {"type": "value", "min": 0, "max": PLAN_DEPTH, "show": False},
            "visualMap": {
                "type": "piecewise",
                "dimension": 2,
                "seriesIndex": 0,
                "orient": "horizontal",
                "left": "center",
                "bottom": 4,
                "pieces": [
                    {"lt": 0, "label": _("Nothing decided"), "color": GREY},
                    {"gte": 0, "lt": 80, "label": "< 80%", "color": RED},
                    {"gte": 80, "lt": 95, "label": "80–95%", "color": YELLOW},
                    {"gte": 95, "label": "≥ 95%", "color": GREEN},
                ],
            },
            "series": [
                {
                    "name": _("Windows"),
                    "type": "scatter",
                    "symbol": "roundRect",
                    "data": points,
                    "label": {"show": True, "formatter": "{b}", "color": "#fff", "fontWeight": "bold"},
                    "markArea": {
                        "silent": True,
                        "label": {"color": GREY},
                        "itemStyle": {"color": "rgba(127,140,141,0.06)", "borderColor": GREY, "borderWidth": 1},
                        "data": [
                            [{"name": _("Service hall"), "coord": [0, 0]}, {"coord": [PLAN_WIDTH, PLAN_DEPTH]}],
                            [
                                {"name": _("Waiting area"), "coord": [3.5, 2.5], "label": {"position": "inside"}},
                                {"coord": [PLAN_WIDTH - 3.5, PLAN_DEPTH - 3]},
                            ],
                            [
                                {
                                    "name": _("Entrance"),
                                    "coord": [PLAN_WIDTH / 2 - 1.5, 0],
                                    "label": {"position": "inside"},
                                },
                                {"coord": [PLAN_WIDTH / 2 + 1.5, 0.8]},
                            ],
                        ],
                    },
                }
            ],
            "aria": {"enabled": True},
        }
        header = [
            _("Window"),
            _("Name"),
            _("Kind"),
            _("Place in the hall"),
            _("Received"),
            _("Completed"),
            _("Decided"),
            _("On time (promised)"),
        ]
        return Chart("hall_map", title, options, header, rows, links)

    def ratings(self) -> Chart:
        from dgov.ratings.models import Level

        m = self.total
        labels = [str(Level(n).label) for n in range(1, 6)]
        options: dict[str, Any] = {
            "title": {"text": _("Ratings by level"), "left": "center", "textStyle": {"fontSize": 14}},
            "tooltip": {"trigger": "item"},
            "xAxis": {"type": "category", "data": labels, "axisLabel": {"interval": 0, "rotate": 30}},
            "yAxis": {"type": "value"},
            "grid": {"top": 40, "left": 12, "right": 24, "bottom": 8, "containLabel": True},
            "series": [
                {
                    "type": "bar",
                    "name": _("Ratings"),
                    "data": [
                        {"value": n, "itemStyle": {"color": c}} for n, c in zip(m.levels, LEVEL_COLOURS, strict=True)
                    ],
                }
            ],
            "aria": {"enabled": True},
        }
        rows = [[label, n] for label, n in zip(labels, m.levels, strict=True)]
        rows += [
            [_("Excluded after an upheld appeal"), m.excluded],
            [_("Bad ratings' rectifications"), m.rectifications],
            [_("Rectified on time"), m.rectified_on_time],
            [_("Rectified late"), m.rectified_late],
            [_("Rectified on time (share)"), percent(m.rectified_on_time_rate)],
            [_("Appeals"), m.appeals],
            [_("Appeals upheld"), m.appeals_upheld],
        ]
        return Chart("ratings", str(options["title"]["text"]), options, [_("Figure"), _("Value")], rows)

    def charts(self) -> list[Chart]:
        return [
            self.trend(),
            self.on_time(),
            self.one_trip(),
            self.promises(),
            self.procedure(),
            self.windows_chart(),
            self.hall_map(),
            self.ratings(),
        ]

    def chart(self, key: str) -> Chart | None:
        builders = {
            "trend": self.trend,
            "on_time": self.on_time,
            "one_trip": self.one_trip,
            "promises": self.promises,
            "procedure": self.procedure,
            "windows": self.windows_chart,
            "hall_map": self.hall_map,
            "ratings": self.ratings,
        }
        builder = builders.get(key)
        return builder() if builder is not None else None

    def headline(self) -> list[tuple[str, str, str]]:
        """(label, value, note) of the figures at the top of the cockpit and the leaders' homes."""
        m, declared = self.total, self.declared_total
        return [
            (_("Received"), str(m.received), ""),
            (_("Completed"), str(m.completed), ""),
            (
                _("On time (promised)"),
                percent(m.on_time_promised_rate),
                _("%(n)d of %(d)d decided") % {"n": m.on_time_promised, "d": m.decided},
            ),
            (_("On time (legal)"), percent(m.on_time_legal_rate), ""),
            (
                _("One trip (measured)"),
                percent(m.one_trip_rate),
                _("declared: %(rate)s of %(n)d items") % {"rate": percent(declared.rate), "n": declared.total},
            ),
            (
                _("Average working days to completion"),
                "" if m.average_working_days is None else f"{m.average_working_days:.1f}",
                "",
            ),
            (_("Supplement rate"), percent(m.supplement_rate), ""),
            (
                _("Mean rating (1–5)"),
                "" if m.satisfaction is None else f"{m.satisfaction:.2f}",
                _("%(n)d ratings") % {"n": m.ratings},
            ),
            (_("Rectified on time"), percent(m.rectified_on_time_rate), ""),
        ]
