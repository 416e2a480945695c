"""Backups: unencrypted copies of stored conversations made by backup jobs."""

from __future__ import annotations

import re
from collections.abc import Iterator

from localproof.checks.base import Check, Context, check, link_evidence, settings_scope
from localproof.facts import Facts, StoreFile
from localproof.facts.residue import BackupJob, covers
from localproof.model import Category, Evidence, Finding, Severity, Status

STORE_KINDS = ("conversations", "history", "uploads", "vectors")
FIXES = {
    "rsnapshot": "add an `exclude` line for it to {file} (fields separated by tabs)",
    "rsync": "add `--exclude` for it to the rsync command in {config}",
    "timeshift": "keep it excluded in Timeshift's Users and Filters settings ({file})",
    "borg": "recreate the repository with `borg init --encryption=repokey-blake2`",
    "borgmatic": "use a repository created with `--encryption=repokey-blake2` ({config})",
    "duplicity": "drop `--no-encryption` from the duplicity command in {config}",
    "deja-dup": "add it to Déjà Dup's Folders to Ignore, or start a password-protected backup",
    "time-machine": "exclude it in Time Machine's options (or `sudo tmutil addexclusion -p`)",
}


@check(
    id="backup.store-copies-encrypted",
    category=Category.BACKUP,
    title="Backups hold conversation stores only in encrypted form",
    severity=Severity.MEDIUM,
    control="BAK-01",
    threats=("backup-copy", "device-theft"),
    remediation="Exclude conversation stores from unencrypted backups, or encrypt them.",
)
def store_copies_encrypted(self: Check, context: Context) -> Iterator[Finding]:
    """A backup is a second copy of every conversation, often on a USB disk, a NAS or a
    server that outlives the machine. Backups themselves are fine (some regimes require
    them); what matters is that each copy of a conversation store is encrypted, so that a
    lost disk or a curious NAS admin cannot read it. restic always encrypts; borg and
    duplicity do unless told not to (Déjà Dup asks at its first backup, Time Machine when
    the backup disk is chosen); rsnapshot, rsync and Timeshift make plain copies."""
    jobs = context.facts.residue.backups
    for job in jobs:
        if job.error:
            yield self.unknown(
                None, job.config, f"cannot read the {job.program} settings: {job.error}"
            )
    readable = [job for job in jobs if not job.error]
    unreadable = [(job, _scope(job, context.facts)) for job in jobs if job.error]
    for instance in context.instances:
        for store in instance.stores:
            if store.kind in STORE_KINDS:
                finding = _store_finding(self, context.facts, store, readable)
                yield _unless_unreadable(self, finding, store, unreadable)


def _scope(job: BackupJob, facts: Facts) -> tuple[str, ...]:
    """What a backup whose settings could not be read may copy: its sources if known, else
    where its settings say it may reach (see `settings_scope`)."""
    return job.sources or (settings_scope(job.config, facts),)


def _unless_unreadable(
    self: Check, finding: Finding, store: StoreFile,
    unreadable: list[tuple[BackupJob, tuple[str, ...]]],
) -> Finding:  # fmt: skip
    """A pass stands only if no backup whose settings could not be read may copy the store
    (see `_scope`)."""
    paths = [p for p in (store.file.path, store.file.resolved) if p]
    maybe = [
        job
        for job, scope in unreadable
        if any(covers(source, path) for source in scope for path in paths)
    ]
    if finding.status is not Status.PASS or not maybe:
        return finding
    names = ", ".join(sorted({f"{job.program} ({job.config})" for job in maybe}))
    return self.unknown(
        store.tool,
        store.file.path,
        f"the settings of {names} could not be read, so whether it copies this store is not known",
        *finding.evidence,
    )


