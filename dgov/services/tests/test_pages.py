import pytest
from django.urls import reverse

from dgov.accounts.models import Department
from dgov.services.actions import do_set_event_items
from dgov.services.models import Audience, Event
from dgov.services.tests.conftest import material

pytestmark = pytest.mark.django_db


@pytest.fixture
def food(publish):
    return publish(
        materials=[
            material("食品经营许可申请书"),
            material(
                "营业执照", form="copy", source="shared", legal_basis="《国务院关于在线政务服务的若干规定》第七条"
            ),
            material("法定代表人身份证", source="e_certificate"),
            material("食品安全管理制度文本", rongque=True),
        ],
        procedures=[{"name": "现场核查", "counts_toward_limit": True, "max_days": 5}],
    )


def test_the_guide_page_marks_shared_data_as_not_to_be_submitted(client, food, django_assert_max_num_queries):
    # item, events, materials, procedures, the guide's downloads
    with django_assert_max_num_queries(5):
        response = client.get(reverse("services:guide", args=[food.code]))
    assert response.status_code == 200
    page = response.content.decode()
    row = page[page.index("营业执照") : page.index("法定代表人身份证")]
    assert "No need to submit: the platform fetches it" in row
    assert "may follow after acceptance" in page[page.index("食品安全管理制度文本") :]
    assert "You hand in 2 materials" in page
    assert "现场核查" in page and "counted within the time limit" in page
    assert "《中华人民共和国食品安全法》第三十五条" in page
    assert "5 working days" in page and "20 working days" in page
    assert "At most one visit" in page
    assert "Free of charge" in page


def test_the_guide_page_shows_fees_and_uncounted_procedures(client, publish):
    item = publish(
        fees="工本费10元",
        fee_basis="《关于规范收费的通知》",
        procedures=[{"name": "听证", "counts_toward_limit": False, "max_days": 20}],
    )
    page = client.get(reverse("services:guide", args=[item.code])).content.decode()
    assert "工本费10元" in page
    assert "not counted in the time limit" in page


def test_an_unknown_code_is_not_found(client, district):
    assert client.get(reverse("services:guide", args=["NOPE"])).status_code == 404


def test_the_catalogue_shows_the_statistic_departments_and_events(
    client, publish, district, django_assert_max_num_queries
):
    publish("A", max_trips=0)
    publish("B", max_trips=1)
    publish("C", max_trips=2)
    event = Event.objects.create(district=district, kind=Audience.CITIZEN, name="我要开饭店")
    Event.objects.create(district=district, kind=Audience.ENTERPRISE, name="企业开办")
    do_set_event_items(event, [])
    with django_assert_max_num_queries(5):
        response = client.get(reverse("services:catalogue"))
    page = response.content.decode()
    assert "2 of 3 items (67%) need at most one visit in person." in page
    assert "宽城区市场监督管理局" in page
    assert "我要开饭店" in page and "企业开办" in page


def test_the_catalogue_page_query_count_does_not_grow_with_the_catalogue(
    client, publish, district, django_assert_max_num_queries
):
    for n in range(30):
        publish(f"X{n}")
    with django_assert_max_num_queries(5):
        client.get(reverse("services:catalogue"))


def test_the_department_and_event_pages_list_their_items(
    client, food, publish, district, django_assert_max_num_queries
):
    publish("B", name="公共场所卫生许可")
    event = Event.objects.create(district=district, kind=Audience.CITIZEN, name="我要开饭店")
    do_set_event_items(event, [food])
    department = Department.objects.get(district=district, code="SCJG")
    with django_assert_max_num_queries(4):
        page = client.get(reverse("services:department", args=[department.pk])).content.decode()
    assert "食品经营许可" in page and "公共场所卫生许可" in page
    with django_assert_max_num_queries(4):
        page = client.get(reverse("services:event", args=[event.pk])).content.decode()
    assert "食品经营许可" in page and "公共场所卫生许可" not in page


def test_another_districts_department_is_not_found(client, other_district):
    department = Department.objects.create(district=other_district, code="SCJG", name="朝阳区市场监督管理局")
    assert client.get(reverse("services:department", args=[department.pk])).status_code == 404


def test_an_earlier_version_of_a_guide_stays_readable_and_says_so(client, publish):
    item = publish(promised_limit_days=8)
    publish(item=item, promised_limit_days=3)

    old = client.get(reverse("services:guide_version", args=[item.code, 1])).content.decode()
    current = client.get(reverse("services:guide", args=[item.code])).content.decode()

    assert "8 working days" in old and "no longer in force" in old
    assert "3 working days" in current and "no longer in force" not in current
    assert client.get(reverse("services:guide_version", args=[item.code, 9])).status_code == 404
