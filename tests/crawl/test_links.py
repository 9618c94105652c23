"""Every link shown to a role opens for that role (issue 13, item 6).

With the Kuancheng demo loaded, each demo login (and an anonymous visitor) follows every
same-site link reachable from its home page (its workbench, for staff) in the test client, breadth first, at most
``PER_PATTERN`` addresses per URL pattern (a list of 300 cases is crawled through two of
them, not all). Any 4xx or 5xx fails the test, naming the page that showed the link.

Each page it opens is also read by ``dgov.lib.pagecheck`` (issue 13, item 4): no id used
twice, no control without a name, no literal "None", no audit verb shown as its code.
"""

from collections import Counter, deque
from html.parser import HTMLParser
from urllib.parse import urldefrag, urlsplit

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import Resolver404, resolve, reverse

from dgov.accounts.demo import STAFF
from dgov.accounts.models import User
from dgov.lib.pagecheck import problems

PER_PATTERN = 2
PER_ROLE = 250
# Links that act or leave: signing out and switching language are forms, admin is Django's own.
SKIP_PREFIXES = ("/static/", "/media/", "/admin/", "/i18n/", "/accounts/logout", "/api/")


class Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.found: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "a":
            href = dict(attrs).get("href")
            if href:
                self.found.append(href)


def same_site(href: str) -> str | None:
    href, _fragment = urldefrag(href)
    parts = urlsplit(href)
    if parts.scheme or parts.netloc or not parts.path.startswith("/"):
        return None  # mailto:, tel:, javascript:, other hosts, relative oddities
    if parts.path.startswith(SKIP_PREFIXES):
        return None
    return parts.path + (f"?{parts.query}" if parts.query else "")


def pattern_of(path: str) -> str:
    """The URL pattern and the names of the query's keys: what two addresses share when
    they show the same page for different objects."""
    parts = urlsplit(path)
    try:
        route = resolve(parts.path).route
    except Resolver404:
        route = parts.path
    keys = sorted({pair.split("=")[0] for pair in parts.query.split("&") if pair})
    return f"{route}?{'&'.join(keys)}"


def crawl(client: Client) -> tuple[int, list[str], list[str]]:
    """Follow links breadth first from the home page; return how many pages opened, each
    failure as text and each page problem (``pagecheck``) as text."""
    failures: list[str] = []
    flaws: list[str] = []
    seen: set[str] = set()
    per_pattern: Counter[str] = Counter()
    queue: deque[tuple[str, str]] = deque([(reverse("portal:home"), "(start)"), ("/", "(start)")])
    while queue and len(seen) < PER_ROLE:
        path, shown_on = queue.popleft()
        if path in seen:
            continue
        pattern = pattern_of(path)
        if per_pattern[pattern] >= PER_PATTERN:
            continue
        seen.add(path)
        per_pattern[pattern] += 1
        response = client.get(path, follow=True)
        if response.status_code >= 400:
            failures.append(f"{response.status_code} {path} (linked from {shown_on})")
            continue
        if "text/html" not in response.get("Content-Type", ""):
            continue
        body = response.content.decode(errors="replace")
        final = response.redirect_chain[-1][0] if response.redirect_chain else path
        flaws += [f"{final}: {flaw}" for flaw in problems(body)]
        parser = Links()
        parser.feed(body)
        for href in parser.found:
            target = same_site(href)
            if target and target not in seen:
                queue.append((target, final))
    return len(seen), failures, flaws


@pytest.mark.long(30)
@pytest.mark.django_db
def test_every_link_shown_to_a_demo_role_opens_for_it() -> None:
    call_command("load_demo", quiet=True)
    logins = [None, *(username for username, *_rest in STAFF), "citizen", "enterprise"]
    report: dict[str, list[str]] = {}
    flawed: dict[str, list[str]] = {}
    opened: dict[str, int] = {}
    for username in logins:
        client = Client()
        if username is not None:
            client.force_login(User.objects.get(username=username))
        who = username or "anonymous"
        opened[who], failures, flaws = crawl(client)
        if failures:
            report[who] = failures
        if flaws:
            flawed[who] = flaws
    print("pages opened per login:", opened)
    assert min(opened.values()) >= 5, opened  # every login reaches more than its home
    assert report == {}, "\n".join(f"{who}: {line}" for who, lines in report.items() for line in lines)
    assert flawed == {}, "\n".join(f"{who}: {line}" for who, lines in flawed.items() for line in lines)
