import pytest

from dgov.training import demo
from dgov.training.models import Attendance, Course

pytestmark = pytest.mark.django_db


def test_the_demo_plans_courses_and_running_it_twice_changes_nothing(district, make_staff):
    make_staff("inspector", "inspector", department=None)
    make_staff("window_clerk", "clerk", department="ZWFW")
    make_staff("reviewer", "reviewer")
    make_staff("centre_supervisor", "supervisor", department="ZWFW")

    demo.load(district)
    counts = [Course.objects.count(), Attendance.objects.count(), Attendance.objects.signed().count()]
    demo.load(district)

    assert [Course.objects.count(), Attendance.objects.count(), Attendance.objects.signed().count()] == counts
    assert counts[0] == 2  # no campaign here: this year's two courses only
    held = Course.objects.order_by("starts_at").first()
    states = dict(Attendance.objects.filter(course=held).values_list("person__username", "absence_reason"))
    assert states["reviewer"] and Attendance.objects.get(course=held, person__username="clerk").signed_in_at
