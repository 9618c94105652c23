import pytest
from django.urls import reverse

from dgov.accounts.roles import Role
from dgov.lib.nav import all_links, links_for

pytestmark = pytest.mark.django_db


def test_every_sidebar_link_of_every_app_resolves():
    for link in all_links():
        assert link.url.startswith("/"), link


def test_a_clerk_sees_the_window_queue_and_not_the_seal_officers_issue_queue(make_staff):
    clerk = make_staff(Role.WINDOW_CLERK, "navclerk")
    urls = {link.url for link in links_for(clerk)}
    assert reverse("applications:queue") in urls
    assert reverse("certificates:issue_queue") not in urls


def test_a_seal_officer_finds_the_certificates_to_issue(make_staff):
    officer = make_staff(Role.SEAL_OFFICER, "navseal")
    assert reverse("certificates:issue_queue") in {link.url for link in links_for(officer)}