def _store_finding(self: Check, facts: Facts, store: StoreFile, jobs: list[BackupJob]) -> Finding:
    paths = {p for p in (store.file.path, store.file.resolved) if p}
    copying = [job for job in jobs if any(_copies(job, path) for path in paths)]
    path = store.file.path
    if not copying:
        detail = f"no readable backup job copies it ({len(jobs)} backup job(s) read)"
        return self.passed(store.tool, path, Evidence(path, detail), *link_evidence(store.file))
    judged = [(job, *_encryption(facts, job)) for job in copying]
    evidence = [*link_evidence(store.file)]
    evidence += [Evidence(job.config, f"{job.program}: {basis}") for job, _, basis in judged]
    plain = [job for job, encrypted, _ in judged if encrypted is False]
    if plain:
        fixes = "; ".join(
            FIXES.get(j.program, "exclude it").format(config=j.config, file=_file(j.config))
            for j in plain
        )
        remediation = (
            f"Keep this store out of unencrypted copies: {fixes}. Or put the backup "
            "destination on an encrypted volume (LUKS), and delete existing plain copies."
        )
        return self.failed(store.tool, path, *evidence, remediation=remediation)
    unsure = [job for job, encrypted, _ in judged if encrypted is None]
    if unsure:
        names = ", ".join(sorted({job.program for job in unsure}))
        return self.unknown(
            store.tool, path, f"{names} copies it and its encryption could not be told", *evidence
        )
    return self.passed(store.tool, path, *evidence)


def _file(config: str) -> str:
    """`/etc/rsnapshot.conf line 13` -> `/etc/rsnapshot.conf`."""
    return config.rsplit(" line ", 1)[0]


def _copies(job: BackupJob, path: str) -> bool:
    """The job's sources include `path` and no exclude rule removes it."""
    for source in job.sources:
        if covers(source, path):
            return not _excluded(path, source, job.excludes)
    return False


def _excluded(path: str, source: str, rules: tuple[str, ...]) -> bool:
    """rsync filter semantics, first match wins: `+ ` includes, anything else excludes; a
    rule matching a parent directory applies to everything below it."""
    relative = "/" + path[len(source.rstrip("/")) :].lstrip("/")
    for rule in rules:
        include = rule.startswith("+ ")
        pattern = rule[2:] if include or rule.startswith("- ") else rule
        if _matches(pattern.strip(), path, relative):
            return not include
    return False


def _matches(pattern: str, path: str, relative: str) -> bool:
    body = pattern.rstrip("/")
    if not body:
        return False
    regex = re.compile(_glob_regex(body.lstrip("/")) + "$")
    anchored = body.startswith("/")
    for candidate in (path, relative):
        parts = candidate.strip("/").split("/")
        for end in range(1, len(parts) + 1):
            prefix = "/".join(parts[:end])
            if anchored and regex.match(prefix):
                return True
            tails = ("/".join(parts[start:end]) for start in range(end))
            if not anchored and any(regex.match(tail) for tail in tails):
                return True
    return False


def _glob_regex(pattern: str) -> str:
    out = []
    index = 0
    while index < len(pattern):
        if pattern.startswith("**", index):
            out.append(".*")
            index += 2
            continue
        char = pattern[index]
        out.append("[^/]*" if char == "*" else "[^/]" if char == "?" else re.escape(char))
        index += 1
    return "".join(out)


def _encryption(facts: Facts, job: BackupJob) -> tuple[bool | None, str]:
    """The job's own answer, except that a plain copy on an encrypted volume is encrypted."""
    if job.encrypted is False and job.destination and _on_encrypted_volume(facts, job.destination):
        return True, f"{job.encryption_basis}, but the destination is on a dm-crypt volume"
    return job.encrypted, job.encryption_basis


def _on_encrypted_volume(facts: Facts, path: str) -> bool:
    mounts = [m for m in facts.mounts if covers(m.mountpoint, path.rstrip("/") or "/")]
    if not mounts:
        return False
    device = max(mounts, key=lambda m: len(m.mountpoint)).device
    name = device.removeprefix("/dev/mapper/").removeprefix("/dev/")
    return any(dm.is_crypt and name in (dm.name, dm.device) for dm in facts.device_mappers)


CHECKS = (store_copies_encrypted,)
