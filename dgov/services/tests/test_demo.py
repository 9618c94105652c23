import pytest
from django.urls import reverse

from dgov.services import demo
from dgov.services.actions import check_guide
from dgov.services.models import Event, Material, ServiceItem, ServiceItemVersion, one_trip_statistic

pytestmark = pytest.mark.django_db


def test_the_demo_catalogue_loads_twice_without_changing_anything(district):
    first = demo.load(district)
    versions = ServiceItemVersion.objects.count()
    events = Event.objects.count()

    second = demo.load(district)

    assert len(first) == len(second) >= 60
    assert ServiceItem.objects.filter(district=district).count() == len(first)
    assert ServiceItemVersion.objects.count() == versions
    assert Event.objects.count() == events


def test_every_demo_item_is_indexed_once_with_its_department_in_english(district):
    from dgov.services import search

    demo.load(district)
    items = ServiceItem.objects.filter(district=district).select_related("current_version__department")
    for item in items.prefetch_related("events"):
        names = [name for event in item.events.all() for name in (event.name, event.name_en) if name]
        assert item.search_text == search.index_text(item.current_version, names), item.code


def test_at_least_85_percent_of_the_demo_items_need_at_most_one_trip(district):
    demo.load(district)
    statistic = one_trip_statistic(district)
    assert statistic.total >= 60
    assert statistic.count / statistic.total >= 0.85
    assert statistic.count < statistic.total  # a few need site surveys


def test_every_demo_guide_passes_the_guide_check():
    for entry in demo.ITEMS:
        data = {"legal_limit_days": entry.legal, "promised_limit_days": entry.promised}
        assert check_guide(data, demo._materials(entry)) == [], entry.code
    codes = [entry.code for entry in demo.ITEMS]
    assert len(codes) == len(set(codes))


def test_the_demo_uses_shared_data_and_e_certificates(district):
    demo.load(district)
    sources = set(Material.objects.values_list("source", flat=True))
    assert sources == {Material.Source.APPLICANT, Material.Source.SHARED, Material.Source.E_CERTIFICATE}


def test_the_demo_catalogue_answers_colloquial_and_traditional_questions(client, district):
    demo.load(district)
    simplified = client.get(reverse("services:search"), {"q": "开饭店"}).context["results"]
    traditional = client.get(reverse("services:search"), {"q": "開飯店"}).context["results"]
    names = [item.current.name for item in simplified.items]
    assert names[0] == "食品经营许可"
    assert "个体工商户设立登记" in names and "公司设立登记" in names and "城镇污水排入排水管网许可" in names
    assert [i.pk for i in traditional.items] == [i.pk for i in simplified.items]
    assert client.get(reverse("services:catalogue")).status_code == 200
    food = ServiceItem.objects.get(code=demo.item_code(district, "SCJG-008"))
    assert client.get(reverse("services:guide", args=[food.code])).status_code == 200
