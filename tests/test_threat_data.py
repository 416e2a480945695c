"""The threat-model data: every ID a check uses exists, every provision has a citation and
a confidence mark and maps to known controls, and the loaders reject what is wrong."""

from __future__ import annotations

import pytest

from localproof.checks import registry
from localproof.model import Category, CheckMeta, Evidence, Finding, Severity, Status
from localproof.threat import ThreatModelError, Weight, load_catalog
from localproof.threat.load import build_catalog, package_text
from localproof.threat.weigh import content_classes

BRIEF_THREATS = (
    "provider-breach",
    "provider-training",
    "legal-discovery",
    "regulatory",
    "shared-host",
    "physical-theft",
    "backup-sync-leak",
    "network-reach",
    "employer-monitoring",
    "vendor-telemetry",
)
BRIEF_CLASSES = (
    "phi",
    "privileged-legal",
    "mnpi",
    "cui-export-controlled",
    "trade-secrets",
    "personal-intimate",
    "credentials",
    "routine",
)
PRESETS = ("personal", "routine", "healthcare", "legal", "finance", "government")
FRAMEWORKS = ("hipaa", "gdpr", "nist-800-53", "nist-800-171", "soc2", "itar", "aba", "sec-finra")


def test_every_check_declares_a_known_control_and_known_threats() -> None:
    catalog = load_catalog()
    for item in registry():
        meta = item.meta
        assert meta.control in catalog.controls, f"{meta.id}: unknown control {meta.control}"
        control = catalog.controls[meta.control]
        for threat in meta.threats:
            assert threat in catalog.threats, f"{meta.id}: unknown threat {threat}"
            assert threat in control.threats, f"{meta.id}: {threat} not listed on {control.id}"


def test_the_threat_vocabulary_is_all_there() -> None:
    catalog = load_catalog()
    for name in BRIEF_THREATS:
        assert catalog.resolve_threat(name), name
    assert set(BRIEF_CLASSES) <= set(catalog.data_classes)
    assert set(PRESETS) == set(catalog.presets)
    assert set(FRAMEWORKS) <= set(catalog.frameworks)


def test_every_provision_has_a_citation_a_mark_and_known_controls() -> None:
    catalog = load_catalog()
    assert len(catalog.provisions) > 100
    for provision in catalog.provisions:
        assert provision.citation.strip()
        assert provision.confidence in ("C", "S", "U")
        assert provision.controls
        assert set(provision.controls) <= set(catalog.controls)
    covered = {p.framework for p in catalog.provisions}
    assert set(FRAMEWORKS) <= covered
    citations = [p.citation for p in catalog.provisions]
    assert any(c.startswith("NIST SP 800-171r2 ") for c in citations)
    assert any(c.startswith("NIST SP 800-171r3 ") for c in citations)
    assert "ABA Model Rule 1.6(c)" in citations
    assert "ABA Formal Op. 512" in citations


def test_every_control_a_check_verifies_is_relevant_to_some_provision() -> None:
    catalog = load_catalog()
    mapped = {c for p in catalog.provisions for c in p.controls}
    assert {item.meta.control for item in registry()} <= mapped


def test_presets_weigh_every_threat_and_regulated_ones_are_stricter() -> None:
    catalog = load_catalog()
    for preset in catalog.presets.values():
        assert set(preset.threats) == set(catalog.threats)
    routine, clinic = catalog.presets["routine"], catalog.presets["healthcare"]
    assert routine.weight("backup-copy") is Weight.LOW
    assert clinic.weight("backup-copy") is Weight.CRITICAL
    assert clinic.weight("employer-monitoring") is Weight.DUTY


def _reader(replace: dict[str, tuple[str, str]]):
    def read(name: str) -> str:
        text = package_text(name)
        if name in replace:
            old, new = replace[name]
            assert old in text
            text = text.replace(old, new, 1)
        return text

    return read


@pytest.mark.parametrize(
    ("name", "old", "new", "message"),
    [
        ("frameworks.toml", '"ENC-01"', '"ENC-99"', "unknown control"),
        ("frameworks.toml", 'controls = ["AUD-01"]', "controls = []", "mapped to no control"),
        ("frameworks.toml", 'confidence = "C"', 'confidence = "maybe"', "confidence"),
        ("frameworks.toml", 'confidence = "C"\n', 'confidence = "C"\nseverity = "x"\n', "unknown"),
        ("controls.toml", '"network-reach"', '"martians"', "unknown threat"),
        ("presets.toml", 'provider-breach = "high"', 'provider-breach = "huge"', "huge"),
        ("presets.toml", 'provider-breach = "high"\n', "", "no weight for provider-breach"),
        ("threats.toml", 'local_ai = "yes"', 'local_ai = "maybe"', "maybe"),
        ("conflicts.toml", '"FRCP 37(e)"', '"FRCP 99"', "unknown reference"),
        ("data_classes.toml", 'stricter_preset = "legal"', 'stricter_preset = "x"', "preset"),
    ],
)
def test_loader_rejects_bad_data(name: str, old: str, new: str, message: str) -> None:
    with pytest.raises(ThreatModelError, match=message):
        build_catalog(_reader({name: (old, new)}))


def test_the_shipped_data_builds_unchanged() -> None:
    assert build_catalog(package_text) == load_catalog()


def _content(detail: str) -> Finding:
    meta = CheckMeta(
        "content.sensitive-data", Category.CONTENT, "t", Severity.MEDIUM, "DATA-01", (), "", ""
    )
    return Finding(meta, "open-webui", "/x/webui.db", Status.FAIL, (Evidence("/x", detail),))


@pytest.mark.parametrize(
    ("detail", "classes"),
    [
        ("sqlite store holds phi: mrn 3, npi 1; pii: email 2", {"phi"}),
        ("sqlite store holds marking: cui 2", {"cui-export-controlled"}),
        ("sqlite store holds marking: attorney_client 1", {"privileged-legal"}),
        ("sqlite store holds pii: email 4, phone 2", set()),
        (
            "sqlite store holds pii: ssn 1; secret: openai_key 1",
            {"personal-intimate", "credentials"},
        ),
        ("phi/mrn: 3 values", {"phi"}),
    ],
)
def test_content_findings_reveal_data_classes(detail: str, classes: set[str]) -> None:
    assert set(content_classes([_content(detail)], load_catalog())) == classes
