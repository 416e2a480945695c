"""Validators run on candidates only: checksums (python-stdnum, phonenumbers) and sanity rules.

Each takes the matched text and returns whether it is a real value of its type; decoys
that fail (bad check digits, impossible SSN areas, placeholder keys) are not counted.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import json
import math
import re
from collections import Counter

import phonenumbers
from stdnum import cusip, iban, isin, luhn
from stdnum.us import rtn, ssn

_NON_DIGIT = re.compile(r"\D")
_PLACEHOLDER_WORDS = (
    "example",
    "xxxx",
    "your",
    "redacted",
    "placeholder",
    "dummy",
    "sample",
    "changeme",
    "0000000",
    "1234567",
    "abcdef",
    "fake",
    "test",
)
_EXAMPLE_DOMAINS = (
    "example.com",
    "example.org",
    "example.net",
    ".example",
    ".test",
    ".invalid",
    ".localhost",
)
# Issuer identification number prefixes of the card networks (ISO/IEC 7812 ranges).
_CARD_PREFIX = re.compile(r"^(?:4|5[1-5]|2[2-7]|3[47]|3[0689]|6(?:011|5|4[4-9]|22)|35|62|81)")
_DEA_FIRST = frozenset("ABCDEFGHJKLMPRSTUX")
_PASSWORD_PLACEHOLDERS = frozenset(
    {
        "password",
        "pass",
        "passwd",
        "pwd",
        "secret",
        "changeme",
        "xxx",
        "xxxx",
        "****",
        "...",
        "user",
        "username",
        "pw",
    }
)


def digits(text: str) -> str:
    """The digits of `text`, separators removed."""
    return _NON_DIGIT.sub("", text)


def us_ssn(text: str) -> bool:
    """SSN area/group/serial rules and known-invalid numbers (stdnum.us.ssn)."""
    return bool(ssn.is_valid(digits(text)))


def payment_card(text: str) -> bool:
    """13-19 digits, one kind of separator, a card-network prefix and a valid Luhn digit."""
    separators = {c for c in text if not c.isdigit()}
    number = digits(text)
    return (
        len(separators) <= 1
        and 13 <= len(number) <= 19
        and _CARD_PREFIX.match(number) is not None
        and len(set(number)) > 2
        and bool(luhn.is_valid(number))
    )


def iban_number(text: str) -> bool:
    """Country format and mod-97 check (stdnum.iban)."""
    return bool(iban.is_valid(text))


def aba_routing(text: str) -> bool:
    """ABA routing transit number checksum (stdnum.us.rtn)."""
    return bool(rtn.is_valid(text)) and len(set(text)) > 2


def isin_code(text: str) -> bool:
    """ISIN country code and check digit (stdnum.isin)."""
    return bool(isin.is_valid(text))


def cusip_code(text: str) -> bool:
    """CUSIP check digit (stdnum.cusip)."""
    return bool(cusip.is_valid(text))


def npi_number(text: str) -> bool:
    """NPI: Luhn check digit computed over the prefix 80840 plus the ten digits."""
    return len(set(text)) > 2 and bool(luhn.is_valid("80840" + text))


def dea_number(text: str) -> bool:
    """DEA registration: registrant letter, then (d1+d3+d5) + 2*(d2+d4+d6) ends in d7."""
    if text[0] not in _DEA_FIRST or not text[2:].isdigit():
        return False
    d = [int(c) for c in text[2:]]
    total = d[0] + d[2] + d[4] + 2 * (d[1] + d[3] + d[5])
    return total % 10 == d[6]


def phone_number(text: str) -> bool:
    """A valid number for its region (phonenumbers); US when it has no country code."""
    try:
        parsed = phonenumbers.parse(text, "US")
    except phonenumbers.NumberParseException:
        return False
    return bool(phonenumbers.is_valid_number(parsed))


def email_address(text: str) -> bool:
    """Not a reserved example or test domain (RFC 2606)."""
    domain = text.rsplit("@", 1)[-1].lower()
    return not any(domain == d or domain.endswith(d) for d in _EXAMPLE_DOMAINS)


def birth_date(text: str) -> bool:
    """A plausible past date with a year from 1900 on."""
    years = re.findall(r"(?:19|20)\d{2}", text)
    if not years:
        two_digit = re.search(r"(\d{2})$", text)
        return two_digit is not None
    year = int(years[-1])
    return 1900 <= year <= dt.datetime.now(tz=dt.UTC).year


def has_digit(text: str) -> bool:
    """Document numbers hold at least one digit and are not all one character."""
    return any(c.isdigit() for c in text) and len(set(text)) > 2


def icd10_code(text: str) -> bool:
    """ICD-10-CM shape: letter other than U, digit, then digit or letter (the regex checks)."""
    return text[0] != "U"


def entropy(text: str) -> float:
    """Shannon entropy in bits per character: log2(n) - sum(c * log2(c)) / n over the
    counts c of each character."""
    n = len(text)
    if not n:
        return 0.0
    counts = Counter(text).values()
    if n < len(_C_LOG_C):  # every count is in the table
        return math.log2(n) - sum(map(_C_LOG_C.__getitem__, counts)) / n
    return math.log2(n) - sum(c * math.log2(c) for c in counts) / n


_C_LOG_C = [0.0] + [c * math.log2(c) for c in range(1, 257)]
_RUN = re.compile(r"(.)\1{5}")
_KEY_PREFIX = re.compile(r"^[a-z]+[-_](?:[a-z]+[-_])?")


def secret_token(text: str) -> bool:
    """Not a placeholder: no filler words, no long runs, enough entropy in the body."""
    lowered = text.lower()
    if any(word in lowered for word in _PLACEHOLDER_WORDS):
        return False
    if _RUN.search(text):
        return False
    return entropy(_KEY_PREFIX.sub("", text, count=1)) >= 3.0


def jwt_token(text: str) -> bool:
    """Three segments whose header decodes to JSON naming an algorithm."""
    header = text.split(".", 1)[0]
    try:
        decoded = base64.urlsafe_b64decode(header + "=" * (-len(header) % 4))
        value = json.loads(decoded)
    except (binascii.Error, ValueError):
        return False
    return isinstance(value, dict) and "alg" in value


def connection_password(text: str) -> bool:
    """A connection string whose password is not a placeholder or a template variable."""
    userinfo = text.split("://", 1)[-1].rsplit("@", 1)[0]
    password = userinfo.split(":", 1)[-1]
    lowered = password.lower()
    if lowered in _PASSWORD_PLACEHOLDERS or set(password) <= {"*", "x", "X", "."}:
        return False
    return not re.search(r"[<>{}$%]|your|example", lowered)
