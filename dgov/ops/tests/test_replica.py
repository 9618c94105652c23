"""Read scale on a real streaming replica: the suite copies its throwaway primary with
``pg_basebackup`` and starts the copy as a replica on another loopback port."""

import shutil
from collections.abc import Iterator
from typing import Any

import pytest
from django.db import connection, connections
from django.http import HttpRequest, HttpResponse
from django.test import Client, RequestFactory

from dgov.ops import replica as routing
from dgov.ops.middleware import OpsMiddleware
from dgov.ops.replica import REPLICA, ReplicaRouter, reads_from_replica
from dgov.ops.testing import Cluster, workdir

# -- The router alone (both databases) ---------------------------------------------------


def test_without_a_replica_everything_goes_to_the_primary(db: Any) -> None:
    from dgov.services.models import ServiceItem

    token = routing.routing.set(routing.RequestRouting(prefer_replica=True))
    try:
        assert ReplicaRouter().db_for_read(ServiceItem) is None
        assert ReplicaRouter().db_for_write(ServiceItem) == "default"
    finally:
        routing.routing.reset(token)


def test_the_exports_search_and_public_pages_are_marked_for_the_replica() -> None:
    from django.urls import resolve

    for path in ("/services/search/", "/services/staff/export.xlsx", "/ratings/competition/export.xlsx",
                 "/ratings/public/", "/campaigns/1/export/", "/evaluation/results/export/", "/investment/charts/"):  # fmt: skip
        assert getattr(resolve(path).func, "reads_from_replica", False), path
    for path in ("/services/", "/applications/queue/", "/accounts/login/"):
        assert not getattr(resolve(path).func, "reads_from_replica", False), path


# -- A real replica (PostgreSQL) ---------------------------------------------------------

needs_postgres = pytest.mark.skipif(connection.vendor != "postgresql", reason="streaming replication is PostgreSQL's")


@pytest.fixture(scope="module")
def standby(django_db_setup: Any, django_db_blocker: Any) -> Iterator[Cluster]:
    with django_db_blocker.unblock():
        directory = workdir()
        cluster = Cluster.copy_of(int(connection.settings_dict["PORT"]), directory / "replica", replica=True)
        cluster.start("-c hot_standby_feedback=on")
        cluster.wait_until("SELECT pg_is_in_recovery()")
    yield cluster
    cluster.stop("immediate")
    shutil.rmtree(directory, ignore_errors=True)


@pytest.fixture
def with_replica(transactional_db: Any, standby: Cluster, settings: Any) -> Iterator[Cluster]:
    """The replica as the ``replica`` database for this test, replay running. Added after
    the test case has set up its databases (``transactional_db`` first), so Django neither
    flushes the read-only replica nor forbids its connection."""
    connections.settings[REPLICA] = {**connection.settings_dict, "PORT": str(standby.port)}
    replica_connection = connections[REPLICA]

    def ensure_connection() -> None:
        # Django's test case forbids connecting to an alias it did not set up; this one it
        # must not set up (it would flush a read-only replica): connect it as Django would.
        if replica_connection.connection is None:
            with replica_connection.wrap_database_errors:
                replica_connection.connect()

    replica_connection.ensure_connection = ensure_connection  # type: ignore[method-assign]
    settings.DB_REPLICA_MAX_LAG = 30.0
    routing.probe.reset()
    standby.query("SELECT pg_wal_replay_resume()")
    try:
        yield standby
    finally:
        standby.query("SELECT pg_wal_replay_resume()")
        connections[REPLICA].close()
        del connections[REPLICA]
        del connections.settings[REPLICA]
        routing.probe.reset()


def caught_up(standby: Cluster) -> None:
    lsn = connection.cursor().connection.execute("SELECT pg_current_wal_lsn()::text").fetchone()[0]
    standby.wait_until(f"SELECT pg_last_wal_replay_lsn() >= '{lsn}'::pg_lsn")  # noqa: S608


def make_item(district: Any, administrator: Any, name: str) -> Any:
    from dgov.accounts.models import Department
    from dgov.services.actions import do_publish_version
    from dgov.services.models import Audience, OnlineLevel, Trips

    data = {"name": name, "kind": Audience.ENTERPRISE, "department": Department.objects.get(district=district, code="SCJG"),
            "legal_basis": "《行政许可法》", "conditions": "", "legal_limit_days": 20, "promised_limit_days": 5,
            "max_trips": Trips.ONE, "online_level": OnlineLevel.FULL, "fees": "", "fee_basis": "", "keywords": ""}  # fmt: skip
    return do_publish_version(None, {"code": f"KC-{abs(hash(name)) % 10**6}", **data}, [], [], by=administrator)


@needs_postgres
@pytest.mark.django_db(transaction=True)
def test_public_search_reads_the_replica(with_replica: Cluster, district: Any, administrator: Any) -> None:
    caught_up(with_replica)
    with_replica.query("SELECT pg_wal_replay_pause()")
    make_item(district, administrator, "犬只登记证办理")  # committed on the primary only

    client = Client()
    assert "犬只登记证办理" not in client.get("/services/search/", {"q": "犬只登记"}).content.decode()
    from dgov.services.models import ServiceItem

    assert ServiceItem.objects.filter(current_version__name="犬只登记证办理").exists()  # unmarked: the primary

    with_replica.query("SELECT pg_wal_replay_resume()")
    caught_up(with_replica)
    assert "犬只登记证办理" in client.get("/services/search/", {"q": "犬只登记"}).content.decode()


@needs_postgres
@pytest.mark.django_db(transaction=True)
def test_a_marked_request_reads_its_own_writes_from_the_primary(
    with_replica: Cluster, district: Any, administrator: Any
) -> None:
    from dgov.accounts.models import Department

    caught_up(with_replica)
    with_replica.query("SELECT pg_wal_replay_pause()")
    seen: list[str] = []

    @reads_from_replica
    def view(request: HttpRequest) -> HttpResponse:
        before = Department.objects.get(district=district, code="SCJG")
        seen.append(before.name)  # from the replica
        Department.objects.filter(pk=before.pk).update(name="宽城区市场监管局（新）")
        seen.append(Department.objects.get(pk=before.pk).name)  # after a write: the primary
        return HttpResponse()

    def handler(request: HttpRequest) -> HttpResponse:  # what Django's handler does inside the middleware
        middleware.process_view(request, view)
        return view(request)

    middleware = OpsMiddleware(handler)
    middleware(RequestFactory().get("/x"))
    assert seen == ["宽城区市场监督管理局", "宽城区市场监管局（新）"]


@needs_postgres
@pytest.mark.django_db(transaction=True)
def test_a_lagging_or_unreachable_replica_is_skipped(
    with_replica: Cluster, settings: Any, district: Any, administrator: Any
) -> None:
    caught_up(with_replica)
    with_replica.query("SELECT pg_wal_replay_pause()")
    make_item(district, administrator, "城市道路占用许可")
    client = Client()
    assert "城市道路占用许可" not in client.get("/services/search/", {"q": "道路占用"}).content.decode()

    settings.DB_REPLICA_MAX_LAG = 0.0  # any lag is too much
    routing.probe.reset()
    assert "城市道路占用许可" in client.get("/services/search/", {"q": "道路占用"}).content.decode()

    settings.DB_REPLICA_MAX_LAG = 30.0
    connections[REPLICA].close()
    connections.settings[REPLICA]["PORT"] = "1"  # nothing listens there
    routing.probe.reset()
    assert "城市道路占用许可" in client.get("/services/search/", {"q": "道路占用"}).content.decode()
