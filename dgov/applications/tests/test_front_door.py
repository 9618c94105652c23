"""Issue 13 §1: the result by post (证照邮寄), what the applicant is told at 办结 and in a
补正 notice, and a file name too long to keep."""

import uuid

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from dgov.applications import actions
from dgov.applications.models import Application, Channel, DeliveryMethod, ResultDelivery
from dgov.audit.models import AuditEntry
from dgov.documents.models import Document
from dgov.documents.tests import files
from dgov.notifications.models import Channel as Via
from dgov.notifications.models import Notification
from dgov.services.models import Material

pytestmark = pytest.mark.django_db

ADDRESS = "吉林省长春市宽城区长江路 88 号 3 单元 501"


@pytest.fixture(autouse=True)
def documents_root(settings, tmp_path):
    settings.DOCUMENTS_ROOT = tmp_path / "uploads"


def pdf(name="申请书.pdf"):
    return SimpleUploadedFile(name, files.pdf(), content_type="application/pdf")


def apply(client, item, **extra):
    material = item.current_version.materials.get(source=Material.Source.APPLICANT)
    data = {"key": str(uuid.uuid4()), f"file_{material.pk}": pdf(), **extra}
    return client.post(reverse("applications:apply", args=[item.code]), data)


def approved(item, applicant, citizen, clerk, reviewer, approver, key="k1"):
    application, _ = actions.do_submit(
        item=item, applicant=applicant, by=citizen, channel=Channel.ONLINE, idempotency_key=key
    )
    actions.do_accept(application, by=clerk)
    actions.do_review(application, by=reviewer)
    actions.do_decide(application, by=approver, approve=True)
    application.refresh_from_db()
    return application


# -- The result by post -----------------------------------------------------------------------


def test_the_applicant_chooses_the_post_and_the_address_is_kept_and_shown_masked(client, item, citizen):
    client.force_login(citizen)
    form = client.get(reverse("applications:apply", args=[item.code])).content.decode()
    assert "data-delivery-choice" in form
    response = apply(
        client, item, delivery="post", recipient="李华", delivery_phone="１３８ １２３４ ５６７８", address=ADDRESS
    )
    assert response.status_code == 302
    delivery = ResultDelivery.objects.get()
    assert delivery.method == DeliveryMethod.POST and delivery.phone == "13812345678"
    assert delivery.address == ADDRESS
    case = client.get(response["Location"]).content.decode()
    assert "吉林省长春市宽城区****" in case and "长江路" not in case and "138****5678" in case
    entry = AuditEntry.objects.get(verb="application.choose_delivery")
    assert "长江路" not in str(entry.changes)


def test_the_post_needs_a_whole_address_and_nothing_is_written_without_it(client, item, citizen):
    client.force_login(citizen)
    response = apply(client, item, delivery="post", recipient="李华", delivery_phone="13812345678", address="")
    assert response.status_code == 400
    assert "Needed to send the result by post." in response.content.decode()
    assert not Application.objects.exists() and not Document.objects.exists()


def test_without_a_choice_the_result_is_collected_at_the_window(client, item, citizen):
    client.force_login(citizen)
    assert apply(client, item).status_code == 302
    assert ResultDelivery.objects.get().method == DeliveryMethod.WINDOW


def test_the_clerk_records_the_tracking_number_and_the_applicant_sees_it(
    client, item, citizen, citizen_applicant, clerk, reviewer, approver
):
    application = approved(item, citizen_applicant, citizen, clerk, reviewer, approver)
    from dgov.applications.delivery import do_choose_delivery

    do_choose_delivery(application, by=citizen, method="post", recipient="李华", phone="13812345678", address=ADDRESS)
    client.force_login(clerk)
    url = reverse("applications:act", args=[application.pk, "record_post"])
    bad = client.post(url, {"record_post-carrier": "EMS", "record_post-tracking_number": "快递"})
    assert bad.status_code == 400 and "6 to 40 letters and digits" in bad.content.decode()
    response = client.post(
        url, {"record_post-carrier": "EMS", "record_post-tracking_number": "ｅａ１２３４５６７８９ｃｎ"}
    )
    assert response.status_code == 302
    assert ResultDelivery.objects.get().tracking_number == "EA123456789CN"
    assert AuditEntry.objects.get(verb="application.record_post").actor == clerk
    again = client.post(url, {"record_post-carrier": "EMS", "record_post-tracking_number": "EA999999999CN"})
    assert again.status_code == 409
    client.force_login(citizen)
    page = client.get(reverse("applications:case", args=[application.pk])).content.decode()
    assert 'data-tracking="EA123456789CN"' in page
    assert Notification.objects.filter(recipient=citizen, body__contains="EA123456789CN").exists()


