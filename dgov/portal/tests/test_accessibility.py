"""Issue 13 §4: every public page and the apply form can be read and worked by everyone —
every control labelled, no id twice on a page, no inline style the CSP would block, a
favicon, and a large-text, high-contrast mode switchable on every page and remembered."""

from collections import Counter
from html.parser import HTMLParser

import pytest
from django.urls import reverse

from dgov.applications import actions
from dgov.applications.tests import conftest as applications_fixtures

item = applications_fixtures.item  # the applications suite's service item, shared

pytestmark = pytest.mark.django_db

UNLABELLED_TYPES = {"hidden", "submit", "button", "reset", "image"}


class Page(HTMLParser):
    """What the checks need from a page: ids, controls, the labels' targets, inline styles."""

    def __init__(self) -> None:
        super().__init__()
        self.ids: Counter[str] = Counter()
        self.controls: list[dict[str, str | None]] = []
        self.label_for: set[str] = set()
        self.inline_styles: list[str] = []
        self.label_depth = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        if attributes.get("id"):
            self.ids[attributes["id"] or ""] += 1
        if "style" in attributes or tag == "style":
            self.inline_styles.append(f"<{tag} {attributes}>")
        if tag == "label":
            self.label_depth += 1
            if attributes.get("for"):
                self.label_for.add(attributes["for"] or "")
        if tag in ("input", "select", "textarea") and attributes.get("type") not in UNLABELLED_TYPES:
            self.controls.append({**attributes, "_in_label": "yes" if self.label_depth else None})

    def handle_endtag(self, tag: str) -> None:
        if tag == "label" and self.label_depth:
            self.label_depth -= 1

    def unlabelled(self) -> list[str]:
        return [
            str(control.get("name") or control)
            for control in self.controls
            if not (
                control.get("_in_label")
                or control.get("aria-label")
                or control.get("aria-labelledby")
                or (control.get("id") and control["id"] in self.label_for)
            )
        ]


def parse(client, url: str) -> Page:
    response = client.get(url)
    assert response.status_code == 200, url
    page = Page()
    page.feed(response.content.decode())
    return page


def check(client, urls: list[str]) -> None:
    problems = []
    for url in urls:
        page = parse(client, url)
        twice = sorted(i for i, n in page.ids.items() if n > 1)
        if twice:
            problems.append(f"{url}: ids used twice {twice}")
        if page.unlabelled():
            problems.append(f"{url}: unlabelled controls {page.unlabelled()}")
        if page.inline_styles:
            problems.append(f"{url}: inline styles {page.inline_styles}")
    assert problems == []


def test_the_anonymous_front_door_is_labelled_has_unique_ids_and_no_inline_styles(client, item):
    check(
        client,
        [
            reverse("portal:index"),
            reverse("services:catalogue"),
            reverse("services:guide", args=[item.code]),
            reverse("services:search") + "?q=restaurant",
            reverse("services:search") + "?q=zzzzqqq",
            reverse("applications:lookup"),
            reverse("certificates:verify"),
            reverse("accounts:login"),
            reverse("accounts:login_code"),
            reverse("accounts:signup"),
            reverse("accounts:signup_enterprise"),
            reverse("accounts:password_forgot"),
        ],
    )


def test_the_citizens_pages_and_the_apply_form_are_labelled_and_have_unique_ids(client, item, citizen):
    from dgov.accounts.models import Applicant

    application, _ = actions.do_submit(
        item=item, applicant=Applicant.objects.get(user=citizen), by=citizen, channel="online", idempotency_key="a11y"
    )
    client.force_login(citizen)
    check(
        client,
        [
            reverse("portal:index"),
            reverse("portal:my"),
            reverse("applications:apply", args=[item.code]),
            reverse("applications:case", args=[application.pk]),
            reverse("applications:mine"),
            reverse("accounts:password_change"),
        ],
    )


def test_every_page_names_a_favicon_and_the_old_address_leads_to_it(client):
    response = client.get(reverse("portal:index"))
    assert b'rel="icon"' in response.content
    old = client.get("/favicon.ico")
    assert old.status_code == 301
    assert client.get(old["Location"]).status_code == 200


def test_the_large_text_mode_is_switched_on_any_page_and_remembered(client, item):
    guide = reverse("services:guide", args=[item.code])
    page = client.get(guide).content.decode()
    assert 'class="public"' in page and "data-large-text-toggle" in page

    switched = client.post(reverse("portal:large_text"), {"on": "1", "next": guide})
    assert switched.status_code == 302 and switched["Location"] == guide
    assert switched.cookies["dgov_large_text"].value == "1"
    assert switched.cookies["dgov_large_text"]["max-age"] >= 365 * 24 * 3600
    assert "large-text" in client.get(reverse("portal:index")).content.decode().split("<body", 1)[1].split(">", 1)[0]

    client.post(reverse("portal:large_text"), {"on": "0", "next": guide})
    assert "large-text" not in client.get(guide).content.decode().split("<body", 1)[1].split(">", 1)[0]


def test_the_large_text_switch_never_sends_anyone_to_another_site(client):
    response = client.post(reverse("portal:large_text"), {"on": "1", "next": "https://evil.example/"})
    assert response.status_code == 302 and response["Location"] == "/"


def test_a_message_is_shown_once_by_the_base_template_only():
    from pathlib import Path

    from django.conf import settings

    showing = sorted(
        str(path.relative_to(settings.BASE_DIR))
        for path in Path(settings.BASE_DIR, "dgov").rglob("*.html")
        if " in messages " in path.read_text(encoding="utf-8")
    )
    assert showing == ["dgov/templates/base.html"]
