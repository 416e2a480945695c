"""Update checks: tools that contact their vendor to look for new versions."""

from __future__ import annotations

from collections.abc import Iterator

from localproof.checks.base import Check, Context, check
from localproof.checks.knobs import knob_findings
from localproof.model import Category, Finding, Severity


@check(
    id="update-check.automatic-off",
    category=Category.UPDATE_CHECK,
    title="Local AI tools do not check for updates on their own",
    severity=Severity.LOW,
    control="NET-04",
    threats=("vendor-telemetry",),
    remediation="Turn the automatic update check off and update on a schedule you choose.",
)
def automatic_off(self: Check, context: Context) -> Iterator[Finding]:
    """An update check is a regular request to the vendor that reveals the tool, its
    version and when the machine is on. It carries no prompts, but an offline or
    audited setup should make these calls deliberately, not in the background."""
    yield from knob_findings(self, context, ("update-check",))


CHECKS = (automatic_off,)