def test_the_full_address_is_shown_to_the_clerk_with_a_reason_and_audited(
    client, item, citizen, citizen_applicant, clerk, reviewer, approver
):
    application = approved(item, citizen_applicant, citizen, clerk, reviewer, approver)
    from dgov.applications.delivery import do_choose_delivery

    do_choose_delivery(application, by=citizen, method="post", recipient="李华", phone="13812345678", address=ADDRESS)
    client.force_login(clerk)
    page = client.get(reverse("applications:case", args=[application.pk])).content.decode()
    assert "长江路" not in page and "data-reveal-address" in page
    url = reverse("applications:reveal_address", args=[application.pk])
    assert client.post(url, {"reason": ""}).status_code == 400
    shown = client.post(url, {"reason": "邮寄证照"}).content.decode()
    assert ADDRESS in shown
    entry = AuditEntry.objects.get(verb="personal_data.reveal")
    assert entry.actor == clerk and entry.changes["reason"] == "邮寄证照"


def test_the_applicant_and_other_roles_cannot_reveal_the_address(
    client, item, citizen, citizen_applicant, clerk, reviewer, approver
):
    application = approved(item, citizen_applicant, citizen, clerk, reviewer, approver)
    from dgov.applications.delivery import do_choose_delivery

    do_choose_delivery(application, by=citizen, method="post", recipient="李华", phone="13812345678", address=ADDRESS)
    url = reverse("applications:reveal_address", args=[application.pk])
    for person in (citizen, reviewer):
        client.force_login(person)
        assert client.post(url, {"reason": "想看看"}).status_code in (403, 404)
    assert not AuditEntry.objects.filter(verb="personal_data.reveal").exists()


# -- What the applicant is told ---------------------------------------------------------------


def test_the_completion_notice_carries_the_rating_link_in_app_by_text_and_by_e_mail(
    client, item, citizen, citizen_applicant, clerk, reviewer, approver, settings
):
    settings.DGOV_PUBLIC_URL = "https://gov.example"
    citizen.email = "li@example.com"
    citizen.save()
    application = approved(item, citizen_applicant, citizen, clerk, reviewer, approver)
    actions.do_complete(application, by=clerk)
    rating = f"https://gov.example/ratings/case/{application.pk}/"
    channels = {n.channel for n in Notification.objects.filter(body__contains=rating)}
    assert channels == {Via.APP, Via.EMAIL, Via.SMS}
    sms = Notification.objects.get(channel=Via.SMS, body__contains=rating)
    assert sms.address == "13812345678"


def test_the_supplement_notice_names_every_material_and_why(item, citizen, citizen_applicant, clerk):
    application, _ = actions.do_submit(
        item=item, applicant=citizen_applicant, by=citizen, channel=Channel.ONLINE, idempotency_key="s"
    )
    form = item.current_version.materials.get(name="食品经营许可申请书")
    actions.do_request_supplement(
        application, by=clerk, problems=[(form, "申请书未签字"), (None, "请补充经营场所平面图")]
    )
    notice = Notification.objects.get(recipient=citizen, subject__contains="supplement")
    assert "1. 食品经营许可申请书: 申请书未签字" in notice.body
    assert "2. 请补充经营场所平面图" in notice.body


def test_the_rating_link_is_shown_on_finished_cases_only(
    client, item, citizen, citizen_applicant, clerk, reviewer, approver
):
    application = approved(item, citizen_applicant, citizen, clerk, reviewer, approver)
    client.force_login(citizen)
    case = reverse("applications:case", args=[application.pk])
    assert "data-rate-link" not in client.get(case).content.decode()
    actions.do_complete(application, by=clerk)
    assert "data-rate-link" in client.get(case).content.decode()


# -- Bad input ---------------------------------------------------------------------------------


def test_a_file_name_of_300_characters_is_refused_and_nothing_is_written(client, item, citizen, settings):
    client.force_login(citizen)
    material = item.current_version.materials.get(source=Material.Source.APPLICANT)
    long_name = "营" * 296 + ".pdf"
    response = client.post(
        reverse("applications:apply", args=[item.code]),
        {"key": str(uuid.uuid4()), f"file_{material.pk}": pdf(long_name)},
        HTTP_ACCEPT_LANGUAGE="zh-hans",
    )
    assert response.status_code == 400
    assert "文件名超过200个字符" in response.content.decode()
    assert not Application.objects.exists() and not Document.objects.exists()
    assert not any(settings.DOCUMENTS_ROOT.rglob("*.*")) if settings.DOCUMENTS_ROOT.exists() else True
