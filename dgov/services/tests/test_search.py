import pytest
from django.urls import reverse

from dgov.accounts.models import Department
from dgov.services.actions import do_set_event_items
from dgov.services.models import Audience, Event, ServiceItem
from dgov.services.search import normalise, search

pytestmark = pytest.mark.django_db


@pytest.fixture
def catalogue(publish, district):
    Department.objects.create(district=district, code="WJJ", name="宽城区卫生健康局")
    wjj = Department.objects.get(district=district, code="WJJ")
    items = {
        "food": publish("SCJG-001", keywords="开饭店 开餐馆 卖熟食 餐饮"),
        "individual": publish("SCJG-002", name="个体工商户设立登记", keywords="开店 开饭店 开小卖部 办营业执照"),
        "company": publish("SCJG-003", name="公司设立登记", keywords="开公司 开饭店 注册公司"),
        "hygiene": publish(
            "WJJ-001", name="公共场所卫生许可", department=wjj, keywords="开饭店 开宾馆 开理发店 开浴池"
        ),
        "doctor": publish("WJJ-002", name="医师执业注册", department=wjj, keywords="当医生 医生注册"),
    }
    return items


def codes(client, query):
    response = client.get(reverse("services:search"), {"q": query})
    assert response.status_code == 200
    return [item.code for item in response.context["results"].items]


def test_traditional_and_simplified_queries_give_identical_results(client, catalogue):
    simplified = codes(client, "开饭店")
    assert simplified
    assert codes(client, "開飯店") == simplified
    assert codes(client, "醫師執業") == codes(client, "医师执业") == ["WJJ-002"]


def test_a_colloquial_name_finds_every_formal_item_it_stands_for(client, catalogue):
    found = codes(client, "开饭店")
    assert set(found) == {"SCJG-001", "SCJG-002", "SCJG-003", "WJJ-001"}
    assert found[0] == "SCJG-001"  # the item that lists 开饭店 first


def test_a_whole_colloquial_name_ranks_above_part_of_one(client, catalogue, publish):
    publish("SCJG-009", name="食品小作坊登记", keywords="开饭店铺子")
    assert codes(client, "开饭店")[-1] == "SCJG-009"


def test_a_partial_word_matches(client, catalogue):
    assert codes(client, "场所卫生") == ["WJJ-001"]
    assert codes(client, "执业") == ["WJJ-002"]
    # Both names match; the shorter name comes first.
    assert codes(client, "设立") == ["SCJG-003", "SCJG-002"]


def test_a_name_match_ranks_above_a_keyword_match(client, catalogue, publish):
    publish("SCJG-004", name="食品生产许可", keywords="开工厂 食品经营")
    assert codes(client, "食品经营")[0] == "SCJG-001"


def test_every_term_must_match(client, catalogue):
    assert codes(client, "开饭店 卫生") == ["WJJ-001"]
    assert codes(client, "开饭店 火箭") == []


def test_the_department_and_event_names_are_searched_too(client, catalogue, district):
    assert set(codes(client, "卫生健康局")) == {"WJJ-001", "WJJ-002"}
    event = Event.objects.create(district=district, kind=Audience.CITIZEN, name="我要当医生")
    do_set_event_items(event, [catalogue["doctor"]])
    assert codes(client, "我要当医生") == ["WJJ-002"]


def test_an_empty_query_shows_no_results_and_a_too_long_one_is_refused(client, catalogue):
    assert codes(client, "   ") == []
    response = client.get(reverse("services:search"), {"q": "开" * 101})
    assert response.status_code == 400


def test_the_search_page_runs_a_fixed_number_of_queries(client, catalogue, django_assert_max_num_queries):
    # candidates, the best with their versions, the hot-search log's insert
    with django_assert_max_num_queries(4):
        response = client.get(reverse("services:search"), {"q": "开饭店"})
    assert response.status_code == 200


def test_another_districts_items_are_not_found(client, catalogue, other_district, administrator):
    ServiceItem.objects.filter(code="WJJ-002").update(district=other_district)
    assert codes(client, "医师") == []


def test_normalise_makes_traditional_simplified_and_lower_case():
    assert normalise("開飯店  ICP") == "开饭店 icp"


def test_search_returns_the_total_and_the_best_first(catalogue, district):
    results = search(ServiceItem.objects.filter(district=district), "开", limit=2)
    assert results.total == 4
    assert len(results.items) == 2
