"""End-to-end scenarios: tests/scenarios/<name>/build.py builds a root, expected.toml
lists, per check it names, the exact set of (tool, resource, status) the audit must give.

A meta-test requires the scenarios together to show every registered check passing,
failing and unknown."""

from __future__ import annotations

import importlib.util
import tomllib
from pathlib import Path

import pytest

from localproof.checks import registry
from tests.builders import HostBuilder
from tests.conftest import audit_report

SCENARIOS = Path(__file__).parent / "scenarios"
NAMES = sorted(p.name for p in SCENARIOS.iterdir() if (p / "expected.toml").is_file())

Row = tuple[str, str, str, str]  # check, tool, resource, status


def expected_rows(name: str) -> set[Row]:
    data = tomllib.loads((SCENARIOS / name / "expected.toml").read_text())
    return {(f["check"], f["tool"], f["resource"], f["status"]) for f in data["finding"]}


@pytest.mark.parametrize("name", NAMES)
def test_scenario(name: str, host: HostBuilder) -> None:
    spec = importlib.util.spec_from_file_location(f"scenario_{name}", SCENARIOS / name / "build.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    module.build(host)
    expected = expected_rows(name)
    checks = {row[0] for row in expected}
    evidence = sorted((SCENARIOS / name / "evidence").glob("*.json"))
    report = audit_report(host.root, evidence)
    actual = {
        (f["check"], f["tool"] or "", f["resource"], f["status"])
        for f in report["findings"]
        if f["check"] in checks
    }
    assert actual == expected


def test_every_check_is_seen_passing_failing_and_unknown() -> None:
    seen: dict[str, set[str]] = {}
    for name in NAMES:
        for check, _, _, status in expected_rows(name):
            seen.setdefault(check, set()).add(status)
    for item in registry():
        statuses = seen.get(item.meta.id, set())
        missing = {"pass", "fail", "unknown"} - statuses
        assert not missing, f"{item.meta.id}: no scenario shows it {', '.join(sorted(missing))}"
