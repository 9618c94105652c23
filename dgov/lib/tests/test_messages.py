"""A flash message is shown once (issue 13, item 4)."""

from django.contrib import messages
from django.contrib.messages import get_messages
from django.contrib.messages.storage import default_storage
from django.contrib.sessions.backends.signed_cookies import SessionStore
from django.test import RequestFactory

from dgov.lib.messages import OnceStorage


def _request():
    request = RequestFactory().get("/")
    request.session = SessionStore()
    request._messages = OnceStorage(request)
    return request


def test_the_same_message_queued_twice_is_shown_once() -> None:
    request = _request()
    messages.success(request, "Saved.")
    messages.success(request, "Saved.")
    messages.error(request, "Saved.")  # another level is another message
    messages.success(request, "Sent.")
    assert [(m.level_tag, str(m)) for m in get_messages(request)] == [
        ("success", "Saved."),
        ("error", "Saved."),
        ("success", "Sent."),
    ]


def test_the_platform_stores_its_messages_that_way() -> None:
    request = _request()
    first = default_storage(request)
    first.add(messages.SUCCESS, "Saved.")
    first.add(messages.SUCCESS, "Saved.")
    assert len(list(first)) == 1
