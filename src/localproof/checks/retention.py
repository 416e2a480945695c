"""Retention: how many conversations each tool keeps, and for how long."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

from localproof.checks.base import Check, Context, check
from localproof.facts.residue import ConversationAge
from localproof.model import Category, Evidence, Finding, Severity

RETENTION_THRESHOLD_DAYS = 365
SECONDS_PER_DAY = 86_400
REGULATION_NOTE = (
    " Check first whether you must keep them: HIPAA keeps required documentation for six "
    "years, broker-dealer communications fall under SEC rule 17a-4, and a litigation hold "
    "forbids deleting. Records you must keep belong in an encrypted, access-controlled "
    "archive, not in the chat tool."
)
TOOL_FIXES = {
    "open-webui": "In Open WebUI, delete or export old chats (Settings > Chats) or remove "
    "them through the admin panel.",
    "ollama": "Delete ~/.ollama/history or its old lines; Ollama keeps its last 100 inputs.",
}


@check(
    id="retention.old-conversations",
    category=Category.RETENTION,
    title=f"No stored conversation is older than {RETENTION_THRESHOLD_DAYS} days",
    severity=Severity.LOW,
    control="RET-01",
    threats=("prompt-residue", "legal-discovery"),
    remediation="Delete conversations you no longer need, or archive them encrypted.",
)
def old_conversations(self: Check, context: Context) -> Iterator[Finding]:
    """Local tools keep every conversation forever unless someone deletes them. Old chats
    are what a thief, a co-admin or a discovery request finds; data protection law (GDPR
    storage limitation) expects personal data to be kept no longer than needed. This is
    informational: whether a year is too long depends on what you process, and some
    regimes require keeping records instead."""
    collected_at = context.facts.residue.collected_at
    discovered = {store.file.path for i in context.instances for store in i.stores}
    for age in context.facts.residue.conversations:
        if age.path in discovered:
            yield _finding(self, age, collected_at)


def _finding(self: Check, age: ConversationAge, now: float) -> Finding:
    if age.error:
        return self.unknown(age.tool, age.path, f"cannot read conversation metadata: {age.error}")
    if age.count == 0:
        return self.passed(age.tool, age.path, Evidence(age.path, "no conversations stored"))
    reference = age.oldest if age.oldest is not None else age.newest
    if reference is None:
        return self.unknown(age.tool, age.path, "the store's conversations are not dated")
    days = int((now - reference) // SECONDS_PER_DAY)
    evidence = Evidence(age.path, _describe(age, now))
    if days > RETENTION_THRESHOLD_DAYS:
        fix = TOOL_FIXES.get(age.tool, f"Delete conversations you no longer need from {age.path}.")
        return self.failed(age.tool, age.path, evidence, remediation=fix + REGULATION_NOTE)
    if age.oldest is None and age.count is None:
        reason = f"conversations are not dated; the store was last written {days} days ago"
        return self.unknown(age.tool, age.path, reason, evidence)
    return self.passed(age.tool, age.path, evidence)


def _describe(age: ConversationAge, now: float) -> str:
    noun = "entries" if age.oldest is None else "conversation(s)"
    parts = [f"{age.count} {noun}" if age.count is not None else "count unknown"]
    if age.oldest is not None:
        parts.append(
            f"oldest {_day(age.oldest)} ({int((now - age.oldest) // SECONDS_PER_DAY)} days)"
        )
    if age.newest is not None:
        parts.append(f"newest {_day(age.newest)}")
    if age.oldest is None:
        parts.append("entries undated")
    return ", ".join(parts) + f"; from {age.basis}"


def _day(timestamp: float) -> str:
    return datetime.fromtimestamp(timestamp, UTC).date().isoformat()


CHECKS = (old_conversations,)
