"""Issue 13 §1 and §5: every path a citizen needs, one click from home; English labels
without leftover Chinese."""

import re
from pathlib import Path

import polib
import pytest
from django.urls import reverse

from dgov.applications.tests import conftest as applications_fixtures

item = applications_fixtures.item  # the applications suite's service item, shared

LOCALE = Path(__file__).resolve().parents[3] / "locale"
HAN = re.compile(r"[\u3400-\u9fff]")
# English labels may quote Chinese only as an example of Chinese data the user types.
CHINESE_DATA_EXAMPLES = (
    "e.g. 开饭店 开餐馆",
    "e.g. 开饭店, 失业登记",
    "For example 国庆节",
    "holiday,元旦",
    "e.g. 宽市监许",
    "〔{year}〕{serial}号",
)


@pytest.mark.django_db
def test_home_offers_search_lookup_verification_hot_searches_events_and_departments(client, district, administrator):
    from dgov.services import demo

    demo.load(district)
    page = client.get(reverse("portal:index"), HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert f'action="{reverse("services:search")}"' in page
    assert f'action="{reverse("applications:lookup")}"' in page and 'name="number"' in page and 'name="code"' in page
    assert f'action="{reverse("certificates:verify")}"' in page and 'name="reference"' in page
    assert "data-hot-searches" in page and "data-most-asked" in page
    assert "我要开饭店" in page and 'href="/services/event/' in page
    assert "data-home-departments" in page and "宽城区市场监督管理局" in page
    assert reverse("accounts:login") in page and reverse("accounts:signup") in page
    english = client.get(reverse("portal:index"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Open a restaurant" in english and "Market Regulation Bureau" in english


@pytest.mark.django_db
def test_logged_in_home_links_my_cases_certificates_and_ratings(client, citizen):
    client.force_login(citizen)
    page = client.get(reverse("portal:index")).content.decode()
    for name in ("applications:mine", "certificates:mine", "ratings:mine"):
        assert f'href="{reverse(name)}"' in page, name


@pytest.mark.django_db
def test_the_lookup_posted_from_home_answers_without_login(client, item, citizen):
    from dgov.accounts.models import Applicant
    from dgov.applications import actions
    from dgov.applications.models import Channel

    application, _ = actions.do_submit(
        item=item,
        applicant=Applicant.objects.get(user=citizen),
        by=citizen,
        channel=Channel.ONLINE,
        idempotency_key="h",
    )
    response = client.post(
        reverse("applications:lookup"), {"number": application.number, "code": application.verification_code}
    )
    assert response.status_code == 200 and "data-lookup-result" in response.content.decode()


def test_english_labels_carry_no_leftover_chinese():
    po = polib.pofile(str(LOCALE / "en" / "LC_MESSAGES" / "django.po"))
    leftover = [
        e.msgid
        for e in po
        if HAN.search(e.msgstr or e.msgid) and not any(example in e.msgstr for example in CHINESE_DATA_EXAMPLES)
    ]
    assert leftover == []
