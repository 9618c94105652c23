"""Browser tests: Playwright drives Debian's chromium (its own browser download cannot
work on the intranet or here) against the live test server."""

import os
import shutil
from collections.abc import Iterator
from typing import Any

import pytest

# Playwright's sync API runs an event loop in the test thread; the ORM calls the tests
# make around it are still plain synchronous code.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def _chromium() -> str:
    path = shutil.which("chromium") or "/usr/bin/chromium"
    if not os.path.exists(path):
        pytest.fail("Debian's chromium is not installed: run `make test`, which installs it.")
    return path


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=_chromium(), headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser: Any, live_server: Any) -> Iterator[Any]:
    context = browser.new_context(base_url=live_server.url, locale="zh-CN")
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


@pytest.fixture
def as_user(browser: Any, live_server: Any) -> Iterator[Any]:
    """``as_user("clerk")``: a fresh browser context per person, logged in through the
    login form (``as_user(None)``: not logged in); keyword options go to the context
    (a phone's ``viewport``, say)."""
    from conftest import PASSWORD

    contexts = []

    def log_in(username: str | None = None, **options: Any) -> Any:
        context = browser.new_context(base_url=live_server.url, locale="zh-CN", **options)
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(10_000)
        if username:
            page.goto("/accounts/login/")
            page.fill("#id_username", username)
            page.fill("#id_password", PASSWORD)
            with page.expect_navigation():
                page.click("main form button[type=submit]")
        return page

    yield log_in
    for context in contexts:
        context.close()


@pytest.fixture(autouse=True)
def _public_address(settings: Any, live_server: Any) -> None:
    # Links the platform sends out (QR codes, rating and confirmation links) start with
    # DGOV_PUBLIC_URL: here, the live test server.
    settings.DGOV_PUBLIC_URL = live_server.url
