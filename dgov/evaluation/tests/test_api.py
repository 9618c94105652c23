"""The column and the results through the API."""

import datetime as dt

import pytest

from dgov.api.actions import do_create_api_token
from dgov.evaluation import actions
from dgov.lib import clock

pytestmark = pytest.mark.django_db

PARTS = {"title": "选商", "task_goals": "目标", "basic_ideas": "思路", "key_measures": "举措", "guarantees": "保障"}


def bearer(user):
    _token, secret = do_create_api_token(user, "system")
    return {"Authorization": f"Bearer {secret}"}


def test_the_api_lists_only_released_articles(client, campaign, head, inspector):
    today = clock.today()
    now = actions.do_create_batch(campaign=campaign, by=inspector, number=1, release_on=today)
    later = actions.do_create_batch(campaign=campaign, by=inspector, number=2, release_on=today + dt.timedelta(days=1))
    for title, batch in (("今天", now), ("明天", later)):
        article = actions.do_save_article(None, by=head, campaign=campaign, data={**PARTS, "title": title})
        actions.do_submit_article(article, by=head)
        actions.do_review_article(article, by=inspector, approve=True, batch=batch)
    response = client.get("/api/v1/evaluation/column")
    assert response.status_code == 200
    assert [a["title"] for a in response.json()] == ["今天"]


def test_results_need_a_token_with_the_permission(client, campaign, unit, inspector, approver):
    actions.do_evaluate_public(campaign=campaign, unit=unit, scores={"attitude": 2}, comment="", device="d", address="")
    url = f"/api/v1/evaluation/results/{campaign.pk}"
    assert client.get(url).status_code == 401
    assert client.get(url, headers=bearer(approver)).status_code == 403
    rows = client.get(url, headers=bearer(inspector)).json()
    assert rows == [
        {"unit": unit.name, "channel": "public", "measure": "Service attitude", "count": 1, "average": 2.0, "bad": 1}
    ]
