"""Acts are shown in words, never as codes (issue 13, item 4)."""

import re
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import translation

from dgov.audit.models import AuditEntry
from dgov.audit.trail import record
from dgov.audit.verbs import VERBS, verb_label

ROOT = Path(__file__).resolve().parents[2]
# A verb written as a literal where an entry is recorded: ``record("auth.login", …`` or
# ``verb="deadline.extend"`` handed to a helper that records it.
LITERAL = re.compile(r'(?:record\(\s*|verb=)"([a-z_]+(?:\.[a-z_]+)+)"')
# Verbs built from a family's prefix and the step (``f"hall.ticket.{verb}"``): each step
# the code passes, written out.
FAMILIES = {
    "application.": ["submit", "request_supplement", "supplement", "refuse", "accept", "review", "approve", "deny"],
    "bundle_application.": ["accept", "refuse", "decided", "stop", "issue", "complete", "extend", "submit"],
    "hall.ticket.": ["recall", "start", "finish", "skip"],
    "rectification.": ["callback", "fix", "close"],
    "evaluation.article_": ["submit", "approve", "return"],
    "investment.": ["advance", "lose", "restore"],
    "funds.": ["commitment.decide", "tranche.decide", "exit.decide"],
}


def recorded_verbs() -> set[str]:
    found: set[str] = set()
    for path in ROOT.rglob("*.py"):
        if "tests" in path.parts or "migrations" in path.parts:
            continue
        found.update(LITERAL.findall(path.read_text(encoding="utf-8")))
    found.update(prefix + step for prefix, steps in FAMILIES.items() for step in steps)
    return found


def test_every_verb_the_code_records_has_a_name() -> None:
    verbs = recorded_verbs()
    assert len(verbs) > 150  # the scan found the code's verbs
    assert sorted(verbs - set(VERBS)) == []


@pytest.mark.parametrize(("language", "expected"), [("zh-hans", "登录"), ("zh-hant", "登錄"), ("en", "Signed in")])
def test_a_verb_reads_in_the_users_language(language: str, expected: str) -> None:
    with translation.override(language):
        assert verb_label("auth.login") == expected
        assert verb_label("no.such_verb") not in ("", "no.such_verb")


@pytest.mark.django_db
def test_the_workbench_lists_recent_acts_in_words(client, clerk) -> None:
    client.force_login(clerk)
    record("investment.project_create", None, actor=clerk, district=clerk.district)
    assert AuditEntry.objects.filter(actor=clerk).exists()
    page = client.get(reverse("portal:home"), follow=True, HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "新建项目" in page
    assert ">investment.project_create<" not in page
