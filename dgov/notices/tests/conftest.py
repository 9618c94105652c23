"""The applications suite's food-licence item and personas, the certificates suite's seal
service (keys in the test's directory, a department seal, a seal officer), and helpers
that take an application through its acts."""

from typing import Any

import pytest

from dgov.applications import actions
from dgov.applications.models import Application, Channel
from dgov.applications.tests.conftest import citizen_applicant, item  # noqa: F401
from dgov.certificates.tests.conftest import _certificate_settings, certificate_type, seal, seal_officer  # noqa: F401
from dgov.notices.models import Kind, Notice


class Cases:
    """Applications of the citizen for the food licence, taken to a given step."""

    def __init__(self, food: Any, citizen: Any, applicant: Any, clerk: Any, reviewer: Any, approver: Any) -> None:
        self.item, self.citizen, self.applicant = food, citizen, applicant
        self.clerk, self.reviewer, self.approver = clerk, reviewer, approver
        self.count = 0

    def submitted(self) -> Application:
        self.count += 1
        application, _created = actions.do_submit(
            item=self.item,
            applicant=self.applicant,
            by=self.citizen,
            channel=Channel.ONLINE,
            idempotency_key=f"notice-{self.count}",
        )
        return application

    def accepted(self) -> Application:
        application = self.submitted()
        actions.do_accept(application, by=self.clerk)
        return Application.objects.select_related("legal_deadline", "promised_deadline").get(pk=application.pk)

    def reviewed(self) -> Application:
        application = self.accepted()
        actions.do_review(application, by=self.reviewer)
        return application

    def refused(self, reasons: str = "申请事项不属于本机关职权范围，应向长春市市场监督管理局申请。") -> Application:
        application = self.submitted()
        actions.do_refuse(application, by=self.clerk, reasons=reasons)
        return application

    def denied(self, reasons: str = "经营场所与有毒、有害场所的距离不足二十五米。") -> Application:
        application = self.reviewed()
        actions.do_decide(application, by=self.approver, approve=False, reasons=reasons)
        return application


@pytest.fixture
def cases(item: Any, citizen: Any, citizen_applicant: Any, clerk: Any, reviewer: Any, approver: Any) -> Cases:  # noqa: F811
    return Cases(item, citizen, citizen_applicant, clerk, reviewer, approver)


def notice_of(application: Application, kind: Kind) -> Notice:
    return Notice.objects.get(application=application, kind=kind)
