"""The check registry: explicit modules, unique IDs, crashes become `unknown`."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from types import SimpleNamespace

import pytest

import localproof.checks
from localproof.checks import CHECK_MODULES, registry, run_checks
from localproof.checks.base import Check, Context, check
from localproof.model import Category, Finding, Severity, Status


def _declare(check_id: str = "exposure.test-check") -> Check:
    @check(
        id=check_id,
        category=Category.EXPOSURE,
        title="Test services stay quiet",
        severity=Severity.LOW,
        control="NET-01",
        threats=("network-reach",),
        remediation="Nothing.",
    )
    def broken(self: Check, context: Context) -> Iterator[Finding]:
        """Always crashes."""
        yield self.passed(None, "first")
        raise RuntimeError("secret-value-must-not-leak")

    return broken


def test_every_registered_check_follows_the_id_and_title_rules() -> None:
    checks = registry()
    assert checks, "no checks registered"
    for item in checks:
        assert item.meta.id.startswith(item.meta.category.value + ".")
        assert len(item.meta.title) <= 80
        assert not item.meta.title.lower().startswith("ensure")
        assert item.meta.rationale, f"{item.meta.id} needs a docstring rationale"


def test_duplicate_ids_are_rejected() -> None:
    module = SimpleNamespace(CHECKS=(_declare(), _declare()))
    with pytest.raises(ValueError, match="duplicate"):
        registry([module])  # type: ignore[list-item]


def test_a_crashing_check_becomes_unknown_without_its_message() -> None:
    context = Context(facts=None, tools={}, instances=())  # type: ignore[arg-type]
    findings = run_checks(context, [_declare()])
    statuses = [f.status for f in findings]
    assert Status.UNKNOWN in statuses
    crash = next(f for f in findings if f.status is Status.UNKNOWN)
    assert "RuntimeError" in crash.reason
    assert "secret-value" not in crash.reason


@pytest.mark.parametrize(
    ("check_id", "title"),
    [
        ("Exposure.bad", "A fine title"),
        ("auth.wrong-category", "A fine title"),
        ("exposure.ok", "Ensure things are fine"),
        ("exposure.ok", "x" * 81),
    ],
)
def test_bad_declarations_are_rejected(check_id: str, title: str) -> None:
    with pytest.raises(ValueError, match="check"):
        check(
            id=check_id,
            category=Category.EXPOSURE,
            title=title,
            severity=Severity.LOW,
            control="NET-01",
            threats=(),
            remediation="",
        )


def test_every_check_module_is_listed_explicitly() -> None:
    folder = Path(localproof.checks.__file__).parent
    helpers = {
        "__init__",
        "base",
        "netaddr",
        "knobs",
        "listenconfig",
        "providers",
        "savedserver",
        "savedsecrets",
    }
    on_disk = {p.stem for p in folder.glob("*.py")} - helpers
    listed = {module.__name__.rsplit(".", 1)[-1] for module in CHECK_MODULES}
    assert listed == on_disk
