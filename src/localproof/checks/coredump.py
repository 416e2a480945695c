"""Core dumps: a crashed model server's memory, prompts included, written to disk."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from localproof.checks.base import Check, Context, check
from localproof.discover import Instance
from localproof.facts import Facts
from localproof.model import Category, Evidence, Finding, Severity

PATTERN = "/proc/sys/kernel/core_pattern"
DISCARDING_PROGRAMS = ("false", "true")
COREDUMP_FIX = (
    "Stop keeping dumps: create /etc/systemd/coredump.conf.d/50-no-storage.conf with "
    "`[Coredump]` and `Storage=none` (systemd-coredump then only logs the crash), and "
    "delete what is already in {where}. Or set `LimitCORE=0` in {units}."
)
FILE_FIX = (
    "Stop writing core files: `sysctl -w kernel.core_pattern='|/bin/false'` (persist it in "
    "/etc/sysctl.d/), or set `LimitCORE=0` in {units}; delete existing core files."
)
APPORT_FIX = (
    "Disable apport (`systemctl disable --now apport`, `enabled=0` in /etc/default/apport) "
    "or set `LimitCORE=0` in {units}, and empty /var/crash."
)


@dataclass(frozen=True)
class Disposition:
    """What the kernel does with a core dump under the current core_pattern."""

    state: str  # discarded | kept | unknown
    detail: str
    fix: str = ""
    # RLIMIT_CORE 0 prevents the dump: the kernel honours it for core files (core(5)) but
    # not for pipes (linux fs/coredump.c), where systemd-coredump checks it itself
    # (src/coredump/coredump.c) while apport still writes its report to /var/crash
    # (apport's `report_dir`; Ubuntu's apport notes that it ignores `ulimit -c 0`).
    rlimit_applies: bool = False


@check(
    id="core-dump.not-kept",
    category=Category.CORE_DUMP,
    title="Core dumps of AI processes are not kept on disk",
    severity=Severity.MEDIUM,
    control="RES-02",
    threats=("prompt-residue", "shared-host"),
    remediation="Discard core dumps (Storage=none, core_pattern |/bin/false, or LimitCORE=0).",
)
def not_kept(self: Check, context: Context) -> Iterator[Finding]:
    """A core dump is a copy of the crashed process's memory. For a model server or chat UI
    that memory holds the prompts, documents and answers it was handling; systemd-coredump
    keeps dumps in /var/lib/systemd/coredump or the journal by default, apport in
    /var/crash, and a plain core_pattern writes them next to the process. They outlive the
    conversation and are easy to overlook in backups and bug reports."""
    facts = context.facts
    disposition = core_disposition(facts)
    for instance in context.instances:
        yield _instance_finding(self, facts, instance, disposition)


def core_disposition(facts: Facts) -> Disposition:
    pattern = facts.core_pattern
    if pattern is None:
        return Disposition("unknown", f"{PATTERN} is missing or unreadable")
    if not pattern.strip():
        return Disposition("unknown", "core_pattern is empty")
    if not pattern.startswith("|"):
        # core(5): without a pipe the pattern names a file, relative to the process's cwd
        where = pattern.rsplit("/", 1)[0] if "/" in pattern else "the process's working directory"
        return Disposition("kept", f"core files are written to {where}", FILE_FIX, True)
    return _piped(facts, pattern[1:].strip().split(" ", 1)[0])


def _piped(facts: Facts, program: str) -> Disposition:
    """core(5): a pattern starting with `|` runs that program with the dump on its stdin."""
    name = program.rsplit("/", 1)[-1]
    if name in DISCARDING_PROGRAMS:
        return Disposition("discarded", f"core dumps are piped to {program} and discarded")
    if name == "systemd-coredump":
        return _systemd_coredump(facts)
    if name == "apport":
        detail = "apport writes crash reports with the core to /var/crash"
        return Disposition("kept", detail, APPORT_FIX)
    detail = f"core dumps are piped to {program}, a handler localproof does not know"
    return Disposition("unknown", detail)


def _systemd_coredump(facts: Facts) -> Disposition:
    config = facts.disk.coredump
    storage = config.effective_storage
    origin = f"set in {config.source}" if config.source else "the default (coredump.conf(5))"
    if storage == "none":
        return Disposition("discarded", f"systemd-coredump with Storage=none ({origin})")
    where = "the journal" if storage == "journal" else "/var/lib/systemd/coredump"
    detail = f"systemd-coredump keeps dumps in {where}: Storage={storage}, {origin}"
    return Disposition("kept", detail, COREDUMP_FIX.replace("{where}", where), True)


def _instance_finding(
    self: Check, facts: Facts, instance: Instance, disposition: Disposition
) -> Finding:
    slug = instance.tool.slug
    resource = f"{slug} core dumps"
    if disposition.state == "unknown":
        return self.unknown(slug, resource, disposition.detail)
    evidence = Evidence(PATTERN, disposition.detail)
    if disposition.state == "discarded":
        return self.passed(slug, resource, evidence)
    names = {unit.name for unit in instance.units}
    limit = _rlimit_evidence(facts, instance) if disposition.rlimit_applies else None
    if limit is not None:
        return self.passed(slug, resource, evidence, limit)
    units = ", ".join(sorted(names)) if names else f"the unit or shell that starts {slug}"
    return self.failed(
        slug,
        resource,
        evidence,
        remediation=disposition.fix.replace("{units}", units),
    )


def _rlimit_evidence(facts: Facts, instance: Instance) -> Evidence | None:
    """Evidence that RLIMIT_CORE 0 stops the tool's dumps: every running process has a soft
    limit of 0 (/proc/<pid>/limits) or, when none runs or its limits are unreadable, every
    unit of the tool sets LimitCORE=0."""
    pids = {p.pid for p in instance.processes + instance.container_processes}
    running = [item for item in facts.disk.process_core_limits if item.pid in pids]
    if pids and len(running) == len(pids):
        if all(item.disables_dumps for item in running):
            listed = ", ".join(str(item.pid) for item in running)
            return Evidence("/proc/<pid>/limits", f"Max core file size 0 for pid {listed}")
        return None
    names = {unit.name for unit in instance.units}
    limits = [item for item in facts.disk.unit_core_limits if item.unit in names]
    if names and {item.unit for item in limits if item.disables_dumps} == names:
        sources = ", ".join(f"{item.source} LimitCORE={item.limit}" for item in limits)
        return Evidence("systemd", sources)
    return None


CHECKS = (not_kept,)
