import pytest

from dgov.accounts import demo as accounts_demo
from dgov.applications import demo as applications_demo
from dgov.ratings import demo
from dgov.ratings.models import Rating, Rectification
from dgov.services import demo as services_demo

pytestmark = pytest.mark.django_db


def test_the_demo_rates_the_finished_cases_with_one_open_rectification_and_loads_once():
    district, _logins = accounts_demo.load()
    services_demo.load(district)
    applications_demo.load(district)
    demo.load(district)
    assert sorted(Rating.objects.values_list("level", flat=True)) == [2, 3, 4, 5]
    assert Rating.objects.filter(visit__isnull=False, source="window").count() == 1
    rectification = Rectification.objects.get()
    assert rectification.is_open and rectification.called_back_on is not None
    demo.load(district)
    assert Rating.objects.count() == 4 and Rectification.objects.count() == 1
