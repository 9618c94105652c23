"""The campaigns API: the board for staff with a token, the published list for anyone."""

import datetime as dt

import pytest

from dgov.api.actions import do_create_api_token
from dgov.campaigns import actions
from dgov.campaigns.models import Task

D = dt.date
pytestmark = pytest.mark.django_db


def bearer(user):
    _token, secret = do_create_api_token(user, f"{user.username} system")
    return {"Authorization": f"Bearer {secret}"}


def test_the_board_answers_an_inspectors_system_and_nobody_else(campaign, make_task, inspector, head, client):
    make_task("1", D(2018, 11, 1))
    campaign.units.add(Task.objects.get().lead_unit)
    response = client.get(f"/api/v1/campaigns/{campaign.pk}/board", headers=bearer(inspector))
    assert response.status_code == 200
    [unit] = response.json()["units"]
    assert unit["unit"] == "TCJ" and unit["tasks"] == 1
    assert client.get(f"/api/v1/campaigns/{campaign.pk}/board", headers=bearer(head)).status_code == 404


def test_a_published_list_is_public_with_its_original_dates(campaign, units, head, inspector, client):
    data = {
        "problem": "招商方式单一",
        "root_cause": "r",
        "measures": "m",
        "due_on": D(2018, 12, 31),
        "responsible": "局长",
    }
    problem = actions.do_add_problem(campaign, units["TCJ"], by=head, data=data)
    url = f"/api/v1/campaigns/public/{campaign.pk}/TCJ"
    assert client.get(url).status_code == 404
    extension = actions.do_request_extension(problem, by=head, reason="延期", new_due_on=D(2019, 3, 31))
    actions.do_decide_extension(extension, by=inspector, grant=True)
    actions.do_publish(campaign, units["TCJ"], by=head)
    [item] = client.get(url).json()["problems"]
    assert (item["deadline"], item["original_deadline"], item["extensions"]) == ("2019-03-31", "2018-12-31", 1)
    assert [step["verb"] for step in item["timeline"]] == ["create", "extend"]
