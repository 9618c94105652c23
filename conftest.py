"""Personas and settings shared by the whole suite.

Every test starts from one district (Kuancheng) and meets its people through fixtures
named after them: ``clerk``, ``approver``, ``administrator``, ``citizen`` …
"""

import os

os.environ.setdefault("DGOV_TESTING", "1")

from collections.abc import Callable  # noqa: E402
from typing import Any  # noqa: E402

import pytest  # noqa: E402

PASSWORD = "a-test-password-1"  # noqa: S105


def pytest_configure(config: Any) -> None:
    # The audit tables reject DELETE by trigger; transactional tests (live_server) flush
    # the database between tests with the triggers suspended for the flush alone.
    from dgov.audit.testing import install_flush_workaround

    install_flush_workaround()


@pytest.fixture(autouse=True)
def _test_settings(settings: Any, tmp_path: Any) -> Any:
    # Argon2 is the real hasher; tests log in hundreds of times, so they use MD5.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.AUDIT_CHECKPOINT_DIR = tmp_path / "audit-checkpoints"
    settings.AUDIT_SIGNING_KEY_FILE = tmp_path / "keys" / "audit.pem"
    settings.AUDIT_SEAL_KEY_FILE = tmp_path / "seal-keys" / "audit-seal.key"
    settings.LANGUAGE_CODE = "en"
    # Files a test writes go to its own temporary directory, never to var/.
    settings.DOCUMENTS_ROOT = tmp_path / "uploads"
    settings.CERTIFICATES_ROOT = tmp_path / "certificates"
    settings.SEAL_KEY_DIR = tmp_path / "keys" / "seals"
    settings.LOCK_DIR = tmp_path / "locks"
    settings.EXPORTS_ROOT = tmp_path / "exports"
    settings.SEAL_CA_DIR = tmp_path / "keys" / "ca"
    # Each test starts with the real clock, a fresh calendar and an empty cache (rate
    # limits, cached years): what one test leaves must not decide another.
    from django.core.cache import cache

    from dgov.lib import clock
    from dgov.workdays import calendar

    calendar.invalidate()
    cache.clear()
    yield
    clock.set(None)
    calendar.invalidate()
    cache.clear()


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(items: list[Any]) -> None:
    """Tests marked ``long`` (tens of seconds each: the schema fuzz, the link crawl) run
    first, longest first (``pytest.mark.long(seconds)``, a rough figure), the others keep
    their order (pytest-django's: plain, then transactional, then without a database).

    pytest-xdist's ``worksteal`` hands each worker a contiguous half of this list and lets
    an idle worker steal from the tail of the other's queue; a long test near a tail
    started last, with the other worker idle for as long as it ran (decision 0034)."""

    def seconds(item: Any) -> float:
        marker = item.get_closest_marker("long")
        return float(marker.args[0]) if marker.args else 0.0

    long = sorted((item for item in items if item.get_closest_marker("long")), key=seconds, reverse=True)
    if long:
        items[:] = long + [item for item in items if not item.get_closest_marker("long")]


@pytest.hookimpl(wrapper=True)
def pytest_runtest_teardown(item: Any, nextitem: Any) -> Any:
    """A transactional test ends with a flush of every table, the official years seeded by
    ``workdays.0002`` included; the tests after it on the same worker would then count
    2025 and 2026 as estimated years. Seed them again once the test's teardown is over:
    pytest-django's flush runs in a fixture finaliser that an autouse fixture of this file
    cannot follow (its own autouse fixture is set up first, so torn down last), which a
    run with the browser tests first showed (holiday tests due on the wrong day)."""
    result = yield
    uses_db = item.get_closest_marker("django_db") is not None or bool(
        {"db", "transactional_db", "live_server"} & set(getattr(item, "fixturenames", ()))
    )
    if uses_db and nextitem is not None:  # after the last test the test database is gone
        from pytest_django.plugin import blocking_manager_key

        with item.config.stash[blocking_manager_key].unblock():
            restore_official_years()
    return result


