"""Facts about Linux audit rules that record access to files, read by
`localproof.collect.auditrules` from `/etc/audit/rules.d/*.rules` and
`/etc/audit/audit.rules` (the syntax of auditctl(8) and audit.rules(7)).

Rules are configuration written by an administrator: paths, permission letters, fields
and keys. They carry no content of the files they watch.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class AuditWatch:
    """One rule that names a path: `-w PATH [-p PERMS]`, or an exit-list rule with
    `-F path=` (that file) or `-F dir=` (the directory and its whole subtree).

    `path` is resolved inside the audit root; `reads` says whether the rule records
    opening the file for reading; `suppresses` marks a `never` rule, which stops records
    for what it matches; `narrowed` lists other fields that limit whose accesses it
    records (`auid>=1000`); `source` is `file:line`.
    """

    source: str
    rule: str
    path: str
    recursive: bool
    reads: bool
    suppresses: bool = False
    narrowed: tuple[str, ...] = ()


@dataclass(frozen=True)
class AuditRules:
    """The audit rules on disk and whether the audit daemon that loads them runs.

    `installed` is False when `/etc/audit` is absent (auditd not installed). `switched_off`
    names a rule that stops all recording (`-e 0`, `-a never,task`) with its `file:line`.
    `daemon_running` is None when /proc could not be read. `error` says why the rules
    could not be read (then nothing else is known); `read` is False until collected.
    """

    read: bool = False
    installed: bool = False
    files: tuple[str, ...] = ()
    watches: tuple[AuditWatch, ...] = ()
    switched_off: str | None = None
    daemon_running: bool | None = None
    daemon_enabled: bool = False
    error: str | None = None
