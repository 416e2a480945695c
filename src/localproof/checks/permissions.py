"""Permissions: who else on this host can read stored conversations."""

from __future__ import annotations

import stat
from collections.abc import Iterator

from localproof.checks.base import Check, Context, check, link_evidence
from localproof.checks.savedsecrets import secret_file_findings
from localproof.facts import FileKind, StoreFile
from localproof.model import Category, Evidence, Finding, Severity

PRIVATE_FIX = "Run `chmod {mode:o} '{path}'` so that only its owner can read it."
DOCKER_NOTE = (
    " It lives in a Docker volume: anyone in the `docker` group can read it regardless of "
    "mode, and membership of that group is equivalent to root."
)


@check(
    id="permissions.store-private",
    category=Category.PERMISSIONS,
    title="Conversation stores are readable only by their owner",
    severity=Severity.MEDIUM,
    control="ACC-01",
    threats=("shared-host",),
    remediation="Remove group and other permissions from conversation stores.",
)
def store_private(self: Check, context: Context) -> Iterator[Finding]:
    """Chat databases, prompt histories and uploads hold what people told the model. If
    the file's group or other users can read it, every account on the machine (and every
    service running as one) can read those conversations."""
    for problem in context.facts.problems_for("/etc/passwd"):
        yield self.unknown(None, problem.source, f"home folders unknown: {problem.reason}")
    for instance in context.instances:
        for store in instance.stores:
            if store.kind in ("conversations", "history", "uploads", "vectors"):
                yield _store_finding(self, store)


def _store_finding(self: Check, store: StoreFile) -> Finding:
    fact = store.file
    if fact.kind is FileKind.ERROR:
        return self.unknown(store.tool, fact.path, f"cannot inspect: {fact.error}")
    mode = fact.permission_bits
    evidence = Evidence(
        fact.path, f"{store.kind} store ({store.format}), mode {mode:04o}, uid {fact.uid}"
    )
    readable_by_others = mode & stat.S_IROTH
    readable_by_group = mode & stat.S_IRGRP
    if not (readable_by_others or readable_by_group):
        return self.passed(store.tool, fact.path, evidence, *link_evidence(fact))
    private = 0o700 if fact.kind is FileKind.DIRECTORY else 0o600
    fix = PRIVATE_FIX.format(mode=private, path=fact.path)
    if store.owner.startswith("container:"):
        fix += DOCKER_NOTE
    severity = Severity.HIGH if readable_by_others else Severity.MEDIUM
    who = "every user on the host" if readable_by_others else "members of its group"
    return self.failed(
        store.tool,
        fact.path,
        evidence,
        *link_evidence(fact),
        Evidence("access", f"readable by {who}"),
        severity=severity,
        remediation=fix,
    )


@check(
    id="permissions.secret-private",
    category=Category.PERMISSIONS,
    title="Key and secret files are readable only by their owner",
    severity=Severity.HIGH,
    control="ACC-03",
    threats=("shared-host", "impersonation"),
    remediation="Remove group and other permissions from key and secret files.",
)
def secret_private(self: Check, context: Context) -> Iterator[Finding]:
    """Private keys and secret files identify this host or its user to a service (Ollama's
    `id_ed25519` signs requests to ollama.com as this machine). Anyone who can read one can
    impersonate the host: push or pull private models, or reach cloud features in its
    name. Settings files that hold API keys or passwords in plain text (Jan's
    `settings.json`) count as secret files while they hold one."""
    for instance in context.instances:
        for store in instance.stores:
            if store.kind == "secrets":
                yield _secret_finding(self, store)
        yield from secret_file_findings(self, instance, context.facts)


def _secret_finding(self: Check, store: StoreFile) -> Finding:
    fact = store.file
    if fact.kind is FileKind.ERROR:
        return self.unknown(store.tool, fact.path, f"cannot inspect: {fact.error}")
    mode = fact.permission_bits
    evidence = Evidence(fact.path, f"secret ({store.format}), mode {mode:04o}, uid {fact.uid}")
    if not mode & (stat.S_IRGRP | stat.S_IROTH):
        return self.passed(store.tool, fact.path, evidence, *link_evidence(fact))
    who = "every user on the host" if mode & stat.S_IROTH else "members of its group"
    private = 0o700 if fact.kind is FileKind.DIRECTORY else 0o600
    return self.failed(
        store.tool,
        fact.path,
        evidence,
        *link_evidence(fact),
        Evidence("access", f"readable by {who}"),
        severity=Severity.HIGH if mode & stat.S_IROTH else Severity.MEDIUM,
        # `ollama serve` creates a new key pair when id_ed25519 is missing (ollama/ollama:
        # cmd/cmd.go, RunServer -> initializeKeypair)
        remediation=PRIVATE_FIX.format(mode=private, path=fact.path)
        + " If others may already have copied it, replace it (for Ollama: delete id_ed25519 "
        "and id_ed25519.pub, restart the server to create a new pair, and register the new "
        "public key on ollama.com).",
    )


CHECKS = (store_private, secret_private)
