"""Roles, acts, object types and changes are shown in words, never as codes (issue 13 §4)."""

from html.parser import HTMLParser

import pytest
from django.urls import reverse

from dgov.audit.trail import record

pytestmark = pytest.mark.django_db

# Codes the entries below carry; none may be read on a page.
CODES = ["window_clerk", "applications.application", "accounts.user", "application.accept", "auth.login"]
# The raw change ``{"status": ["submitted", "accepted"], "approve": true}``.
RAW_CHANGES = ["status:", "submitted", "→ accepted", "true"]
WORDS = {
    "zh-hans": ["窗口受理人员", "受理申请", "办件", "已提交 → 已受理", "状态"],
    "zh-hant": ["窗口受理人員", "受理申請", "辦件", "已提交 → 已受理", "狀態"],
    "en": ["Window clerk", "Accepted an application", "Application", "Submitted → Accepted", "Status", "Yes"],
}


class Text(HTMLParser):
    """What a reader sees: the text between tags, scripts and styles left out."""

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self.hidden = 0

    def handle_starttag(self, tag: str, attrs: object) -> None:
        self.hidden += tag in ("script", "style")

    def handle_endtag(self, tag: str) -> None:
        self.hidden -= tag in ("script", "style")

    def handle_data(self, data: str) -> None:
        if not self.hidden:
            self.parts.append(data)


def seen(page: str) -> str:
    parser = Text()
    parser.feed(page)
    return " ".join(parser.parts)


def raw_codes(text: str) -> list[str]:
    words = set(text.split())
    return [code for code in CODES if code in words or f"{code}:" in text] + [raw for raw in RAW_CHANGES if raw in text]


@pytest.mark.parametrize("language", ["zh-hans", "zh-hant", "en"])
def test_the_audit_list_shows_roles_acts_objects_and_changes_in_words(client, clerk, auditor, district, language):
    record(
        "application.accept",
        actor=clerk,
        district=district,
        object_type="applications.application",
        object_id="7",
        changes={"status": ["submitted", "accepted"], "approve": True},
    )
    client.force_login(auditor)
    response = client.get(reverse("audit:entries"), HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 200
    text = seen(response.content.decode())
    assert raw_codes(text) == []
    for word in WORDS[language]:
        assert word in text, word
    # The codes stay where the filters need them: in links and titles.
    assert 'title="applications.application"' in response.content.decode()


def test_the_filters_name_acts_and_object_types_and_keep_a_family_code(client, auditor, district):
    client.force_login(auditor)
    page = client.get(
        reverse("audit:entries"), {"verb": "auth.", "object_type": "accounts.user"}, HTTP_ACCEPT_LANGUAGE="en"
    )
    text = seen(page.content.decode())
    assert raw_codes(text) == [] and "auth." not in text.split()
    assert '<option value="auth." selected>' in page.content.decode()
    assert '<option value="accounts.user" selected>User</option>' in page.content.decode()


def test_an_administrator_reads_the_staff_and_the_workbench_in_words(client, administrator, clerk, district):
    clerk.full_name = "王芳"  # the personas' names spell their role's code
    clerk.save(update_fields=["full_name"])
    client.force_login(administrator)
    record("application.accept", actor=administrator, district=district, object_type="applications.application")
    for url in (reverse("accounts:staff"), reverse("portal:home")):
        response = client.get(url, follow=True, HTTP_ACCEPT_LANGUAGE="en")
        assert response.status_code == 200, url
        assert raw_codes(seen(response.content.decode())) == [], url


def test_an_act_by_a_person_holding_every_role_is_recorded_with_all_of_them(make_staff, district):
    """Fifteen roles' codes joined run past 200 characters: the column holds them all (a
    varchar(200) refused the entry on PostgreSQL, and with it the act, a 500)."""
    from django.contrib.auth.models import Group

    from dgov.accounts.roles import Role
    from dgov.audit.models import AuditEntry

    everyone = make_staff(Role.WINDOW_CLERK.value, "everyone")
    everyone.groups.set(Group.objects.filter(name__in=[role.value for role in Role]))
    codes = ",".join(sorted(role.value for role in Role))
    assert len(codes) > 200
    record("auth.login", everyone, district=district, actor=everyone)
    assert AuditEntry.objects.get(actor=everyone).role == codes
