import pytest

from dgov.events import demo
from dgov.events.models import ConcentratedStart, InvestmentEvent, Meeting, Target
from dgov.investment.models import Project

pytestmark = pytest.mark.django_db


def test_the_demo_records_the_trip_and_running_it_twice_changes_nothing(district, make_staff):
    make_staff("district_leader", "leader", department=None)
    make_staff("investment_officer", "investment", department="TCJ")
    make_staff("project_secretary", "secretary", department="TCJ")

    demo.load(district)
    models = (InvestmentEvent, Meeting, Target, ConcentratedStart, Project)
    counts = [m.objects.count() for m in models]
    demo.load(district)

    assert [m.objects.count() for m in models] == counts
    assert counts[:4] == [2, 3, 6, 1] and counts[4] == 1  # 比亚迪 became a lead
