"""Linux audit rules that name paths, from `/etc/audit/rules.d/*.rules` and
`/etc/audit/audit.rules`, and whether auditd runs to load them.

Learnt from linux-audit/audit-userspace at commit ea855020 (no code taken from it):
- docs/augenrules.8, init.d/augenrules.in: the `*.rules` files of /etc/audit/rules.d, in
  natural sort order (`sort -V`), are merged into /etc/audit/audit.rules, which auditd's
  start-up loads with `auditctl -R`. Both are read here; a rule from either counts.
- src/auditctl.c fileopt: one rule per line, split on whitespace (no shell quoting),
  blank lines and lines starting with `#` skipped.
- docs/auditctl.8 and docs/audit.rules.7: `-w PATH` watches a file, or a directory and
  its whole subtree; `-p` chooses the accesses (`r` read, `w` write, `x` execute, `a`
  attribute change) and defaults to all four (lib/libaudit.c audit_add_watch_dir); it is
  a directory watch when PATH is a directory when loaded (src/auditctl.c
  audit_setup_watch_name). `-a always,exit` (list and action in either order) with
  `-F path=` (that file) or `-F dir=` (recursive) records the accesses in `-F perm=`, or
  without perm the syscalls given with `-S` (all of them when none is given). A `never`
  action suppresses records. `-e 0` disables auditing, and `-a never,task` (installed by
  default on some systems as 10-no-audit.rules) makes every new process skip all audit
  rules. `-F success=0` and `-F exit=` record only failures; other fields (`auid`, `uid`,
  `exe`, ...) narrow whose accesses are recorded.
Not modelled: rules loaded by hand since boot (`auditctl -l` needs root and a running
kernel), `-D -k KEY`, exclude-list filters, and directory watches stopping at mount points.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from localproof.collect.disk import read_enabled_units
from localproof.collect.fsroot import AuditRoot, describe_error, resolve
from localproof.facts import FileKind, Process
from localproof.facts.auditrules import AuditRules, AuditWatch

AUDIT_DIR = "/etc/audit"
RULES_DIR = "/etc/audit/rules.d"
RULES_FILE = "/etc/audit/audit.rules"
MAX_FILE = 1 << 20
MAX_FILES = 200
ROOT_ONLY = (
    "; /etc/audit is normally readable only by root: run localproof as root to see the rules"
)
WITH_ARGUMENT = frozenset(
    ("-a", "-A", "-b", "-C", "-d", "-e", "-f", "-F", "-k", "-m", "-p", "-q", "-r", "-R",
     "-S", "-w", "-W", "--backlog_wait_time", "--signal")
)  # fmt: skip
FLAGS = frozenset(
    ("-c", "-D", "-i", "-l", "-s", "-t", "-v", "-h", "--help", "--loginuid-immutable",
     "--reset-lost", "--reset_backlog_wait_time_actual")
)  # fmt: skip
OPEN_SYSCALLS = frozenset(("all", "open", "openat", "openat2", "open_by_handle_at"))
IGNORED_FIELDS = ("arch", "key", "perm", "path", "dir", "filetype")
FAILURES_ONLY = ("exit",)
FIELD = re.compile(r"([a-z0-9_]+)(!=|<=|>=|&=|=|<|>|&)(.*)")


class RuleError(ValueError):
    """A rules file that cannot be parsed (the message says where)."""


@dataclass
class _Rule:
    options: list[tuple[str, str]] = field(default_factory=list)

    def values(self, option: str) -> list[str]:
        return [value for name, value in self.options if name == option]


def read_audit_rules(
    root: AuditRoot, processes: tuple[Process, ...], proc_available: bool
) -> AuditRules:
    running = any(p.comm == "auditd" for p in processes) if proc_available else None
    enabled = "auditd.service" in read_enabled_units(root)
    audit = root.stat(AUDIT_DIR)
    if audit.kind is FileKind.ERROR:
        hint = ROOT_ONLY if audit.error == "permission denied" else ""
        return AuditRules(True, error=f"{AUDIT_DIR}: {audit.error}{hint}")
    if not audit.exists:
        return AuditRules(True, daemon_running=running, daemon_enabled=enabled)
    try:
        files = _rule_files(root)
        parsed = [(path, _parse(root, path)) for path in files]
    except OSError as error:
        reason = describe_error(error)
        hint = ROOT_ONLY if reason == "permission denied" else ""
        return AuditRules(True, True, error=f"{error.filename or AUDIT_DIR}: {reason}{hint}")
    except RuleError as error:
        return AuditRules(True, True, error=str(error))
    watches: list[AuditWatch] = []
    switched_off: str | None = None
    for path, rules in parsed:
        for line, rule in rules:
            source = f"{path}:{line}"
            switched_off = _switch(rule, source, switched_off)
            watch = _watch(root, rule, source)
            if watch is not None:
                watches.append(watch)
    return AuditRules(True, True, tuple(files), tuple(watches), switched_off, running, enabled)


def _rule_files(root: AuditRoot) -> list[str]:
    files: list[str] = []
    try:
        names = root.listdir(RULES_DIR)
    except FileNotFoundError:
        names = []
    except OSError as error:
        error.filename = RULES_DIR
        raise
    rules = sorted((n for n in names if n.endswith(".rules")), key=_natural)[:MAX_FILES]
    files += [f"{RULES_DIR}/{name}" for name in rules]
    if root.stat(RULES_FILE).exists or root.stat(RULES_FILE).kind is FileKind.ERROR:
        files.append(RULES_FILE)
    return files


def _natural(name: str) -> list[tuple[int, str]]:
    return [(int(part), "") if part.isdigit() else (-1, part) for part in re.split(r"(\d+)", name)]


def _parse(root: AuditRoot, path: str) -> list[tuple[int, _Rule]]:
    try:
        data = root.read_bytes(path, MAX_FILE + 1)
    except OSError as error:
        error.filename = path
        raise
    if len(data) > MAX_FILE:
        raise RuleError(f"{path}: larger than {MAX_FILE >> 20} MiB, not read")
    if b"\x00" in data:
        raise RuleError(f"{path}: binary data, not a text file")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        raise RuleError(f"{path}: not UTF-8") from None
    rules = []
    for number, line in enumerate(text.splitlines(), start=1):
        tokens = line.split()
        if tokens and not tokens[0].startswith("#"):
            rules.append((number, _rule(tokens, f"{path}:{number}")))
    return rules


def _rule(tokens: list[str], where: str) -> _Rule:
    rule = _Rule()
    index = 0
    while index < len(tokens):
        token = tokens[index]
        if token in FLAGS:
            rule.options.append((token, ""))
            index += 1
        elif token in WITH_ARGUMENT and index + 1 < len(tokens):
            rule.options.append((token, tokens[index + 1]))
            index += 2
        elif token[:2] in WITH_ARGUMENT and len(token) > 2:  # getopt's `-w/etc/x`
            rule.options.append((token[:2], token[2:]))
            index += 1
        else:
            raise RuleError(f"{where}: `{token}` is not an auditctl option")
    return rule


def _switch(rule: _Rule, source: str, current: str | None) -> str | None:
    """The rule that stops recording after this one, if any (the last `-e` wins)."""
    for value in rule.values("-e"):
        current = f"`-e 0` ({source})" if value == "0" else None
    for value in rule.values("-a") + rule.values("-A"):
        if set(value.split(",")) == {"never", "task"} and not rule.values("-F"):
            current = f"`-a {value}` ({source})"
    return current


def _watch(root: AuditRoot, rule: _Rule, source: str) -> AuditWatch | None:
    written = " ".join(f"{name} {value}".strip() for name, value in rule.options)
    for path in rule.values("-w"):
        perms = (rule.values("-p") or ["rwxa"])[-1]
        logical = path.rstrip("/") or "/"
        recursive = root.stat(logical).kind is FileKind.DIRECTORY
        return AuditWatch(source, written, resolve(root, logical), recursive, "r" in perms)
    lists = [set(value.split(",")) for value in rule.values("-a") + rule.values("-A")]
    if not lists or "exit" not in lists[0]:
        return None
    fields = [
        (match.group(1), match.group(2), match.group(3))
        for text in rule.values("-F")
        if (match := FIELD.fullmatch(text))
    ]
    narrowed = tuple(
        f"{name}{op}{value}"
        for name, op, value in fields
        if name not in (*IGNORED_FIELDS, "success", *FAILURES_ONLY)
    )
    reads = _records_reads(rule, fields)
    target = next(((n, v) for n, op, v in fields if n in ("path", "dir") and op == "="), None)
    if target is None:
        # a syscall rule without a path (e.g. every successful open by a person) records
        # opening any file, the stores included
        if "always" not in lists[0] or not reads or not (rule.values("-S") or fields):
            return None
        return AuditWatch(source, written, "/", recursive=True, reads=True, narrowed=narrowed)
    logical = target[1].rstrip("/") or "/"
    return AuditWatch(
        source,
        written,
        resolve(root, logical),
        recursive=target[0] == "dir",
        reads=reads,
        suppresses="never" in lists[0],
        narrowed=narrowed,
    )


def _records_reads(rule: _Rule, fields: list[tuple[str, str, str]]) -> bool:
    for name, op, value in fields:
        if name in FAILURES_ONLY or (name == "success" and (op, value) not in (("=", "1"),)):
            return False  # only failed attempts are recorded
    perms = [value for name, _, value in fields if name == "perm"]
    if perms:
        return "r" in perms[-1]
    syscalls = {s for value in rule.values("-S") for s in value.split(",")}
    return not syscalls or bool(syscalls & OPEN_SYSCALLS)
