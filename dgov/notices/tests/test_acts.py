"""Every act the law requires a written document for writes it, in its own transaction,
with the text rendered from the district's template and every computed date derived."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from dgov.applications import actions
from dgov.applications.models import Application, ApplicationEvent, Status
from dgov.applications.tests.conftest import FOOD_BASIS
from dgov.audit.models import AuditEntry
from dgov.lib.conflicts import Conflict
from dgov.notices.models import Kind, Notice
from dgov.notices.tests.conftest import notice_of

pytestmark = pytest.mark.django_db

MONDAY = dt.date(2026, 3, 2)


def test_acceptance_writes_its_notice_with_both_due_dates_and_their_derivation(cases, clock):
    clock.set(MONDAY)
    application = cases.accepted()
    notice = notice_of(application, Kind.ACCEPTANCE)
    assert notice.title == "受理通知书" and notice.dated == MONDAY and notice.requested_by == cases.clerk
    assert notice.sealed_at is None and notice.number == ""  # numbered by the seal service
    assert "本机关决定予以受理，受理日期为2026年3月2日" in notice.text
    legal = application.legal_deadline.due_date
    assert f"{legal.year}年{legal.month}月{legal.day}日前作出行政许可决定" in notice.text
    assert "李华（公民身份号码：110105********002X）" in notice.text  # ID number masked
    assert "期限计算说明" in notice.notes and "受理当日不计入（民法典第二百零一条）" in notice.notes
    assert notice.text.split("\n")[notice.signature_line] == "宽城区市场监督管理局（印章）"


def test_a_refusal_writes_its_decision_with_reasons_and_remedies(cases):
    application = cases.refused()
    notice = notice_of(application, Kind.REFUSAL)
    assert "不予受理的理由如下：申请事项不属于本机关职权范围" in notice.text
    assert "60日内向长春市宽城区人民政府申请行政复议" in notice.text
    assert "6个月内依法向长春市宽城区人民法院提起行政诉讼" in notice.text


def test_a_supplement_notice_lists_every_material_and_why_in_one_document(cases, item):
    application = cases.submitted()
    form, licence = item.current_version.materials.order_by("order", "pk")[:2]
    supplement = actions.do_request_supplement(
        application, by=cases.clerk, problems=[(form, "未签字"), (licence, "已过期"), (None, "法定代表人身份证明")]
    )
    notice = notice_of(application, Kind.SUPPLEMENT)
    assert notice.supplement_notice == supplement
    assert "1. 食品经营许可申请书：未签字" in notice.text
    assert "2. 营业执照：已过期" in notice.text and "3. 其他：法定代表人身份证明" in notice.text


def test_an_approval_states_the_date_of_the_certificate_derived_from_the_decision(cases, clock):
    clock.set(MONDAY)
    application = cases.reviewed()
    actions.do_decide(application, by=cases.approver, approve=True)
    notice = notice_of(application, Kind.APPROVAL)
    # Art. 44: ten working days after Monday 2 March 2026 is Monday 16 March.
    assert "本机关将于2026年3月16日前向你（单位）颁发、送达行政许可证件" in notice.text
    assert "颁发、送达证件期限（2026年3月16日）" in notice.notes
    assert notice.requested_by == cases.approver and notice.department_id == application.department_id


def test_a_denial_states_its_reasons_and_remedies(cases):
    application = cases.denied()
    notice = notice_of(application, Kind.DENIAL)
    assert "理由如下：经营场所与有毒、有害场所的距离不足二十五米" in notice.text
    assert "申请行政复议" in notice.text and "提起行政诉讼" in notice.text


def test_an_extension_states_its_reason_and_the_new_date_derived(cases):
    application = cases.accepted()
    before = application.legal_deadline.due_date
    actions.do_extend(application, by=cases.approver, days=10, reason="需要现场核查经营场所")
    application.legal_deadline.refresh_from_db()
    after = application.legal_deadline.due_date
    notice = notice_of(application, Kind.EXTENSION)
    assert "因需要现场核查经营场所" in notice.text and "延长10个工作日" in notice.text
    assert f"不能在{before.year}年{before.month}月{before.day}日前" in notice.text
    assert f"将于{after.year}年{after.month}月{after.day}日前作出行政许可决定" in notice.text
    assert "延长后的办结期限" in notice.notes and "原办结期限" in notice.notes


def test_a_special_procedure_states_its_expected_days_and_that_they_do_not_count(cases, clock):
    clock.set(MONDAY)
    application = cases.accepted()
    actions.do_stop_clock(
        application, by=cases.approver, procedure="专家评审", expected_days=5, notice="请于评审期间保持电话畅通。"
    )
    notice = notice_of(application, Kind.SPECIAL_PROCEDURE)
    assert "进行专家评审，预计需要5个工作日，预计于2026年3月9日前完成" in notice.text
    assert "所需时间不计算在行政许可期限内" in notice.text and "请于评审期间保持电话畅通" in notice.text


def test_every_document_cites_its_legal_basis_by_article(cases):
    accepted = cases.accepted()
    actions.do_extend(accepted, by=cases.approver, days=5, reason="需要听证")
    actions.do_stop_clock(
        accepted, by=cases.approver, procedure="检验", expected_days=3, notice="检验期间请保持电话畅通。"
    )
    approved = cases.reviewed()
    actions.do_decide(approved, by=cases.approver, approve=True)
    cited = {
        notice_of(accepted, Kind.ACCEPTANCE): ["第三十二条第一款第（五）项", FOOD_BASIS],
        notice_of(cases.refused(), Kind.REFUSAL): ["第三十二条第一款"],
        notice_of(accepted, Kind.EXTENSION): ["第四十二条第一款"],
        notice_of(accepted, Kind.SPECIAL_PROCEDURE): ["第四十五条"],
        notice_of(approved, Kind.APPROVAL): ["第三十八条第一款", FOOD_BASIS, "第四十四条"],
        notice_of(cases.denied(), Kind.DENIAL): ["第三十八条第二款", FOOD_BASIS],
    }
    for notice, articles in cited.items():
        assert "《中华人民共和国行政许可法》" in notice.text, notice.kind
        for article in articles:
            assert article in notice.text, (notice.kind, article)


def test_an_act_that_cannot_make_its_document_records_nothing(cases, monkeypatch):
    application = cases.submitted()
    events = ApplicationEvent.objects.filter(application=application).count()
    entries = AuditEntry.objects.count()

    def broken(*args, **kwargs):
        raise ValidationError("模板损坏")

    monkeypatch.setattr("dgov.notices.templating.render", broken)
    with pytest.raises(ValidationError):
        actions.do_refuse(application, by=cases.clerk, reasons="材料虚假")
    application.refresh_from_db()
    assert application.status == Status.SUBMITTED and application.reasons == ""
    assert ApplicationEvent.objects.filter(application=application).count() == events
    assert AuditEntry.objects.count() == entries and not Notice.objects.filter(application=application).exists()


def test_a_lost_race_writes_no_second_document(cases):
    application = cases.submitted()
    stale = Application.objects.get(pk=application.pk)
    actions.do_accept(application, by=cases.clerk)
    with pytest.raises(Conflict):
        actions.do_accept(stale, by=cases.clerk)
    assert Notice.objects.filter(application=application).count() == 1


def test_the_deemed_acceptance_of_the_job_writes_its_notice_without_an_actor(cases, clock):
    clock.set(MONDAY)
    application = cases.submitted()
    clock.set(MONDAY + dt.timedelta(days=14))
    assert actions.deem_accepted() == 1
    notice = notice_of(application, Kind.ACCEPTANCE)
    assert notice.requested_by is None and "自收到申请材料之日起即为受理" in notice.text


def test_a_template_broken_behind_the_check_stops_the_act_with_a_clear_message(cases, district):
    from dgov.notices import drafting
    from dgov.notices.models import NoticeTemplate

    application = cases.submitted()
    drafting.ensure_templates(district.pk)
    NoticeTemplate.objects.filter(district=district, kind=Kind.REFUSAL).update(body="{{applicant}}{{materials}}")
    drafting.invalidate(district.pk)
    with pytest.raises(ValidationError, match=r"asks for \{\{materials\}\}"):
        actions.do_refuse(application, by=cases.clerk, reasons="材料虚假")
    application.refresh_from_db()
    assert application.status == Status.SUBMITTED and not Notice.objects.filter(application=application).exists()
