"""Telemetry: usage data the tools send out on their own."""

from __future__ import annotations

from collections.abc import Iterator

from localproof.checks.base import Check, Context, check
from localproof.checks.knobs import knob_findings
from localproof.model import Category, Finding, Severity


@check(
    id="telemetry.usage-data-off",
    category=Category.TELEMETRY,
    title="Local AI tools send no usage telemetry",
    severity=Severity.MEDIUM,
    control="NET-03",
    threats=("vendor-telemetry",),
    remediation="Turn the tool's telemetry off with the setting named in the evidence.",
)
def usage_data_off(self: Check, context: Context) -> Iterator[Finding]:
    """ "Local" is not "offline": several tools report usage to their vendor by default
    (vLLM usage statistics, AnythingLLM's PostHog events, GPT4All's opt-in analytics).
    What is sent is usually metadata — hardware, model names, counts — but it tells a
    third party that and how this machine runs AI, and it is a connection a regulated
    setup has to account for."""
    yield from knob_findings(self, context, ("telemetry",))


CHECKS = (usage_data_off,)
