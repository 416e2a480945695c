"""Shared fixtures: a fresh fake root per test and an in-process audit of it."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import pytest

from localproof.cli import run_audit
from localproof.render.json_report import report_dict
from tests.builders import HostBuilder, remove_tree


@pytest.fixture
def host(tmp_path: Path) -> Iterator[HostBuilder]:
    builder = HostBuilder(tmp_path / "root")
    yield builder
    remove_tree(builder.root)  # /proc entries are made read-only like the real ones


def audit_report(root: Path, evidence: Sequence[Path] = ()) -> dict[str, Any]:
    return report_dict(run_audit(root, evidence=evidence))


def findings_of(report: dict[str, Any], check: str) -> list[dict[str, Any]]:
    return [f for f in report["findings"] if f["check"] == check]


def statuses(report: dict[str, Any], check: str) -> set[tuple[str | None, str, str]]:
    """(tool, resource, status) of every finding of one check: the exact set to compare."""
    return {(f["tool"], f["resource"], f["status"]) for f in findings_of(report, check)}
