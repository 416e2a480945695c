"""The same host weighed by different threat profiles: weighted severities, reasons,
provisions, conflicts and verdicts, in the JSON report that follows the schema."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from examples.build_demo_host import build_onto

from localproof.cli import run_audit
from localproof.render.json_report import report_dict
from localproof.threat import load_catalog, resolve_profile
from tests.builders import HostBuilder
from tests.builders.ollama import write_repl_history

SCHEMA = json.loads((Path(__file__).parent.parent / "schemas/report-v1.schema.json").read_text())


def audit(root: Path, profile: str | None) -> dict[str, Any]:
    report = report_dict(run_audit(root, profile=resolve_profile(profile, load_catalog())))
    jsonschema.Draft202012Validator(SCHEMA).validate(report)
    return report


def by_check(report: dict[str, Any], check: str) -> dict[str, Any]:
    return next(f for f in report["findings"] if f["check"] == check and f["status"] == "fail")


@pytest.fixture
def demo(host: HostBuilder) -> Path:
    build_onto(host)
    return host.root


def test_routine_and_healthcare_weigh_the_same_host_differently(demo: Path) -> None:
    routine, clinic = audit(demo, "routine"), audit(demo, "healthcare")
    assert routine["verdict"]["local_ai"] == "irrelevant"
    assert clinic["verdict"]["local_ai"] == "essential"
    assert routine["profile"]["name"] == "routine"
    assert clinic["profile"]["data_classes"] == ["phi"]
    swap_routine = by_check(routine, "swap.encrypted-or-absent")
    swap_clinic = by_check(clinic, "swap.encrypted-or-absent")
    assert swap_routine["default_severity"] == swap_clinic["default_severity"] == "medium"
    assert swap_routine["severity"] == "medium"
    assert swap_clinic["severity"] == "critical"
    assert swap_clinic["severity_reason"].startswith("raised from medium to critical")
    assert "healthcare" in swap_clinic["severity_reason"]
    update = by_check(routine, "update-check.automatic-off")
    assert update["severity"] == "info"
    assert update["severity_reason"].startswith("lowered from low to info")
    differing = [
        f["check"]
        for f, g in zip(routine["findings"], clinic["findings"], strict=False)
        if f["id"] == g["id"] and f["severity"] != g["severity"]
    ]
    assert differing or _severities(routine) != _severities(clinic)


def _severities(report: dict[str, Any]) -> dict[str, str]:
    return {f["id"]: f["severity"] for f in report["findings"]}


def test_frameworks_name_the_profiles_regimes_as_relevant_provisions(demo: Path) -> None:
    clinic = audit(demo, "healthcare")
    encryption = by_check(clinic, "encryption.store-at-rest")
    assert "HIPAA 45 CFR 164.312(a)(2)(iv)" in encryption["frameworks"]
    assert all(p["relation"] == "relevant to" for p in encryption["provisions"])
    assert {p["confidence"] for p in encryption["provisions"]} <= {"C", "S", "U"}
    text = json.dumps(clinic).lower()
    assert "compliant" not in text.replace("non-compliance", "")
    passing = [f for f in clinic["findings"] if f["status"] == "pass"]
    assert all(f["frameworks"] for f in passing)  # evidence for the same provisions
    skipped = [f for f in clinic["findings"] if f["status"] == "not_applicable"]
    assert all(f["frameworks"] == [] for f in skipped)
    government = audit(demo, "government")
    frameworks = by_check(government, "encryption.store-at-rest")["frameworks"]
    assert "NIST SP 800-171r2 3.13.16" in frameworks
    assert "NIST SP 800-171r3 03.13.08" in frameworks


def test_conflicts_are_surfaced_and_retention_is_not_pushed_where_records_are_kept(
    demo: Path,
) -> None:
    finance = audit(demo, "finance")
    ids = {c["id"] for c in finance["verdict"]["conflicts"]}
    assert {"deletion-vs-retention", "monitoring-is-a-duty", "backups-required"} <= ids
    assert any(
        line.startswith("Conflict: Employer monitoring") for line in finance["verdict"]["reasoning"]
    )
    clinic = audit(demo, "healthcare")
    assert "backups-required" in {c["id"] for c in clinic["verdict"]["conflicts"]}
    assert audit(demo, "routine")["verdict"]["conflicts"] == []


def test_default_profile_keeps_default_severities(demo: Path) -> None:
    report = audit(demo, None)
    assert report["profile"]["name"] == "general"
    assert report["profile"]["weighted"] is False
    assert report["verdict"]["local_ai"] == "useful"
    assert all(f["severity"] == f["default_severity"] for f in report["findings"])
    assert "threat init" in report["verdict"]["reasoning"][0]


def privileged_host(host: HostBuilder) -> Path:
    """A user declared as routine whose Ollama history holds privileged material."""
    host.user("alice", 1000)
    write_repl_history(
        host.path("/home/alice/.ollama/history"),
        ["summarise this memo: PRIVILEGED & CONFIDENTIAL attorney work product", "thanks"],
    )
    host.ensure_net_tables()
    return host.root


def test_content_beyond_the_declared_profile_makes_the_assessment_stricter(
    host: HostBuilder,
) -> None:
    root = privileged_host(host)
    report = audit(root, "routine")
    content = [f for f in report["findings"] if f["check"] == "content.sensitive-data"]
    assert [f["status"] for f in content] == ["fail"]
    assert report["profile"]["beyond_profile"] == ["privileged-legal"]
    assert report["verdict"]["beyond_profile"] == ["privileged-legal"]
    assert report["verdict"]["local_ai"] == "essential"
    assert report["verdict"]["reasoning"][0].startswith("BEYOND THE DECLARED PROFILE")
    assert "legal" in report["verdict"]["reasoning"][0]