def restore_official_years() -> None:
    import importlib

    from django.apps import apps

    from dgov.workdays import calendar
    from dgov.workdays.models import CalendarYear

    if not CalendarYear.objects.filter(source="library").exists():
        importlib.import_module("dgov.workdays.migrations.0002_seed_official_years").seed(apps, None)
    calendar.invalidate()


@pytest.fixture
def clock() -> Any:
    """The platform's one clock (``dgov.lib.clock``): ``clock.set(date or datetime)``
    moves every app's today and now at once; reset after the test."""
    from dgov.lib import clock as the_clock

    yield the_clock
    the_clock.set(None)


@pytest.fixture
def district(db: Any) -> Any:
    from dgov.accounts.models import City, Department, District, ServiceWindow

    city, _ = City.objects.get_or_create(code="220100", defaults={"name": "长春市"})
    district, _ = District.objects.get_or_create(code="220103", defaults={"city": city, "name": "宽城区"})
    centre, _ = Department.objects.get_or_create(
        district=district, code="ZWFW", defaults={"name": "宽城区政务服务中心", "kind": Department.Kind.SERVICE_CENTRE}
    )
    Department.objects.get_or_create(district=district, code="SCJG", defaults={"name": "宽城区市场监督管理局"})
    ServiceWindow.objects.get_or_create(
        district=district, number="01", defaults={"service_centre": centre, "name": "综合受理窗口"}
    )
    return district


@pytest.fixture
def other_district(db: Any) -> Any:
    from dgov.accounts.models import City, District

    city, _ = City.objects.get_or_create(code="220100", defaults={"name": "长春市"})
    return District.objects.get_or_create(code="220104", defaults={"city": city, "name": "朝阳区"})[0]


@pytest.fixture
def make_staff(district: Any) -> Callable[..., Any]:
    from django.contrib.auth.models import Group

    from dgov.accounts.models import Department, User

    def make(
        role: str, username: str | None = None, *, department: str | None = "SCJG", in_district: Any = None
    ) -> Any:
        where = in_district or district
        user = User(
            username=username or role,
            full_name=f"{role} person",
            kind=User.Kind.STAFF,
            district=where,
            department=Department.objects.filter(district=where, code=department).first() if department else None,
        )
        user.set_password(PASSWORD)
        user.save()
        user.groups.add(Group.objects.get(name=role))
        return user

    return make


@pytest.fixture
def clerk(make_staff: Callable[..., Any]) -> Any:
    return make_staff("window_clerk", "clerk", department="ZWFW")


@pytest.fixture
def approver(make_staff: Callable[..., Any]) -> Any:
    return make_staff("department_approver", "approver")


@pytest.fixture
def reviewer(make_staff: Callable[..., Any]) -> Any:
    return make_staff("reviewer", "reviewer")


@pytest.fixture
def seal_officer(make_staff: Callable[..., Any]) -> Any:
    """The officer who holds the district's approval seal (行政审批专用章集中托管)."""
    return make_staff("seal_officer", "sealofficer", department="ZWFW")


@pytest.fixture
def supervisor(make_staff: Callable[..., Any]) -> Any:
    return make_staff("centre_supervisor", "supervisor", department="ZWFW")


@pytest.fixture
def leader(make_staff: Callable[..., Any]) -> Any:
    return make_staff("district_leader", "leader", department=None)


@pytest.fixture
def inspector(make_staff: Callable[..., Any]) -> Any:
    return make_staff("inspector", "inspector", department=None)


@pytest.fixture
def agent_user(make_staff: Callable[..., Any]) -> Any:
    """A hired agent (an outside contractor with a staff account)."""
    return make_staff("hired_agent", "agent", department=None)


@pytest.fixture
def officer(make_staff: Callable[..., Any]) -> Any:
    """An investment officer (投资促进局)."""
    return make_staff("investment_officer", "officer", department=None)


