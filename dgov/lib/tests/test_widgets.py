"""Date and time inputs keep their values in every language (issue 13, item 4)."""

import datetime as dt
import importlib
import importlib.util
import pkgutil
import re

import pytest
from django import forms
from django.utils import translation

import dgov
from dgov.lib.widgets import DateInput
from dgov.secretaries.forms import ContactForm

LANGUAGES = ["zh-hans", "zh-hant", "en"]
DAY = dt.date(2026, 12, 3)
EXPECTED = {"date": "2026-12-03", "datetime-local": "2026-12-03T09:30", "time": "09:30"}
SAMPLE = {"date": DAY, "datetime-local": dt.datetime(2026, 12, 3, 9, 30), "time": dt.time(9, 30)}


def _all_forms() -> list[type[forms.BaseForm]]:
    for module in pkgutil.iter_modules(dgov.__path__):
        if module.ispkg and importlib.util.find_spec(f"dgov.{module.name}.forms"):
            importlib.import_module(f"dgov.{module.name}.forms")
    found, todo = [], [forms.BaseForm]
    while todo:
        cls = todo.pop()
        todo.extend(cls.__subclasses__())
        if cls.__module__.startswith("dgov."):
            found.append(cls)
    return found


def _picker_fields() -> list[tuple[str, forms.Field]]:
    return [
        (f"{form.__module__}.{form.__name__}.{name}", field)
        for form in _all_forms()
        for name, field in getattr(form, "base_fields", {}).items()
        if getattr(field.widget, "input_type", None) in EXPECTED
    ]


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_date_and_time_picker_writes_the_format_the_browser_reads(language: str) -> None:
    fields = _picker_fields()
    assert len(fields) >= 20, fields  # the forms were found: hall, secretaries, events, policies …
    wrong = []
    with translation.override(language):
        for where, field in fields:
            kind = field.widget.input_type  # type: ignore[attr-defined]
            html = field.widget.render("x", SAMPLE[kind])
            value = re.search(r'value="([^"]*)"', html)
            if not value or value.group(1) != EXPECTED[kind]:
                wrong.append(f"{where}: {html}")
    assert wrong == []


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_secretarys_contact_date_keeps_its_default(language: str) -> None:
    with translation.override(language):
        html = str(ContactForm(initial={"on": DAY})["on"])
    assert 'type="date"' in html
    assert 'value="2026-12-03"' in html


def test_a_plain_django_date_input_would_lose_it_in_chinese() -> None:
    # Why the widget exists: Django's own writes the language's first input format.
    with translation.override("zh-hans"):
        assert 'value="2026/12/03"' in forms.DateInput().render("x", DAY)
        assert 'value="2026-12-03"' in DateInput().render("x", DAY)


@pytest.mark.parametrize("language", LANGUAGES)
def test_an_iso_date_from_the_browser_is_read_in_every_language(language: str, clock) -> None:
    clock.set(dt.date(2026, 12, 10))
    with translation.override(language):
        form = ContactForm(data={"on": "2026-12-03"})
        form.is_valid()
    assert form.cleaned_data["on"] == DAY
