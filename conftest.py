"""Test settings shared by the whole suite (see also dgov/test.py for personas)."""

import os

os.environ.setdefault("DGOV_TESTING", "1")

import pytest  # noqa: E402


@pytest.fixture(autouse=True)
def _fast_hasher(settings):  # type: ignore[no-untyped-def]
    # Argon2 is the real hasher; tests log in hundreds of times, so they use MD5.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
