"""Certificate identifiers in the pattern of GB/T 36904.

``1.2.156.3005.2.<type code>.<issuer code>.<serial>.<version>.<check>``

The check character is ISO 7064 MOD 37,36 (the hybrid system for alphanumeric strings,
GB/T 17710) computed over the type code, issuer code, serial and version written
together without dots. We chose the hybrid system over MOD 11-2 (GB 11643) because the
type and issuer codes contain letters, and over the pure MOD 37-2 because its result is
always one of 0-9A-Z (never ``*``). One changed or swapped character is always caught.
"""

import re

ROOT = "1.2.156.3005.2"
ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
_M = 36
_PATTERN = re.compile(
    r"1\.2\.156\.3005\.2\.([0-9A-Z]{1,20})\.([0-9A-Z]{1,18})\.(\d{6,10})\.(\d{3})\.([0-9A-Z])", re.ASCII
)
# Where an identifier may appear inside a file (metadata written uncompressed).
SEARCH_PATTERN = re.compile(rb"1\.2\.156\.3005\.2\.[0-9A-Z]{1,20}\.[0-9A-Z]{1,18}\.\d{6,10}\.\d{3}\.[0-9A-Z]")


def check_character(body: str) -> str:
    """ISO 7064 MOD 37,36 check character of ``body`` (letters and digits)."""
    p = _M
    for char in body.upper():
        value = ALPHABET.index(char)
        s = (p + value) % _M or _M
        p = (2 * s) % (_M + 1)
    return ALPHABET[(_M + 1 - p) % _M]


def make_identifier(type_code: str, issuer_code: str, serial: int, version: int) -> str:
    serial_text, version_text = f"{serial:06d}", f"{version:03d}"
    body = f"{type_code}{issuer_code}{serial_text}{version_text}".upper()
    return f"{ROOT}.{type_code.upper()}.{issuer_code.upper()}.{serial_text}.{version_text}.{check_character(body)}"


def is_well_formed(identifier: str) -> bool:
    match = _PATTERN.fullmatch(identifier)
    if match is None:
        return False
    type_code, issuer_code, serial, version, check = match.groups()
    return check_character(f"{type_code}{issuer_code}{serial}{version}") == check
