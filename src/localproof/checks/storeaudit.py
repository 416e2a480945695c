"""Access logging: whether the Linux audit system records who opens each conversation store.

Filed under `shared-host` rather than `permissions`: `permissions` findings are about who
*can* read a store (its modes), and this one is about finding out who *did*, which only
matters because other people share the machine: administrators and anyone with a
root-equivalent group can read the stores whatever their modes, and an audit record is
the only trace they leave. The control (AUD-01) answers the `shared-host` threat.

The rule syntax and what each rule records are cited in `collect/auditrules.py`.
"""

from __future__ import annotations

import posixpath
from collections.abc import Iterator

from localproof.checks.base import Check, Context, check, link_evidence
from localproof.facts import FileKind, StoreFile
from localproof.facts.auditrules import AuditRules, AuditWatch
from localproof.facts.residue import covers
from localproof.model import Category, Evidence, Finding, Severity

STORE_KINDS = ("conversations", "history", "uploads", "vectors")
KEY = "localproof-ai-store"
RULE_FIX = (
    "Record access to it: add `-w {folder} -p rwa -k {key}` to a file in "
    "/etc/audit/rules.d/ (or the syscall form auditctl(8) now prefers, "
    "`-a always,exit -F arch=b64 -F dir={folder} -F perm=rwa -F key={key}`), then run "
    "`augenrules --load`; `ausearch -k {key}` lists who opened what. The records hold "
    "file names and accounts, never the conversations."
)


@check(
    id="shared-host.store-access-audited",
    category=Category.SHARED_HOST,
    title="Every opening of a conversation store is recorded by the audit system",
    severity=Severity.LOW,
    control="AUD-01",
    threats=("shared-host",),
    remediation="Add an audit watch on each conversation store's folder.",
)
def store_access_audited(self: Check, context: Context) -> Iterator[Finding]:
    """File permissions decide who can read a conversation store; they leave no trace of
    who did. Administrators can read any file, and a clinic, a law firm or an auditor
    may have to show who accessed records and when. The Linux audit system can record
    every opening of a store (who, when, with which program) without copying its
    content; this check looks for audit rules that watch each store for reads and for
    auditd to load them."""
    stores = [
        store
        for instance in context.instances
        for store in instance.stores
        if store.kind in STORE_KINDS
    ]
    if not stores:
        if context.instances:
            reason = "no conversation store was found, so there is nothing to record"
            yield self.not_applicable(None, "audit rules", reason)
        return
    rules = context.facts.audit_rules
    for store in stores:
        yield _store_finding(self, rules, store)


def _store_finding(self: Check, rules: AuditRules, store: StoreFile) -> Finding:
    path = store.file.path
    if not rules.read:
        return self.unknown(store.tool, path, "the audit rules were not read")
    if rules.error:
        return self.unknown(store.tool, path, f"cannot read the audit rules: {rules.error}")
    fix = _fix(store)
    link = link_evidence(store.file)
    if not rules.installed:
        detail = "no audit rules: /etc/audit is absent (auditd is not installed)"
        absent = Evidence("/etc/audit", detail)
        return self.failed(store.tool, path, *link, absent, remediation=fix)
    paths = {p for p in (path, store.file.resolved) if p}
    matching = [w for w in rules.watches if any(_covers(w, p, store) for p in paths)]
    recording = [w for w in matching if w.reads and not w.suppresses]
    suppressing = [w for w in matching if w.suppresses and not w.narrowed]
    evidence = [*link, *(Evidence(w.source, _shown(w)) for w in matching)]
    problem = _problem(rules, recording, suppressing)
    if problem is None:
        return self.passed(store.tool, path, *evidence, _daemon(rules))
    source, detail, other_fix = problem
    evidence.append(Evidence(source, detail))
    remediation = " ".join(part for part in (other_fix, "" if recording else fix) if part)
    return self.failed(store.tool, path, *evidence, remediation=remediation)


def _covers(watch: AuditWatch, path: str, store: StoreFile) -> bool:
    if watch.recursive:
        return covers(watch.path, path)
    return watch.path == path and store.file.kind is not FileKind.DIRECTORY


def _problem(
    rules: AuditRules, recording: list[AuditWatch], suppressing: list[AuditWatch]
) -> tuple[str, str, str] | None:
    """(source, what is wrong, a fix other than adding a watch) or None when recorded."""
    if rules.switched_off:
        return "audit rules", f"{rules.switched_off} stops all audit records", _ON_FIX
    if suppressing:
        source = suppressing[0].source
        return source, "a `never` rule suppresses records for it", f"Remove the rule at {source}."
    if not recording:
        files = ", ".join(rules.files) or "no rule files"
        return "audit rules", f"no audit rule records reads of it ({files})", ""
    unseen = rules.daemon_running is None and not rules.daemon_enabled
    if rules.daemon_running is False or unseen:
        return "auditd", _daemon(rules).detail, _DAEMON_FIX
    return None


_DAEMON_FIX = "Enable and start auditd (`systemctl enable --now auditd`)."
_ON_FIX = (
    "Turn auditing on: remove `-e 0` or the `-a never,task` rule (10-no-audit.rules) from "
    "/etc/audit/rules.d/ and run `augenrules --load`."
)


def _daemon(rules: AuditRules) -> Evidence:
    if rules.daemon_running:
        return Evidence("auditd", "auditd is running and loads these rules")
    if rules.daemon_running is None:
        state = "enabled" if rules.daemon_enabled else "not enabled"
        return Evidence("auditd", f"auditd.service is {state}; whether auditd runs is not known")
    state = "enabled but " if rules.daemon_enabled else ""
    return Evidence("auditd", f"auditd.service is {state}not running: the rules are not loaded")


def _shown(watch: AuditWatch) -> str:
    what = (
        "suppresses records"
        if watch.suppresses
        else ("records reads" if watch.reads else "does not record reads")
    )
    scope = f"{watch.path} and below" if watch.recursive else watch.path
    only = f", only when {' and '.join(watch.narrowed)}" if watch.narrowed else ""
    return f"`{watch.rule}`: {what} of {scope}{only}"


def _fix(store: StoreFile) -> str:
    path = store.file.resolved or store.file.path
    folder = path if store.file.kind is FileKind.DIRECTORY else posixpath.dirname(path)
    return RULE_FIX.format(folder=folder, key=KEY)


CHECKS = (store_access_audited,)
