"""Per-type detector cases: positives, near misses (wrong shape or context) and decoys
(right shape, failing validation). The expected result sits next to each input."""

from __future__ import annotations

import pytest

from localproof.scan.detector_data import DETECTORS
from localproof.scan.detectors import DetectorSet
from localproof.scan.engine import default_detectors

GH = "ghp_" + "aB3dE5fG7hI9jK1lM3nO5pQ7rS9tU1vW3xY5"
JWT = (
    "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0."
    "dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U"
)

POSITIVES = [
    ("pii", "ssn", "my SSN is 536-22-1234 thanks"),
    ("pii", "ssn", "social security number 536221234"),
    ("pii", "email", "write to jane.doe@protonmail.ch today"),
    ("pii", "phone", "call me at (415) 555-2671"),
    ("pii", "phone", "office +44 20 7946 0958"),
    ("pii", "phone", "my cell is 4155552671"),
    ("pii", "date_of_birth", "DOB: 03/14/1985"),
    ("pii", "date_of_birth", "she was born March 3, 1971"),
    ("pii", "passport", "passport number X12345678"),
    ("pii", "drivers_license", "driver's license D1234567"),
    ("phi", "mrn", "patient MRN: 00123456"),
    ("phi", "npi", "Dr. Lee, NPI 1245319599"),
    ("phi", "dea", "prescriber DEA AB1234563"),
    ("phi", "icd10", "Diagnosis: E11.9 type 2 diabetes"),
    ("financial", "payment_card", "card 4012 8888 8888 1881 exp 12/29"),
    ("financial", "payment_card", "amex 378282246310005"),
    ("financial", "iban", "IBAN DE89370400440532013000"),
    ("financial", "iban", "pay to GB82 WEST 1234 5698 7654 32"),
    ("financial", "aba_routing", "routing number 021000021"),
    ("financial", "isin", "bought US0378331005 today"),
    ("financial", "cusip", "CUSIP 037833100"),
    ("secret", "aws_access_key", "key AKIAZ7Q3MPL2VX9KRT4W"),
    ("secret", "github_token", f"token {GH}"),
    ("secret", "openai_key", "OPENAI_API_KEY=sk-proj-9fK2mQ7xL4pR8tV1wY3zB6nC0dH5jG"),
    ("secret", "anthropic_key", "sk-ant-api03-Zq8Wd1Kp5Lm9Nx3Rb7Tc2Vf6Hj0Ys4Ge8Ua1Io5"),
    ("secret", "slack_token", "xoxb-2648203915-9Kq3Lm8Np2Rx7Tw"),
    ("secret", "google_api_key", "AIzaSyD3kF8mQ2xL7pR4tV9wY1zB6nC0dH5jG2a"),
    ("secret", "stripe_key", "sk_live_4eC39HqLyjWDarjtT1zdp7dc9Q"),
    ("secret", "huggingface_token", "hf_kQ7mX2pL9rT4vW8yZ3bN6cD1fG5hJ0sA2eR"),
    ("secret", "private_key", "-----BEGIN OPENSSH PRIVATE KEY-----\nb3Blbn..."),
    ("secret", "private_key", "-----BEGIN RSA PRIVATE KEY-----"),
    ("secret", "jwt", f"Authorization: Bearer {JWT}"),
    ("secret", "connection_string", "DATABASE_URL=postgres://app:Tr0ub4dor3x@db.internal:5432/app"),
    ("marking", "attorney_client", "PRIVILEGED & CONFIDENTIAL - ATTORNEY-CLIENT COMMUNICATION"),
    ("marking", "attorney_client", "This memo is attorney-client privileged."),
    ("marking", "cui", "CUI//SP-PRVCY"),
    ("marking", "cui", "Contains Controlled Unclassified Information"),
    ("marking", "export_control", "This data is subject to the ITAR (22 CFR 120-130)."),
    ("marking", "export_control", "Classified EAR99 for shipping"),
    ("marking", "mnpi", "Note: material non-public information, do not trade"),
    ("marking", "mnpi", "that is materially nonpublic information"),
    ("marking", "mnpi", "trading on inside information"),
    ("marking", "cui", "Header\n   CUI  \nbody of the memo"),
    ("marking", "export_control", "governed by the International Traffic in Arms Regulations"),
    ("marking", "export_control", "The drawings are export-controlled."),
    ("marking", "attorney_client", "ATTORNEY WORK PRODUCT"),
]

