"""Issue 13 §5: search by pinyin and initials, by English names and keywords, "did you
mean" and the most asked items when nothing is found; catalogue data in the visitor's
language."""

import pytest
from django.urls import reverse

from dgov.accounts.models import Department
from dgov.services import search
from dgov.services.models import ServiceItem

pytestmark = pytest.mark.django_db


@pytest.fixture
def catalogue(publish, district):
    Department.objects.filter(district=district, code="SCJG").update(name_en="Market Regulation Bureau")
    return {
        "food": publish(
            "SCJG-008",
            keywords="开饭店 开餐馆 卖熟食",
            name_en="Food business licence",
            keywords_en="restaurant catering cafe",
        ),
        "shop": publish(
            "SCJG-001",
            name="个体工商户设立登记",
            keywords="开店 办营业执照",
            name_en="Registration of an individual business",
            keywords_en="shop sole trader business licence",
        ),
        "marriage": publish("MZJ-006", name="内地居民结婚登记", keywords="结婚 领证", name_en="Marriage registration"),
    }


def found(client, query, **headers):
    response = client.get(reverse("services:search"), {"q": query}, **headers)
    assert response.status_code == 200
    return response, [item.code for item in response.context["results"].items]


@pytest.mark.parametrize("query", ["restaurant", "Restaurants", "kaifandian", "kfd", "kai fan dian", "KFD"])
def test_english_pinyin_and_initials_find_the_food_licence(client, catalogue, query):
    _response, codes = found(client, query)
    assert codes[0] == "SCJG-008"


def test_the_pinyin_of_a_name_finds_it(client, catalogue):
    assert found(client, "jiehun")[1] == ["MZJ-006"]
    assert found(client, "jhdj")[1] == ["MZJ-006"]  # 结婚登记


def test_an_english_name_finds_its_item(client, catalogue):
    assert found(client, "marriage")[1] == ["MZJ-006"]
    assert set(found(client, "business licence")[1]) == {"SCJG-008", "SCJG-001"}


def test_a_misspelt_query_gets_did_you_mean_and_the_most_asked_items(client, catalogue):
    response, codes = found(client, "resturant")
    assert codes == []
    assert response.context["suggestions"] == ["restaurant"]
    page = response.content.decode()
    assert "data-did-you-mean" in page and "data-most-asked" in page
    assert len(response.context["most_asked"]) == 3


def test_a_misspelt_chinese_word_and_pinyin_get_a_chinese_proposal(client, catalogue):
    assert found(client, "开饭点")[0].context["suggestions"][0] == "开饭店"
    assert found(client, "kaifandain")[0].context["suggestions"] == ["开饭店"]


def test_nothing_close_proposes_nothing_but_still_shows_the_most_asked(client, catalogue):
    response, codes = found(client, "xyzzy")
    assert codes == [] and response.context["suggestions"] == []
    assert response.context["most_asked"]


def test_the_most_asked_items_are_those_applied_for_most(catalogue, citizen, district):
    from dgov.accounts.models import Applicant
    from dgov.applications import actions
    from dgov.applications.models import Channel

    applicant = Applicant.objects.get(user=citizen)
    for n in range(3):
        actions.do_submit(
            item=catalogue["marriage"], applicant=applicant, by=citizen, channel=Channel.ONLINE, idempotency_key=f"m{n}"
        )
    actions.do_submit(
        item=catalogue["shop"], applicant=applicant, by=citizen, channel=Channel.ONLINE, idempotency_key="s"
    )
    assert [i.code for i in search.most_asked(district.pk)][:2] == ["MZJ-006", "SCJG-001"]


def test_searches_that_find_something_become_hot_searches(client, catalogue, district):
    for _ in range(3):
        found(client, "开饭店")
    found(client, "xyzzy")  # found nothing: not remembered
    assert search.hot_searches(district.pk)[0] == "开饭店"
    assert "xyzzy" not in search.hot_searches(district.pk)
    page = client.get(reverse("portal:index")).content.decode()
    assert "data-hot-searches" in page and "开饭店" in page


def test_catalogue_data_is_shown_in_the_interface_language(client, catalogue):
    item = catalogue["food"]
    english = client.get(reverse("services:guide", args=[item.code]), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "<h1>Food business licence</h1>" in english
    assert "Market Regulation Bureau" in english
    traditional = client.get(reverse("services:guide", args=[item.code]), HTTP_ACCEPT_LANGUAGE="zh-TW").content.decode()
    assert "<h1>食品經營許可</h1>" in traditional  # OpenCC of the stored Simplified text
    assert "市場監督管理局" in traditional
    simplified = client.get(reverse("services:guide", args=[item.code]), HTTP_ACCEPT_LANGUAGE="zh-CN").content.decode()
    assert "<h1>食品经营许可</h1>" in simplified


def test_an_item_without_an_english_name_shows_its_chinese_name_in_english(client, publish):
    item = publish("X-1", name="临时占用城市道路审批")
    page = client.get(reverse("services:guide", args=[item.code]), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "<h1>临时占用城市道路审批</h1>" in page


def test_the_demo_catalogue_is_translated_and_restaurant_finds_the_food_licence(client, district):
    from dgov.services import demo

    demo.load(district)
    published = ServiceItem.objects.published().filter(district=district).select_related("current_version")
    assert all(item.current_version.name_en and item.current_version.keywords_en for item in published)
    _response, codes = found(client, "restaurant")
    assert codes[0].endswith("SCJG-008")
    _response, codes = found(client, "kfd")
    assert any(code.endswith("SCJG-008") for code in codes[:3])
