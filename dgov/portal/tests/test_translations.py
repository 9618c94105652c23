from pathlib import Path

import polib
import pytest
from django.test import Client
from django.urls import reverse

LOCALE = Path(__file__).resolve().parents[3] / "locale"


@pytest.mark.parametrize("language", ["zh_Hans", "zh_Hant", "en"])
def test_every_catalogue_is_complete(language):
    po = polib.pofile(str(LOCALE / language / "LC_MESSAGES" / "django.po"))
    untranslated = [e.msgid for e in po if not e.translated() or "fuzzy" in e.flags]
    assert len(po) > 100
    assert untranslated == []


@pytest.mark.django_db
@pytest.mark.parametrize(
    "accept,expected",
    [("zh-CN", "区政务服务平台"), ("zh-TW", "區政務服務平臺"), ("en", "District Government Services")],
)
def test_the_portal_speaks_the_visitors_language(accept, expected):
    page = Client(HTTP_ACCEPT_LANGUAGE=accept).get(reverse("portal:index")).content.decode()
    assert expected in page


@pytest.mark.django_db
def test_simplified_chinese_is_the_default(settings):
    settings.LANGUAGE_CODE = "zh-hans"
    page = Client().get(reverse("portal:index")).content.decode()
    assert "一网、一门、一次" in page
