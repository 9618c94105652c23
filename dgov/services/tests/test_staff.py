import pytest
from django.urls import reverse

from dgov.accounts.models import Department
from dgov.audit.models import AuditEntry
from dgov.services.models import ServiceItem, ServiceItemVersion

pytestmark = pytest.mark.django_db


def form_data(district, **overrides):
    data = {
        "name": "公共场所卫生许可",
        "kind": "enterprise",
        "department": Department.objects.get(district=district, code="SCJG").pk,
        "legal_basis": "《公共场所卫生管理条例》第八条",
        "conditions": "",
        "legal_limit_days": "20",
        "promised_limit_days": "5",
        "max_trips": "1",
        "online_level": "full",
        "fees": "",
        "fee_basis": "",
        "keywords": "开宾馆 开理发店",
        "handling": "online",
        "place": "宽城区政务服务中心一楼",
        "hours": "周一至周五 8:30—16:30",
        "enquiry_phone": "0431-88880000",
        "complaint_phone": "12345",
        "result_name": "公共场所卫生许可证",
        "post_available": "on",
        "name_en": "Public place hygiene licence",
        "keywords_en": "hotel barber",
        "materials-TOTAL_FORMS": "2",
        "materials-INITIAL_FORMS": "0",
        "materials-MIN_NUM_FORMS": "0",
        "materials-MAX_NUM_FORMS": "60",
        "materials-0-name": "卫生许可申请书",
        "materials-0-form": "original",
        "materials-0-copies": "1",
        "materials-0-source": "applicant",
        "materials-0-legal_basis": "《公共场所卫生管理条例实施细则》第二十二条",
        "materials-0-required": "on",
        "materials-1-name": "",
        "materials-1-form": "original",
        "materials-1-copies": "1",
        "materials-1-source": "applicant",
        "materials-1-legal_basis": "",
        "materials-1-required": "on",  # as an untouched blank row posts it
        "procedures-TOTAL_FORMS": "1",
        "procedures-INITIAL_FORMS": "0",
        "procedures-MIN_NUM_FORMS": "0",
        "procedures-MAX_NUM_FORMS": "20",
        "procedures-0-name": "",
        "procedures-0-max_days": "",
    }
    data.update(overrides)
    return data


def test_an_administrator_creates_an_item_through_the_form_and_it_is_published(client, administrator, district):
    client.force_login(administrator)
    assert client.get(reverse("services:staff_create")).status_code == 200

    response = client.post(reverse("services:staff_create"), form_data(district, code="220103-SCJG-009"))

    assert response.status_code == 302
    item = ServiceItem.objects.get(code="220103-SCJG-009")
    assert item.district == district
    assert item.current.name == "公共场所卫生许可"
    assert [m.name for m in item.current.materials.all()] == ["卫生许可申请书"]
    assert AuditEntry.objects.get(verb="service_item.publish").actor == administrator


def test_editing_an_item_through_the_form_publishes_a_second_version(client, administrator, district, publish):
    item = publish("WJJ-009")
    client.force_login(administrator)
    page = client.get(reverse("services:staff_edit", args=[item.pk])).content.decode()
    assert "食品经营许可申请书" in page  # the current materials are the starting point

    response = client.post(reverse("services:staff_edit", args=[item.pk]), form_data(district, promised_limit_days="3"))

    assert response.status_code == 302
    item.refresh_from_db()
    assert item.current.number == 2 and item.current.promised_limit_days == 3
    assert ServiceItemVersion.objects.filter(item=item).count() == 2


@pytest.mark.parametrize(
    "bad",
    [
        {"promised_limit_days": "30"},
        {"materials-0-name": "其他相关材料"},
        {"materials-0-legal_basis": ""},
        {"materials-0-name": ""},  # no material at all
        {"max_trips": "5"},
        {"legal_limit_days": "twenty"},
        {"code": ""},
    ],
)
def test_bad_input_answers_400_with_the_errors_and_writes_nothing(client, administrator, district, bad):
    client.force_login(administrator)
    data = form_data(district, code="220103-SCJG-009")
    data.update(bad)

    response = client.post(reverse("services:staff_create"), data)

    assert response.status_code == 400
    assert 'class="errorlist' in response.content.decode()
    assert not ServiceItem.objects.exists()
    assert not ServiceItemVersion.objects.exists()
    assert not AuditEntry.objects.filter(verb="service_item.publish").exists()


def test_a_bad_edit_keeps_the_current_version(client, administrator, district, publish):
    item = publish("WJJ-009")
    client.force_login(administrator)
    response = client.post(
        reverse("services:staff_edit", args=[item.pk]), form_data(district, **{"materials-0-name": "有关材料"})
    )
    assert response.status_code == 400
    assert "catch-all" in response.content.decode()
    item.refresh_from_db()
    assert item.current.number == 1


def test_a_department_of_another_district_cannot_be_chosen(client, administrator, district, other_district):
    foreign = Department.objects.create(district=other_district, code="SCJG", name="朝阳区市场监督管理局")
    client.force_login(administrator)
    response = client.post(reverse("services:staff_create"), form_data(district, code="X", department=foreign.pk))
    assert response.status_code == 400
    assert not ServiceItem.objects.exists()


@pytest.mark.parametrize("persona", ["clerk", "approver", "citizen"])
def test_people_other_than_administrators_are_refused(client, request, persona, district):
    client.force_login(request.getfixturevalue(persona))
    assert client.get(reverse("services:staff_items")).status_code == 403
    assert client.get(reverse("services:staff_create")).status_code == 403
    assert client.post(reverse("services:staff_create"), form_data(district, code="X")).status_code == 403
    assert not ServiceItem.objects.exists()


def test_an_administrator_of_another_district_cannot_open_the_item(client, make_staff, other_district, publish):
    item = publish("WJJ-009")
    stranger = make_staff("administrator", "admin2", department=None, in_district=other_district)
    client.force_login(stranger)
    assert client.get(reverse("services:staff_edit", args=[item.pk])).status_code == 404


def test_the_staff_list_shows_the_district_items(client, administrator, publish, django_assert_max_num_queries):
    publish("A")
    publish("B", name="公共场所卫生许可")
    client.force_login(administrator)
    response = client.get(reverse("services:staff_items"))
    page = response.content.decode()
    assert "公共场所卫生许可" in page and "食品经营许可" in page


@pytest.mark.parametrize(
    ("code", "message"),
    [
        ("x!", "digits and capital letters"),
        ("SCJG-009", "three or four parts"),
        ("220104-SCJG-009", "the district&#x27;s code 220103"),
        ("220103-WJJ-009", "implementing agency"),
        ("220103-SCJG-9", "3 to 14 digits"),
        ("220103-SCJG-009-ABCD", "business item"),
    ],
)
def test_an_implementation_code_without_the_gb_t_39554_structure_is_refused(
    client, administrator, district, code, message
):
    client.force_login(administrator)
    response = client.post(reverse("services:staff_create"), form_data(district, code=code))
    assert response.status_code == 400 and message in response.content.decode()
    assert not ServiceItem.objects.exists()


def test_a_code_with_the_agencys_credit_code_and_a_business_item_is_accepted(client, administrator, district):
    from dgov.accounts.demo import demo_credit_code

    code = demo_credit_code("11220103MB1641953")
    Department.objects.filter(district=district, code="SCJG").update(credit_code=code)
    client.force_login(administrator)
    response = client.post(reverse("services:staff_create"), form_data(district, code=f"220103-{code}-000105315-01"))
    assert response.status_code == 302
