"""Each staff home is the person's to-do (issue 15 item 0): per queue the number of items,
their lights, what falls due today and on the next working day, the oldest and the red
items, counted against a fixture whose lights are known — around National Day 2026, so
that a deadline on a holiday is due on the first working day after it, not overdue."""

import datetime as dt
from typing import Any

import pytest
from django.urls import reverse

from dgov.applications import actions
from dgov.applications.models import Application, Channel
from dgov.applications.tests.conftest import citizen_applicant, item  # noqa: F401 — fixtures
from dgov.lib.todo import due_windows, queues_for
from dgov.workdays.models import Deadline

pytestmark = pytest.mark.django_db

D = dt.date
TODAY = D(2026, 10, 8)  # Thursday, the first working day after the National Day holiday (1–7 Oct)


def _due(application: Application, due: dt.date) -> None:
    Deadline.objects.filter(pk=application.promised_deadline_id).update(due_date=due)


@pytest.fixture
def cases(item, citizen, citizen_applicant, clerk, reviewer, approver, clock) -> dict[str, Any]:  # noqa: F811
    clock.set(D(2026, 9, 21))
    counter = iter(range(100))

    def submitted() -> Application:
        application, _ = actions.do_submit(
            item=item,
            applicant=citizen_applicant,
            by=citizen,
            channel=Channel.ONLINE,
            idempotency_key=f"t{next(counter)}",
        )
        return application

    def accepted(due: dt.date) -> Application:
        application = submitted()
        actions.do_accept(application, by=clerk)
        application.refresh_from_db()
        _due(application, due)
        return application

    def reviewed(due: dt.date) -> Application:
        application = accepted(due)
        actions.do_review(application, by=reviewer)
        return application

    found = {
        "oldest submitted": submitted(),
        # To review: red, due on a holiday (so due today), due the next working day, green.
        "red": accepted(D(2026, 9, 29)),
        "on a holiday": accepted(D(2026, 10, 5)),
        "next working day": accepted(D(2026, 10, 9)),
        "green": accepted(D(2026, 10, 20)),
        # To decide: one red, one stopped (its clock does not run: never red).
        "red to decide": reviewed(D(2026, 9, 30)),
        "stopped": reviewed(D(2026, 9, 1)),
    }
    actions.do_stop_clock(found["stopped"], by=approver, procedure="检验", expected_days=3, notice="送检")
    clock.set(D(2026, 9, 28))
    found["newer submitted"] = submitted()
    clock.set(TODAY)
    return found


def _home(client: Any, user: Any, role: str) -> str:
    client.force_login(user)
    response = client.get(reverse("portal:workbench", args=[role]))
    assert response.status_code == 200
    return response.content.decode()


def _queue(user: Any, label: str) -> Any:
    return {str(q.label): q for q in queues_for(user, TODAY)}[label]


def _figures(queue: Any) -> tuple[int, ...]:
    return (queue.count, queue.red, queue.yellow, queue.green, queue.due_today, queue.due_next)


def test_the_due_windows_carry_a_holiday_to_the_next_working_day(db):
    today, next_day = due_windows(TODAY)
    assert today == (D(2026, 10, 1), TODAY)
    assert next_day == (D(2026, 10, 9), D(2026, 10, 9))
    # On a holiday nothing falls due; the next working day gathers the holiday's dates.
    assert due_windows(D(2026, 10, 3)) == (None, (D(2026, 10, 4), D(2026, 10, 8)))


def test_a_reviewers_home_counts_the_lights_and_names_the_red(client, reviewer, cases):
    queue = _queue(reviewer, "Applications to review")
    # red (29 Sep); yellow: the holiday date (due today) and 9 Oct (due next); green: 20 Oct
    assert _figures(queue) == (4, 1, 2, 1, 1, 1)
    assert [e.url for e in queue.reds] == [reverse("applications:case", args=[cases["red"].pk])]
    page = _home(client, reviewer, "reviewer")
    assert f'href="{reverse("applications:case", args=[cases["red"].pk])}"' in page
    assert cases["on a holiday"].number not in page.split("<h3>")[1]  # not among the overdue


def test_a_clerks_home_shows_the_oldest_application_to_accept(client, clerk, cases):
    queues = {str(q.label): q for q in queues_for(clerk, TODAY)}
    to_accept = queues["Applications to accept"]
    assert (to_accept.count, to_accept.lights) == (2, False)
    assert to_accept.oldest is not None
    assert to_accept.oldest.url == reverse("applications:case", args=[cases["oldest submitted"].pk])
    page = _home(client, clerk, "window_clerk")
    assert cases["oldest submitted"].number in page


def test_a_stopped_clock_is_never_red(approver, cases):
    queue = _queue(approver, "Applications to decide")
    assert _figures(queue) == (2, 1, 0, 0, 0, 0)
    assert [e.url for e in queue.reds] == [reverse("applications:case", args=[cases["red to decide"].pk])]


@pytest.mark.parametrize("role", ["supervisor", "leader"])
def test_the_supervisor_and_the_leader_see_the_districts_red_items(client, request, role, cases):
    user = request.getfixturevalue(role)
    queues = {str(q.label): q for q in queues_for(user, TODAY)}
    clocked = queues["Cases under the decision clock"]
    assert _figures(clocked) == (6, 2, 2, 1, 1, 1)
    page = _home(client, user, user.primary_role.value)
    assert "data-headline" in page
    for name in ("red", "red to decide"):
        assert f'href="{reverse("applications:case", args=[cases[name].pk])}"' in page


def test_the_home_costs_a_bounded_number_of_queries(client, supervisor, cases, django_assert_max_num_queries):
    client.force_login(supervisor)
    with django_assert_max_num_queries(60):
        assert client.get(reverse("portal:workbench", args=["centre_supervisor"])).status_code == 200
