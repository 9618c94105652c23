"""Inputs a reviewer found outside the happy path."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db

ARABIC_INDIC_SERIAL = "1.2.156.3005.2.JYXK.11220103MB1234567X.\u0661\u0662\u0663\u0664\u0665\u0666.001.X"


def test_verification_of_a_number_with_non_ascii_digits_answers_not_issued_rather_than_failing(client):
    response = client.post(reverse("certificates:verify"), {"reference": ARABIC_INDIC_SERIAL})
    assert response.status_code < 500
    assert client.get(reverse("certificates:verify_identifier", args=[ARABIC_INDIC_SERIAL])).status_code < 500


def test_a_malformed_application_id_in_the_issue_queue_is_ignored(client, seal_officer):
    client.force_login(seal_officer)
    assert client.post(reverse("certificates:issue_queue"), {"application": "\u00b2"}).status_code < 500
