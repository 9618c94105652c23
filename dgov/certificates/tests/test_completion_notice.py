"""Issue 13 §1: at 办结 the applicant is sent a link to each certificate (and to rate the
service), and the case page offers the certificate to download and to check."""

import pytest
from django.urls import reverse

from dgov.applications import actions
from dgov.notifications.models import Channel, Notification

pytestmark = pytest.mark.django_db


def test_the_completion_notice_links_the_certificate_and_the_case_page_offers_it(
    client, certificate, clerk, citizen, settings
):
    settings.DGOV_PUBLIC_URL = "https://gov.example"
    application = certificate.application
    actions.do_complete(application, by=clerk)
    link = f"https://gov.example/certificates/v/{certificate.verification_code}/"
    texts = Notification.objects.filter(body__contains=link)
    assert {n.channel for n in texts} == {Channel.APP, Channel.SMS}
    assert all(certificate.number in n.body for n in texts)

    client.force_login(citizen)
    page = client.get(reverse("applications:case", args=[application.pk])).content.decode()
    assert f'data-certificate="{certificate.pk}"' in page
    assert reverse("certificates:download", args=[certificate.pk]) in page
    assert client.get(reverse("certificates:verify_code", args=[certificate.verification_code])).status_code == 200