@pytest.fixture
def secretary(make_staff: Callable[..., Any]) -> Any:
    """A project secretary (项目秘书)."""
    return make_staff("project_secretary", "secretary", department=None)


@pytest.fixture
def unit_head(make_staff: Callable[..., Any]) -> Any:
    """The head of the market-supervision bureau (SCJG)."""
    return make_staff("unit_head", "unithead", department="SCJG")


@pytest.fixture
def administrator(make_staff: Callable[..., Any]) -> Any:
    return make_staff("administrator", "admin", department="ZWFW")


@pytest.fixture
def auditor(make_staff: Callable[..., Any]) -> Any:
    return make_staff("auditor", "auditor", department=None)


class RoleStaff(dict[str, Any]):
    """One staff member of each role, of the SCJG department ({role: user}); called with
    another department's code (None for none), one of each role there as well."""

    def __init__(self, make_staff: Callable[..., Any]) -> None:
        from dgov.accounts.roles import Role

        self.roles = list(Role)
        self.make_staff = make_staff
        super().__init__({r.value: make_staff(r.value, f"every_{r.value}", department="SCJG") for r in self.roles})

    def __call__(self, department: str | None, suffix: str = "") -> dict[str, Any]:
        tag = suffix or (department or "none").lower()
        return {r.value: self.make_staff(r.value, f"{r.value}-{tag}", department=department) for r in self.roles}


@pytest.fixture
def every_role(make_staff: Callable[..., Any]) -> RoleStaff:
    """One staff member of each role (for the walks that hold every page's buttons
    against its actions, ``dgov.lib.testing``): ``every_role`` is the SCJG department's,
    ``every_role("TCJ")`` another department's."""
    return RoleStaff(make_staff)


@pytest.fixture
def citizen(district: Any) -> Any:
    from dgov.accounts.models import Applicant, User

    user = User(username="citizen", kind=User.Kind.CITIZEN, full_name="李华")
    user.set_password(PASSWORD)
    user.save()
    Applicant.objects.create(
        district=district,
        user=user,
        kind=Applicant.Kind.CITIZEN,
        name="李华",
        id_number="11010519491231002X",
        phone="13812345678",
    )
    return user


@pytest.fixture
def enterprise_user(district: Any) -> Any:
    """An enterprise's account (its applicant profile carries a credit code)."""
    from dgov.accounts.demo import demo_credit_code
    from dgov.accounts.models import Applicant, User

    user = User(username="enterprise", kind=User.Kind.ENTERPRISE, full_name="泰盟（长春）智能科技有限公司")
    user.set_password(PASSWORD)
    user.save()
    Applicant.objects.create(
        district=district,
        user=user,
        kind=Applicant.Kind.ENTERPRISE,
        name="泰盟（长春）智能科技有限公司",
        credit_code=demo_credit_code("91220103MA0YBT7W3"),
    )
    return user


@pytest.fixture
def enterprise_officer(make_staff: Callable[..., Any]) -> Any:
    """An enterprise service officer of the market regulator (grants its policies)."""
    return make_staff("enterprise_service", "eso", department="SCJG")


@pytest.fixture
def fund_manager(make_staff: Callable[..., Any]) -> Any:
    return make_staff("fund_manager", "fundmanager", department=None)


@pytest.fixture
def bank_officer(district: Any, make_staff: Callable[..., Any]) -> Any:
    """A loan officer of 吉林银行长春宽城支行: an outside login acting for that bank only."""
    from dgov.accounts.models import User
    from dgov.financing.models import Bank, BankOfficer

    registrar = make_staff("enterprise_service", "bank_registrar", department="ZWFW")
    bank = Bank.objects.create(district=district, name="吉林银行", branch="长春宽城支行", created_by=registrar)
    user = User(username="bank", kind=User.Kind.ENTERPRISE, full_name="吉林银行客户经理")
    user.set_password(PASSWORD)
    user.save()
    BankOfficer.objects.create(bank=bank, user=user, added_by=registrar)
    return user
