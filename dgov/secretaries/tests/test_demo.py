import pytest

from dgov.investment.models import Project
from dgov.lib import clock
from dgov.secretaries import demo
from dgov.secretaries.models import Contact, Engagement, EnterpriseIssue, Secretaryship

pytestmark = pytest.mark.django_db


def test_the_demo_names_the_articles_key_projects_and_running_it_twice_changes_nothing(
    district, make_staff, departments
):
    make_staff("project_secretary", "secretary", department="TCJ")
    make_staff("district_leader", "leader", department=None)
    make_staff("investment_officer", "investment", department="TCJ")
    Project.objects.create(district=district, name="泰盟智慧化工厂", investor="泰盟", is_key=True)  # made by investment

    demo.load(district)
    counts = [m.objects.count() for m in (Project, Secretaryship, Contact, Engagement, EnterpriseIssue)]
    demo.load(district)

    assert [m.objects.count() for m in (Project, Secretaryship, Contact, Engagement, EnterpriseIssue)] == counts
    assert counts[:3] == [3, 3, 3]
    assert set(Project.objects.filter(is_key=True).values_list("name", flat=True)) == {
        "泰盟智慧化工厂",
        "上海广奕芯片",
        "南京康尼门系统",
    }
    # 上海广奕 was last contacted 12 days ago: on the overdue list.
    assert Secretaryship.objects.filter(project__name="上海广奕芯片").overdue(clock.today()).exists()