NEGATIVES = [
    ("invalid SSN area 000", "SSN 000-12-3456"),
    ("invalid SSN area 666", "SSN 666-12-3456"),
    ("invalid SSN area 9xx", "SSN 912-12-3456"),
    ("SSN group 00", "SSN 536-00-1234"),
    ("bare nine digits, no context", "order 536221234 shipped"),
    ("Luhn-failing 16 digits", "card 4012 8888 8888 1882"),
    ("order number", "order #1234567890123456 confirmed"),
    ("unknown card prefix", "ref 9012888888881881"),
    ("IBAN bad check digits", "IBAN DE88370400440532013000"),
    ("routing checksum fails", "routing number 021000022"),
    ("routing without context", "value 021000021"),
    ("NPI check digit fails", "NPI 1245319598"),
    ("DEA checksum fails", "DEA AB1234564"),
    ("DEA without context", "code AB1234563"),
    ("ISIN check digit fails", "bought US0378331006 today"),
    ("example e-mail domain", "mail john@example.com"),
    ("not an e-mail", "user at gmail dot com"),
    ("invalid phone", "call (123) 456-7890"),
    ("plain date, no birth context", "meeting on 03/14/1985"),
    ("passport digits, no context", "invoice X12345678"),
    ("ICD shape, no clinical context", "vitamin B12 and E11.9"),
    ("MRN digits, no context", "ticket 00123456"),
    ("AWS documentation example key", "AKIAIOSFODNN7EXAMPLE"),
    ("placeholder OpenAI key", "sk-xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"),
    ("placeholder GitHub token", "ghp_" + "X" * 36),
    ("OpenAI prefix too short", "sk-abc123"),
    ("JWT with an undecodable header", "eyJzzzzzzzzzzzz.eyJzzzzzzzzzzzz.zzzzzzzzzzzzzzzzzzzz"),
    ("connection string with placeholder password", "postgres://user:password@localhost/db"),
    ("connection string with template password", "mysql://root:${DB_PASS}@db/app"),
    ("the word privilege alone", "it is a privilege to help"),
    ("lower-case cui in a word", "the cuisine was great"),
    ("ear as a word", "my ear hurts"),
    ("CUI inside a sentence", "the banner says CUI here"),
    ("public information", "this is public information"),
    ("ASCII digits only", "SSN \u0665\u0663\u0666-\u0662\u0662-\u0661\u0662\u0663\u0664"),
]

ENGINES = ["hyperscan", "re"]


SETS = {engine: DetectorSet(DETECTORS, engine=engine) for engine in ENGINES}


def found(text: str, engine: str = "re") -> list[tuple[str, str]]:
    return [(h.detector.category, h.detector.type) for h in SETS[engine].find(text)]


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize(("category", "type_name", "text"), POSITIVES)
def test_positive(category: str, type_name: str, text: str, engine: str) -> None:
    assert found(text, engine) == [(category, type_name)]


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize(("why", "text"), NEGATIVES)
def test_negative(why: str, text: str, engine: str) -> None:
    assert found(text, engine) == [], why


def test_the_default_set_uses_hyperscan() -> None:
    # The project installs it on every machine it has wheels for; the fallback is for others.
    assert default_detectors().engine == "hyperscan"


def test_every_type_has_a_positive_case() -> None:
    covered = {(c, t) for c, t, _ in POSITIVES}
    assert set(default_detectors().types) <= covered


def test_categories_are_exactly_the_contract() -> None:
    assert {d.category for d in DETECTORS} == {"pii", "phi", "financial", "secret", "marking"}


def test_several_values_in_one_text_are_all_counted() -> None:
    text = "SSN 536-22-1234, card 4012888888881881, mail a.b@protonmail.ch, SSN 536-22-1235"
    assert found(text) == [
        ("pii", "ssn"),
        ("financial", "payment_card"),
        ("pii", "email"),
        ("pii", "ssn"),
    ]


def test_overlapping_shapes_fall_back_to_the_next_detector() -> None:
    # Nine digits: not an SSN without its context, but a routing number with its own.
    assert found("ABA routing 021000021") == [("financial", "aba_routing")]


def test_hits_carry_positions_not_values() -> None:
    hit = next(DetectorSet(DETECTORS).find("x 536-22-1234 y"))
    assert (hit.start, hit.end) == (2, 13)
    assert not hasattr(hit, "value")
