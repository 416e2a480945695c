"""The detectors, as data. Within a family, order is priority: specific shapes first.

Patterns carry their own boundaries (lookarounds), so a match never starts or ends inside
a longer token. Types whose shape alone is ambiguous (nine digits, a date, a short code)
have a base confidence below the threshold and count only with a context word nearby.
Every match of a family whose reach starts at 0 begins with one of its anchors (see
`detectors`). Secret prefixes are the providers' documented ones (AWS access key IDs
`AKIA`/`ASIA`, GitHub `ghp_`/`gho_`/`ghu_`/`ghs_`/`ghr_`/`github_pat_`, OpenAI
`sk-`/`sk-proj-`, Anthropic `sk-ant-`, Slack `xox?-`, Google `AIza`, Stripe
`sk_live_`/`rk_live_`, Hugging Face `hf_`).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Final

from localproof.scan import validators as v
from localproof.scan.detectors import Detector

_B = r"(?<![A-Za-z0-9_])"  # left boundary of a token
_E = r"(?![A-Za-z0-9_])"  # right boundary of a token
_ND = r"(?<![\d-])"  # left boundary of a number
_NE = r"(?![\d-]?\d)"  # right boundary of a number
_MONTH = r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?"
_DATE = (
    rf"(?:\d{{1,2}}[/.-]\d{{1,2}}[/.-](?:19|20)?\d{{2}}|(?:19|20)\d{{2}}-\d{{2}}-\d{{2}}"
    rf"|{_MONTH} \d{{1,2}},? (?:19|20)\d{{2}}|\d{{1,2}} {_MONTH},? (?:19|20)\d{{2}})"
)
Validator = Callable[[str], bool]


def _key(type_name: str, pattern: str, anchors: tuple[str, ...], base: float = 0.8) -> Detector:
    return Detector("secret", type_name, pattern, base, validator=v.secret_token,
                    family="secret", anchors=anchors, reach=(0, 256))  # fmt: skip


def _marking(type_name: str, pattern: str, anchors: tuple[str, ...], ic: bool = True) -> Detector:
    return Detector("marking", type_name, pattern, 0.9, ignore_case=ic, family="marking",
                    anchors=anchors, reach=(0, 96))  # fmt: skip


def _number(category: str, type_name: str, pattern: str, base: float, validator: Validator,
            context: tuple[str, ...] = (), ic: bool = False) -> Detector:  # fmt: skip
    return Detector(category, type_name, pattern, base, context, validator, ignore_case=ic)


_SCHEMES = ("postgres", "mysql", "mariadb", "mongodb", "redis", "amqp", "mssql", "sqlserver")
_GH = ("ghp_", "gho_", "ghu_", "ghs_", "ghr_", "github_pat_")
SECRETS: Final = (
    Detector(
        "secret",
        "private_key",
        r"-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY(?: BLOCK)?-----",
        0.9,
        family="secret",
        anchors=("-----BEGIN ",),
        reach=(0, 256),
    ),
    _key(
        "aws_access_key",
        rf"{_B}(?:AKIA|ASIA|ABIA|ACCA)[A-Z0-9]{{16}}{_E}",
        ("AKIA", "ASIA", "ABIA", "ACCA"),
    ),
    _key(
        "github_token",
        rf"{_B}(?:gh[pousr]_[A-Za-z0-9]{{36}}|github_pat_[A-Za-z0-9_]{{82}}){_E}",
        _GH,
        0.9,
    ),
    _key("anthropic_key", rf"{_B}sk-ant-[A-Za-z0-9_-]{{32,}}", ("sk-ant-",), 0.9),
    _key("openai_key", rf"{_B}sk-(?!ant-)(?:proj-|svcacct-|admin-)?[A-Za-z0-9_-]{{32,}}", ("sk-",)),
    _key("stripe_key", rf"{_B}[sr]k_live_[A-Za-z0-9]{{24,}}{_E}", ("sk_live_", "rk_live_"), 0.9),
    _key("slack_token", rf"{_B}xox[abposr]-[A-Za-z0-9-]{{10,}}{_E}", ("xox",)),
    _key("google_api_key", rf"{_B}AIza[A-Za-z0-9_-]{{35}}(?![A-Za-z0-9_-])", ("AIza",)),
    _key("huggingface_token", rf"{_B}hf_[A-Za-z0-9]{{34,}}{_E}", ("hf_",)),
    Detector(
        "secret",
        "jwt",
        rf"{_B}eyJ[A-Za-z0-9_-]{{8,}}\.eyJ[A-Za-z0-9_-]{{8,}}\.[A-Za-z0-9_-]{{16,}}",
        0.8,
        validator=v.jwt_token,
        family="jwt",
        anchors=("eyJ",),
        reach=(0, 16384),
    ),
    Detector(
        "secret",
        "connection_string",
        r"(?<![A-Za-z+])(?:postgres(?:ql)?|mysql|mariadb|mongodb(?:\+srv)?|rediss?|amqps?"
        r"|mssql|sqlserver)://[^\s:@/]+:[^\s@/]+@[^\s/?#\"']+",
        0.8,
        validator=v.connection_password,
        family="connection",
        anchors=_SCHEMES,
        reach=(0, 512),
    ),
)

MARKINGS: Final = (
    _marking(
        "attorney_client",
        r"attorney[\s-]+client\s+privilege[d]?|privileged\s+(?:and|&)"
        r"\s+confidential|attorney\s+work\s+product",
        ("attorney", "privileged"),
    ),
    _marking(
        "cui",
        r"(?<![A-Za-z])CUI//[A-Z][A-Z/-]*|(?i:controlled\s+unclassified\s+information)",
        ("cui", "controlled"),
        ic=False,
    ),
    _marking(
        "export_control",
        r"international\s+traffic\s+in\s+arms\s+regulations|export\s+"
        r"administration\s+regulations|\bitar[\s-]+controlled\b|\bear99\b|\beccn\s*[0-9]"
        r"[a-e][0-9]{3}\b|subject\s+to\s+(?:the\s+)?(?:itar|ear)\b|export[\s-]+controlled",
        ("international", "export", "itar", "ear99", "eccn", "subject"),
    ),
    _marking(
        "mnpi",
        r"material(?:ly)?\s+non[\s-]?public\s+information|\bmnpi\b|inside\s+"
        r"information",
        ("material", "mnpi", "inside"),
    ),
    # A line that is only the banner: it starts before its anchor, so it has a family of its
    # own whose windows reach back to the line start.
    Detector(
        "marking",
        "cui",
        r"(?m:^[ \t]*CUI[ \t]*$)",
        0.9,
        family="cui-line",
        anchors=("CUI",),
        reach=(64, 96),
    ),
)

EMAIL: Final = Detector(
    "pii", "email",
    r"(?<![\w.%+-])[A-Za-z0-9][A-Za-z0-9._%+-]*@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}"
    r"(?![A-Za-z0-9-])", 0.8, validator=v.email_address, family="email", anchors=("@",),
    reach=(64, 255))  # fmt: skip

_DEA = ("dea", "prescriber", "registration")
_NPI = ("npi", "national provider", "provider id", "provider number")
_MRN = ("mrn", "medical record", "patient id", "chart number", "chart no")
_PHONE = ("phone", "call", "tel", "mobile", "cell", "text me", "whatsapp")
_DOB = ("dob", "d.o.b", "date of birth", "born", "birthday", "birth date")
_DL = (
    "driver's license",
    "drivers license",
    "driver license",
    "driving licence",
    "driver licence",
    "dl#",
    "dl no",
    "dl number",
    "licence number",
    "license number",
)
_ICD = ("icd", "icd-10", "diagnosis", "diagnosed", "dx", "diagnostic code", "condition code")
_PHONE_SHAPE = (
    r"(?<![\w+])(?:\+\d{1,3}[ .-]?)?(?:\(\d{3}\)[ .-]?|\d{3}[ .-])\d{3}[ .-]\d{4}(?!\d)"
    r"|(?<![\w+])\+\d{1,3}[ .-]?\d{1,4}(?:[ .-]?\d{2,4}){2,4}(?!\d)"
)

NUMBERS: Final = (
    _number("financial", "payment_card", rf"{_ND}(?:\d[ -]?){{12,18}}\d{_NE}", 0.6, v.payment_card),
    _number(
        "financial",
        "iban",
        rf"{_B}[A-Z]{{2}}\d{{2}}(?: ?[A-Z0-9]{{4}}){{2,7}}(?: ?[A-Z0-9]{{1,3}})?{_E}",
        0.6,
        v.iban_number,
    ),
    _number("financial", "isin", rf"{_B}[A-Z]{{2}}[A-Z0-9]{{9}}\d{_E}", 0.6, v.isin_code),
    _number(
        "pii",
        "ssn",
        rf"{_ND}(?:\d{{3}}-\d{{2}}-\d{{4}}|\d{{3}} \d{{2}} \d{{4}}){_NE}",
        0.6,
        v.us_ssn,
    ),
    _number("pii", "phone", _PHONE_SHAPE, 0.6, v.phone_number),
    _number("phi", "dea", rf"{_B}[A-Z][A-Z9]\d{{7}}{_E}", 0.2, v.dea_number, _DEA),
    _number("phi", "npi", rf"{_ND}[12]\d{{9}}{_NE}", 0.2, v.npi_number, _NPI),
    _number("pii", "ssn", rf"{_ND}\d{{9}}{_NE}", 0.2, v.us_ssn, ("ssn", "social security")),
    _number(
        "financial",
        "aba_routing",
        rf"{_ND}\d{{9}}{_NE}",
        0.2,
        v.aba_routing,
        ("routing", "aba", "rtn", "transit"),
    ),
    _number(
        "financial", "cusip", rf"{_B}\d{{3}}[0-9A-Z]{{5}}\d{_E}", 0.2, v.cusip_code, ("cusip",)
    ),
    _number("phi", "mrn", rf"{_B}[A-Z]{{0,3}}-?\d{{6,10}}{_E}", 0.2, v.has_digit, _MRN),
    _number("pii", "phone", rf"{_ND}1?\d{{10}}{_NE}", 0.2, v.phone_number, _PHONE),
    _number("pii", "date_of_birth", rf"{_B}{_DATE}{_E}", 0.1, v.birth_date, _DOB, ic=True),
    _number(
        "pii", "passport", rf"{_B}[A-Z0-9]{{1,2}}\d{{6,8}}{_E}", 0.1, v.has_digit, ("passport",)
    ),
    _number(
        "pii",
        "drivers_license",
        rf"{_B}(?:[A-Z]{{1,2}}\d{{5,13}}|\d{{7,12}}|[A-Z]\d{{3}}-\d{{4}}-\d{{4}}){_E}",
        0.1,
        v.has_digit,
        _DL,
    ),
    _number(
        "phi",
        "icd10",
        rf"{_B}[A-TV-Z]\d[0-9AB](?:\.[0-9A-TV-Z]{{1,4}})?{_E}",
        0.1,
        v.icd10_code,
        _ICD,
    ),
)

DETECTORS: Final = (*SECRETS, *MARKINGS, EMAIL, *NUMBERS)
