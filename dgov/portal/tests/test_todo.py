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


def test_the_home_costs_the_same_whatever_the_number_of_items(
    client, request, supervisor, cases, clerk, django_assert_max_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(supervisor)
    url = reverse("portal:workbench", args=["centre_supervisor"])
    client.get(url)  # the calendar's years and the session, read once
    with CaptureQueriesContext(connection) as before:
        client.get(url)
    the_item, citizen, applicant = (request.getfixturevalue(f) for f in ("item", "citizen", "citizen_applicant"))
    for n in range(3):
        application, _ = actions.do_submit(
            item=the_item, applicant=applicant, by=citizen, channel=Channel.ONLINE, idempotency_key=f"more{n}"
        )
        actions.do_accept(application, by=clerk)
        application.refresh_from_db()
        _due(application, D(2026, 9, 1))
    assert _queue(supervisor, "Cases under the decision clock").red == 5
    with django_assert_max_num_queries(len(before)):
        assert client.get(url).status_code == 200


@pytest.fixture
def secretary_work(district, secretary, leader, officer, make_staff, clock) -> dict[str, Any]:
    from dgov.accounts.models import Department
    from dgov.investment.models import Project, Stage
    from dgov.secretaries import actions as secretaries

    clock.set(D(2026, 9, 1))
    scjg = Department.objects.get(district=district, code="SCJG")

    def project(name: str) -> Any:
        return Project.objects.create(
            district=district, name=name, investor=f"{name}有限公司", stage=Stage.SIGNED, is_key=True
        )

    mine, other = project("泰盟智慧化工厂"), project("别人的项目")
    secretaries.do_assign(mine, secretary=secretary, leader=leader, by=officer)
    another = make_staff("project_secretary", "another_secretary", department=None)
    secretaries.do_assign(other, secretary=another, leader=leader, by=officer)
    issues = {}
    for name, due in (("red", D(2026, 9, 29)), ("on a holiday", D(2026, 10, 2)), ("green", D(2026, 10, 20))):
        issues[name] = issue = secretaries.do_raise_issue(mine, by=secretary, kind="land", title=name, department=scjg)
        Deadline.objects.filter(pk=issue.deadline_id).update(due_date=due)
    # Another project's issue, red as well, is not this secretary's work.
    Deadline.objects.filter(
        pk=secretaries.do_raise_issue(other, by=another, kind="land", title="other", department=scjg).deadline_id
    ).update(due_date=D(2026, 9, 29))
    clock.set(TODAY)
    return issues


def test_a_secretarys_home_shows_their_projects_issues_and_overdue_contacts(client, secretary, secretary_work):
    issues = _queue(secretary, "Enterprise issues")
    assert _figures(issues) == (3, 1, 1, 1, 1, 0)
    assert [e.name.split(" · ")[1] for e in issues.reds] == ["red"]
    # Assigned on 1 September and never contacted since: overdue for the weekly contact.
    contacts = _queue(secretary, "Projects overdue for their weekly contact")
    assert contacts.count == 1 and contacts.oldest is not None
    page = _home(client, secretary, "project_secretary")
    assert f'href="{reverse("secretaries:issue", args=[secretary_work["red"].pk])}"' in page
