"""Administrators define bundles; the joint limit obeys Art. 42 and the sum rule."""

from typing import Any

import pytest
from django.urls import reverse

from dgov.audit.models import AuditEntry
from dgov.bundles.models import Bundle, OnDenial
from dgov.services.models import Material

from .conftest import publish

pytestmark = pytest.mark.django_db


def post_bundle(client: Any, items: list[Any], **overrides: Any) -> Any:
    data = {
        "code": "restaurant",
        "name": "我要开饭店",
        "description": "",
        "limit_days": 25,
        "on_denial": OnDenial.CONTINUE,
        "published": "on",
        "items": [item.pk for item in items],
        **overrides,
    }
    return client.post(reverse("bundles:new"), data)


def test_an_administrator_defines_a_bundle_of_two_departments_and_it_is_audited(
    client, administrator, food_item, drain_item
):
    client.force_login(administrator)
    response = post_bundle(client, [food_item, drain_item])
    assert response.status_code == 302
    bundle = Bundle.objects.get()
    assert [link.item for link in bundle.links.order_by("order")] == [food_item, drain_item]
    assert bundle.limit_days == 25 and bundle.created_by == administrator
    entry = AuditEntry.objects.get(verb="bundle.create")
    assert entry.changes["items"] == [None, [food_item.code, drain_item.code]]


def test_it_refuses_a_bundle_of_a_single_department(client, administrator, food_item, departments):
    other = publish(
        "KC-SCJG-009",
        "食品经营许可变更",
        departments["SCJG"],
        "《食品安全法》",
        10,
        [("申请书", Material.Source.APPLICANT)],
        administrator,
    )
    client.force_login(administrator)
    response = post_bundle(client, [food_item, other])
    assert response.status_code == 400
    assert "at least two departments" in response.content.decode()
    assert not Bundle.objects.exists()


def test_it_refuses_a_joint_limit_above_45_working_days(client, administrator, food_item, drain_item):
    client.force_login(administrator)
    response = post_bundle(client, [food_item, drain_item], limit_days=46)
    assert response.status_code == 400
    assert not Bundle.objects.exists()


def test_it_refuses_a_joint_limit_slower_than_the_parts_one_after_another(client, administrator, food_item, drain_item):
    client.force_login(administrator)
    response = post_bundle(client, [food_item, drain_item], limit_days=26)  # 10 + 15 = 25
    assert response.status_code == 400
    assert "exceeds the sum of the items" in response.content.decode()
    assert not Bundle.objects.exists()


def test_a_duplicate_code_is_a_field_error_not_a_500(client, administrator, food_item, drain_item):
    client.force_login(administrator)
    assert post_bundle(client, [food_item, drain_item]).status_code == 302
    response = post_bundle(client, [food_item, drain_item])
    assert response.status_code == 400
    assert Bundle.objects.count() == 1


def test_a_clerk_may_not_define_bundles(client, clerk, food_item, drain_item):
    client.force_login(clerk)
    assert post_bundle(client, [food_item, drain_item]).status_code == 403
    assert client.get(reverse("bundles:manage")).status_code == 403


def test_an_administrator_changes_the_policy_and_the_change_is_audited(
    client, administrator, bundle, food_item, drain_item
):
    client.force_login(administrator)
    data = {
        "code": bundle.code,
        "name": bundle.name,
        "limit_days": 20,
        "on_denial": OnDenial.STOP,
        "published": "on",
        "items": [food_item.pk, drain_item.pk],
    }
    assert client.post(reverse("bundles:edit", args=[bundle.pk]), data).status_code == 302
    bundle.refresh_from_db()
    assert (bundle.limit_days, bundle.on_denial) == (20, OnDenial.STOP)
    changes = AuditEntry.objects.get(verb="bundle.change").changes
    assert changes["on_denial"] == ["continue", "stop"] and changes["limit_days"] == [25, 20]


def test_the_public_list_and_guide_ask_for_a_shared_material_once(client, bundle):
    assert bundle.code in client.get(reverse("bundles:index")).content.decode()
    response = client.get(reverse("bundles:detail", args=[bundle.code]))
    page = response.content.decode()
    assert page.count("经营场所租赁合同") == 1
    assert page.count("data-shared") == 1
    assert page.count("营业执照") == 1  # fetched from shared data, listed once


def test_the_administrator_pages_show_the_bundles_and_their_items(client, administrator, bundle, food_item):
    client.force_login(administrator)
    listing = client.get(reverse("bundles:manage")).content.decode()
    assert f'data-bundle="{bundle.code}"' in listing and "食品经营许可" in listing
    form = client.get(reverse("bundles:edit", args=[bundle.pk])).content.decode()
    assert f'value="{food_item.pk}"' in form and "checked" in form
