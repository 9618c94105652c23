"""Two allocations of the same parcel at the same instant, on PostgreSQL."""

import threading
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, connections

from dgov.investment import actions
from dgov.investment.models import Allocation, Parcel, Park

pytestmark = [
    pytest.mark.skipif(connection.vendor != "postgresql", reason="concurrent writers need PostgreSQL"),
    pytest.mark.django_db(transaction=True),
]


def test_two_allocations_at_once_never_exceed_the_free_area(district, officer, make_project):
    park = Park.objects.create(district=district, name="智慧产业园")
    parcel = Parcel.objects.create(district=district, park=park, phase="一期", code="ZH-1", area=Decimal(80000))
    projects = [make_project("一"), make_project("二")]
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def allocate(project: object) -> None:
        try:
            barrier.wait()
            actions.do_allocate(Parcel.objects.get(pk=parcel.pk), project, area=Decimal(50000), by=officer)  # type: ignore[arg-type]
            outcomes.append("allocated")
        except ValidationError:
            outcomes.append("refused")
        finally:
            connections.close_all()

    threads = [threading.Thread(target=allocate, args=(p,)) for p in projects]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["allocated", "refused"]
    parcel.refresh_from_db()
    assert parcel.allocated == Decimal(50000) and Allocation.objects.count() == 1
