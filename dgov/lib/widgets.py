"""The browser's own date and time pickers, with values they can read in every language.

An ``<input type="date">`` only accepts ``YYYY-MM-DD``; Django's ``DateInput`` writes its
value in the active language's first ``DATE_INPUT_FORMATS`` (``2026/12/03`` in Chinese),
which the browser throws away, so a default vanished in zh-Hans and zh-Hant but not in
English. These widgets pin the ISO formats the HTML standard requires; parsing is
unchanged (Django's date fields always accept ISO input).
"""

from typing import Any

from django import forms

ISO_DATE = "%Y-%m-%d"
ISO_DATETIME_LOCAL = "%Y-%m-%dT%H:%M"
ISO_TIME = "%H:%M"


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs: dict[str, Any] | None = None, format: str | None = None) -> None:  # noqa: A002
        super().__init__(attrs, format=format or ISO_DATE)


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, attrs: dict[str, Any] | None = None, format: str | None = None) -> None:  # noqa: A002
        super().__init__(attrs, format=format or ISO_DATETIME_LOCAL)


class TimeInput(forms.TimeInput):
    input_type = "time"

    def __init__(self, attrs: dict[str, Any] | None = None, format: str | None = None) -> None:  # noqa: A002
        super().__init__(attrs, format=format or ISO_TIME)
