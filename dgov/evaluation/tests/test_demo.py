import pytest

from dgov.accounts import demo as accounts_demo
from dgov.audit.models import AuditEntry
from dgov.campaigns.models import Campaign
from dgov.evaluation import demo
from dgov.evaluation.models import ColumnArticle, Evaluation, ResearchReport, Survey, Talk

pytestmark = pytest.mark.django_db


def counts():
    return [m.objects.count() for m in (Campaign, Evaluation, Talk, ColumnArticle, ResearchReport, Survey, AuditEntry)]


def test_the_demo_loads_a_first_batch_of_articles_and_a_second_run_changes_nothing():
    district, _logins = accounts_demo.load()
    demo.load(district)
    first = counts()
    assert Campaign.objects.get().theme == "解放思想推动宽城高质量发展大讨论"
    released = ColumnArticle.objects.filter(batch__number=1, status="approved")
    assert released.count() == 3
    assert all(first)
    demo.load(district)
    assert counts() == first


def test_the_demo_joins_the_campaign_the_campaigns_demo_made():
    district, _logins = accounts_demo.load()
    made = Campaign.objects.create(
        district=district,
        theme=demo.THEME,
        starts_on=demo.STARTS_ON,
        ends_on=demo.ENDS_ON,
        publication_deadline=demo.PUBLICATION_DEADLINE,
    )
    demo.load(district)
    assert Campaign.objects.count() == 1
    assert ColumnArticle.objects.filter(campaign=made).count() == len(demo.ARTICLES)
