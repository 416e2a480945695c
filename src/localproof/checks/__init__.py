"""The check registry: modules are listed explicitly, IDs are unique, and a check that
crashes becomes an `unknown` finding carrying the error, never silence."""

from __future__ import annotations

from collections.abc import Iterable
from types import ModuleType

from localproof.checks import (
    auth,
    backup,
    cloud,
    content,
    coredump,
    encryption,
    exposure,
    history,
    permissions,
    retention,
    screenlock,
    sharedhost,
    storeaudit,
    swap,
    sync,
    telemetry,
    tracing,
    updates,
    witness,
)
from localproof.checks.base import Check, Context
from localproof.model import Finding, Status

CHECK_MODULES: tuple[ModuleType, ...] = (
    exposure,
    auth,
    permissions,
    telemetry,
    updates,
    cloud,
    encryption,
    swap,
    coredump,
    sharedhost,
    screenlock,
    storeaudit,
    backup,
    sync,
    history,
    retention,
    content,
    witness,
    tracing,
)


def registry(modules: Iterable[ModuleType] = CHECK_MODULES) -> tuple[Check, ...]:
    checks: dict[str, Check] = {}
    for module in modules:
        for item in module.CHECKS:
            if item.meta.id in checks:
                raise ValueError(f"duplicate check id {item.meta.id}")
            checks[item.meta.id] = item
    return tuple(checks[key] for key in sorted(checks))


def run_checks(context: Context, checks: Iterable[Check] | None = None) -> tuple[Finding, ...]:
    findings: list[Finding] = []
    for item in registry() if checks is None else checks:
        try:
            findings.extend(item.run(context))
        except Exception as error:  # noqa: BLE001 - a broken check must still be reported
            findings.append(
                Finding(
                    item.meta,
                    None,
                    "check",
                    Status.UNKNOWN,
                    reason=f"the check failed with {type(error).__name__}; please report it",
                )
            )
    return tuple(findings)
