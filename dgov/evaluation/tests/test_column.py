"""The unit heads' column: four parts, reviewed, released in batches on their dates."""

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse

from dgov.evaluation import actions
from dgov.evaluation.models import ArticleStatus, ColumnArticle
from dgov.lib import clock
from dgov.lib.conflicts import Conflict

pytestmark = pytest.mark.django_db

PARTS = {
    "title": "用数据跑路代替群众跑腿",
    "task_goals": "只跑一次事项达到九成",
    "basic_ideas": "一网一门一次",
    "key_measures": "审批专用章集中托管",
    "guarantees": "绿色通道制度",
}


def logged_in(user):
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def batch(campaign, inspector):
    return actions.do_create_batch(
        campaign=campaign, by=inspector, number=1, release_on=clock.today() + dt.timedelta(days=3)
    )


@pytest.fixture
def approved(campaign, head, inspector, batch):
    article = actions.do_save_article(None, by=head, campaign=campaign, data=PARTS)
    actions.do_submit_article(article, by=head)
    actions.do_review_article(article, by=inspector, approve=True, batch=batch)
    return article


def test_a_unit_head_writes_the_four_parts_and_submits(client, campaign, head):
    staff = logged_in(head)
    response = staff.post(reverse("evaluation:article_new"), {"campaign": campaign.pk, **PARTS})
    assert response.status_code == 302
    article = ColumnArticle.objects.get()
    assert [getattr(article, p) for p in ColumnArticle.PARTS] == [PARTS[p] for p in ColumnArticle.PARTS]
    staff.post(reverse("evaluation:article", args=[article.pk]), {"act": "submit"})
    article.refresh_from_db()
    assert article.status == ArticleStatus.SUBMITTED


def test_an_article_without_its_guarantees_is_refused(campaign, head):
    data = {**PARTS, "guarantees": ""}
    response = logged_in(head).post(reverse("evaluation:article_new"), {"campaign": campaign.pk, **data})
    assert response.status_code == 400
    assert not ColumnArticle.objects.exists()


def test_an_article_is_invisible_before_its_release_date(client, approved, clerk, other_head, inspector, head):
    assert approved.status == ArticleStatus.APPROVED
    assert client.get(reverse("evaluation:column_article", args=[approved.pk])).status_code == 404
    assert PARTS["title"] not in client.get(reverse("evaluation:column")).content.decode()
    assert PARTS["title"] not in client.get(reverse("evaluation:public_index")).content.decode()
    for unauthorised in (clerk, other_head):
        staff = logged_in(unauthorised)
        assert staff.get(reverse("evaluation:column_article", args=[approved.pk])).status_code == 404
        assert staff.get(reverse("evaluation:article", args=[approved.pk])).status_code == 404
    assert PARTS["title"] not in logged_in(other_head).get(reverse("evaluation:columns")).content.decode()
    # The reviewer and the author see it before the date.
    for authorised in (inspector, head):
        assert logged_in(authorised).get(reverse("evaluation:article", args=[approved.pk])).status_code == 200


def test_an_article_appears_on_its_release_date(client, approved, batch, other_head):
    type(batch).objects.filter(pk=batch.pk).update(release_on=clock.today())
    response = client.get(reverse("evaluation:column_article", args=[approved.pk]))
    assert response.status_code == 200
    assert PARTS["key_measures"] in response.content.decode()
    assert PARTS["title"] in client.get(reverse("evaluation:column")).content.decode()
    assert logged_in(other_head).get(reverse("evaluation:article", args=[approved.pk])).status_code == 200


def test_approval_needs_a_batch_and_a_return_needs_a_note(campaign, head, inspector):
    article = actions.do_save_article(None, by=head, campaign=campaign, data=PARTS)
    actions.do_submit_article(article, by=head)
    staff = logged_in(inspector)
    url = reverse("evaluation:article", args=[article.pk])
    assert staff.post(url, {"act": "review", "decision": "approve"}).status_code == 400
    assert staff.post(url, {"act": "review", "decision": "return"}).status_code == 400
    assert staff.post(url, {"act": "review", "decision": "return", "note": "补充保障措施"}).status_code == 302
    article.refresh_from_db()
    assert (article.status, article.review_note) == (ArticleStatus.RETURNED, "补充保障措施")


def test_an_approved_article_can_no_longer_be_revised(approved, head):
    with pytest.raises(Conflict):
        actions.do_save_article(approved, by=head, campaign=approved.campaign, data={**PARTS, "title": "改"})
    approved.refresh_from_db()
    assert approved.title == PARTS["title"]


def test_revising_an_approved_article_through_the_page_is_a_conflict(approved, head):
    url = reverse("evaluation:article_edit", args=[approved.pk])
    assert logged_in(head).post(url, {**PARTS, "title": "改"}).status_code == 409


def test_the_public_column_lists_many_articles_in_a_fixed_number_of_queries(
    client, campaign, inspector, make_staff, django_assert_max_num_queries
):
    batch = actions.do_create_batch(campaign=campaign, by=inspector, number=1, release_on=clock.today())
    for n in range(6):
        author = make_staff("unit_head", f"head{n}")
        article = actions.do_save_article(None, by=author, campaign=campaign, data={**PARTS, "title": f"文章{n}"})
        actions.do_submit_article(article, by=author)
        actions.do_review_article(article, by=inspector, approve=True, batch=batch)
    with django_assert_max_num_queries(4):
        response = client.get(reverse("evaluation:column"))
    assert response.content.decode().count("data-article=") == 6
