"""Content: what sensitive data the tools' stores actually hold (counts, never values)."""

from __future__ import annotations

from collections.abc import Iterator

from localproof.checks.base import Check, Context, check
from localproof.facts.content import ContentCount
from localproof.model import Category, Evidence, Finding, Severity

SERIOUS = ("phi", "secret", "financial", "marking")
CONTENT_FIX = (
    "Decide whether this data may be kept here. If not, delete the conversations that hold "
    "it (`localproof scan {path}` lists where, by conversation and message); if so, make "
    "sure the controls your profile requires for it pass on this host."
)


def _summary(count: ContentCount) -> str:
    parts = []
    for category in sorted(count.counts):
        types = ", ".join(f"{kind} {n}" for kind, n in sorted(count.counts[category].items()))
        parts.append(f"{category}: {types}")
    return "; ".join(parts)


def _finding(self: Check, count: ContentCount) -> Finding:
    if count.error:
        return self.unknown(count.tool, count.path, f"could not be read: {count.error}")
    if not count.total:
        return self.passed(count.tool, count.path, Evidence(count.path, "nothing sensitive found"))
    serious = any(category in SERIOUS for category in count.counts)
    return self.failed(
        count.tool,
        count.path,
        Evidence(count.path, f"{count.format} store holds {_summary(count)}"),
        severity=Severity.HIGH if serious else Severity.MEDIUM,
        remediation=CONTENT_FIX.format(path=count.path),
    )


@check(
    id="content.sensitive-data",
    category=Category.CONTENT,
    title="Conversation stores hold no sensitive data beyond what the setup protects",
    severity=Severity.MEDIUM,
    control="DATA-01",
    threats=("provider-breach", "shared-host", "device-theft", "legal-discovery"),
    remediation="Delete what should not be kept, or protect it as its class requires.",
)
def sensitive_data(self: Check, context: Context) -> Iterator[Finding]:
    """What people type into a local model is rarely what they think: a "routine" chat
    history holds a patient's record number, a client's card, an API key pasted for
    debugging. The census counts such data by category and type — SSNs, medical record
    numbers, card numbers, keys, privilege and CUI markings — so the threat model can be
    judged on the data actually present. Values are never shown."""
    for count in context.facts.content:
        yield _finding(self, count)


CHECKS = (sensitive_data,)
