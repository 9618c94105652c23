import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from dgov.audit.models import AuditEntry
from dgov.services.actions import check_guide
from dgov.services.models import Material, ServiceItem, ServiceItemVersion, SpecialProcedure, one_trip_statistic
from dgov.services.tests.conftest import guide_data, material

pytestmark = pytest.mark.django_db


def test_publishing_a_new_item_makes_version_one_current_and_is_audited(publish, administrator):
    item = publish(procedures=[{"name": "现场核查", "counts_toward_limit": True, "max_days": 3}])

    assert item.current is not None and item.current.number == 1
    assert [m.name for m in item.current.materials.all()] == ["食品经营许可申请书"]
    assert item.current.procedures.get().name == "现场核查"
    assert item.current.created_by == administrator
    entry = AuditEntry.objects.get(verb="service_item.publish")
    assert entry.object_id == str(item.pk)
    assert entry.district_id == item.district_id
    assert entry.changes["version"] == [None, 1]
    assert entry.changes["name"] == [None, "食品经营许可"]


def test_an_edit_makes_a_new_version_and_keeps_the_old_one_with_its_materials(publish):
    item = publish()
    first = item.current

    item = publish(item=item, promised_limit_days=3, materials=[material(), material("营业执照", source="shared")])

    assert item.current.number == 2
    assert item.current.promised_limit_days == 3
    first.refresh_from_db()
    assert first.promised_limit_days == 5
    assert [m.name for m in first.materials.all()] == ["食品经营许可申请书"]
    assert [m.name for m in item.current.materials.all()] == ["食品经营许可申请书", "营业执照"]
    assert ServiceItemVersion.objects.filter(item=item).count() == 2
    entry = AuditEntry.objects.filter(verb="service_item.publish").latest("pk")
    assert entry.changes["version"] == [1, 2]
    assert entry.changes["promised_limit_days"] == [5, 3]
    assert "materials" in entry.changes
    assert "name" not in entry.changes


def test_the_guide_check_refuses_catch_all_materials_and_missing_legal_bases_all_at_once(district):
    problems = check_guide(
        guide_data(district, legal_limit_days=20, promised_limit_days=25),
        [
            material("其他材料"),
            material("营业执照等材料"),
            material("有关材料"),
            material("其他相关材料"),
            material("场所平面图", legal_basis=""),
            material("身份证"),
        ],
    )
    assert len(problems) == 6
    assert "exceeds the legal time limit" in problems[0]
    assert sum("catch-all" in p for p in problems) == 4
    assert "“场所平面图” has no legal basis" in problems[5]


def test_publishing_a_guide_with_problems_raises_them_all_and_writes_nothing(publish):
    with pytest.raises(ValidationError) as caught:
        publish(promised_limit_days=30, materials=[material("其他材料", legal_basis="")])
    assert len(caught.value.messages) == 3
    assert not ServiceItem.objects.exists()
    assert not ServiceItemVersion.objects.exists()
    assert not AuditEntry.objects.filter(verb="service_item.publish").exists()


def test_the_database_refuses_a_promised_limit_over_the_legal_one(publish):
    item = publish()
    with pytest.raises(IntegrityError), transaction.atomic():
        ServiceItemVersion.objects.filter(pk=item.current.pk).update(promised_limit_days=21)


def test_the_model_clean_refuses_a_promised_limit_over_the_legal_one(publish):
    version = publish().current
    version.promised_limit_days = 21
    with pytest.raises(ValidationError) as caught:
        version.full_clean()
    assert "promised_limit_days" in caught.value.message_dict


def test_a_second_item_with_the_same_code_is_refused(publish):
    publish("SCJG-001")
    with pytest.raises(ValidationError):
        publish("SCJG-001")
    assert ServiceItem.objects.count() == 1


def test_the_one_trip_statistic_counts_current_versions_only(publish, district):
    publish("A", max_trips=0)
    publish("B", max_trips=1)
    survey = publish("C", max_trips=1)
    publish("D", max_trips=2)
    publish(item=survey, max_trips=2)  # its current version now needs a site survey

    statistic = one_trip_statistic(district)

    assert (statistic.count, statistic.total, statistic.percent) == (2, 4, 50)


def test_the_statistic_of_an_empty_catalogue_is_zero(district):
    assert one_trip_statistic(district).percent == 0


def test_materials_and_procedures_keep_their_order(publish):
    item = publish(
        materials=[material("甲"), material("乙"), material("丙")],
        procedures=[
            {"name": "听证", "counts_toward_limit": False, "max_days": 20},
            {"name": "专家评审", "counts_toward_limit": False, "max_days": 10},
        ],
    )
    assert list(Material.objects.filter(version=item.current).values_list("name", flat=True)) == ["甲", "乙", "丙"]
    assert list(SpecialProcedure.objects.filter(version=item.current).values_list("name", flat=True)) == [
        "听证",
        "专家评审",
    ]


def test_field_problems_of_the_version_and_its_materials_are_reported_together(publish):
    with pytest.raises(ValidationError) as caught:
        publish(name="", online_level="telepathy", materials=[material("x" * 201, source="rumour")])
    messages = caught.value.messages
    assert len(messages) == 4
    assert any(m.startswith("xxx") and "source" in m for m in messages)
    assert not ServiceItem.objects.exists()
