"""Personal data is masked by default: on screens, in exports and in logs.

The full value is only shown through an explicit, audited "reveal" action
(see ``dgov.accounts.views.reveal_personal_data``).
"""

import logging
import re

_ID_PATTERN = re.compile(r"(?<![0-9A-Za-z])(\d{6})\d{8}(\d{3}[\dXx])(?![0-9A-Za-z])")
_PHONE_PATTERN = re.compile(r"(?<!\d)(1[3-9]\d)\d{4}(\d{4})(?!\d)")


def mask_id_number(value: str | None) -> str:
    """``110105194912310025`` → ``110105********0025``."""
    if not value:
        return ""
    if len(value) <= 10:
        return "*" * len(value)
    return value[:6] + "*" * (len(value) - 10) + value[-4:]


def mask_phone(value: str | None) -> str:
    """``13812345678`` → ``138****5678``."""
    if not value:
        return ""
    if len(value) < 7:
        return "*" * len(value)
    return value[:3] + "*" * (len(value) - 7) + value[-4:]


def mask_address(value: str | None) -> str:
    """``吉林省长春市宽城区长江路 88 号 3 单元 501`` → ``吉林省长春市宽城区****``: the
    region up to the district (区/县/市/旗) is kept, the street and number are not."""
    if not value:
        return ""
    text = " ".join(value.split())
    cut = max((text.find(mark) + 1 for mark in "区县旗" if 0 <= text.find(mark) < 16), default=0)
    keep = cut or min(6, len(text) // 3)
    return text[:keep] + "****"


def mask_text(text: str) -> str:
    """Mask every ID number and mobile number found in free text."""
    text = _ID_PATTERN.sub(lambda m: m.group(1) + "*" * 8 + m.group(2), text)
    return _PHONE_PATTERN.sub(lambda m: m.group(1) + "****" + m.group(2), text)


class MaskPersonalDataFilter(logging.Filter):
    """Logging filter: no log line leaves the process with a full ID or phone number."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.msg = mask_text(record.getMessage())
        record.args = None
        return True
