"""Secrets an app writes in plain text into its settings file (Jan 0.8.4+'s API key and
proxy password): whether its API server asks for a key, and who can read the file.

The settings collector keeps only the names of the secrets that are set, never a value;
findings name the setting, its store, the file, its mode and owner.
"""

from __future__ import annotations

import posixpath
import stat
from collections.abc import Iterator

from localproof.checks.base import Check
from localproof.checks.netaddr import scope
from localproof.checks.savedserver import SavedServer, saved_servers, settings_store, store_name
from localproof.discover import Instance
from localproof.facts import Facts, FileKind, StoreFile
from localproof.facts.settings import SettingsFile
from localproof.model import Evidence, Finding, Severity

KEY_FIX = (
    "Set an API key for {tool}'s API server (`{key}` in its settings) and give it to the "
    "clients that use it; keep the server on 127.0.0.1 unless other machines must reach it."
)
FILE_FIX = (
    "Run `chmod 600 '{path}'` and `chmod 700 '{folder}'`: an app that rewrites its settings "
    "file creates it again with the default mode, so only the folder's mode keeps others "
    "out for good. If others may already have read it, change {names}."
)


def _label(name: str, saved_as: str | None) -> str:
    store = store_name(saved_as)
    return f"`{name}` in the {store} store" if store else f"`{name}`"


def _unreadable(settings: SettingsFile, names: list[str]) -> str | None:
    """Why the file cannot tell about these settings: `path (reason)`, or None."""
    reasons = [settings.unreadable[name] for name in names if name in settings.unreadable]
    reason = settings.error or "; ".join(dict.fromkeys(reasons))
    return f"{settings.path} ({reason})" if reason else None


def _readers(mode: int) -> str | None:
    if mode & stat.S_IROTH:
        return "every user on the host"
    return "members of its group" if mode & stat.S_IRGRP else None


def _file_access(store: StoreFile | None) -> list[Evidence]:
    if store is None or store.file.kind is not FileKind.FILE:
        return []
    mode = store.file.permission_bits
    readers = _readers(mode)
    detail = f"readable by {readers} (permissions.secret-private)" if readers else "private"
    mode_text = f"the file is mode {mode:04o}, uid {store.file.uid}: {detail}"
    return [Evidence(store.file.path, mode_text)]


def saved_key_findings(self: Check, instance: Instance, facts: Facts) -> Iterator[Finding]:
    """auth.api-credentials for keys kept in settings files, one finding per file."""
    keys = [c for c in instance.tool.credentials if c.kind == "setting"]
    if not keys:
        return
    servers = {server.where: server for server in saved_servers(instance, facts)}
    for settings in facts.settings:
        if settings.tool != instance.tool.slug:
            continue
        resource = f"{settings.path} API key"
        reason = _unreadable(settings, [k.name for k in keys])
        if reason:
            yield self.unknown(instance.tool.slug, resource, f"settings not readable: {reason}")
            continue
        label = _label(keys[0].name, keys[0].saved_as)
        if any(k.name in settings.secrets for k in keys):
            evidence = Evidence(settings.path, f"an API key is set ({label}), in plain text")
            access = _file_access(settings_store(instance, settings))
            yield self.passed(instance.tool.slug, resource, evidence, *access)
        else:
            missing = Evidence(
                settings.path,
                f"no API key is set ({label} is empty): the server answers anyone who reaches it",
            )
            fix = KEY_FIX.format(tool=instance.tool.name, key=keys[0].name)
            server = servers.get(settings.path)
            yield _missing_key(self, instance, resource, missing, fix, server)


def _missing_key(
    self: Check,
    instance: Instance,
    resource: str,
    missing: Evidence,
    fix: str,
    server: SavedServer | None,
) -> Finding:
    slug = instance.tool.slug
    seen: Evidence | None
    if instance.sockets:
        exposed = any(scope(s.address) != "loopback" for s in instance.sockets)
        where = ", ".join(s.endpoint for s in instance.sockets)
        seen = Evidence("/proc/net", f"listening on {where}")
    else:
        exposed = server is not None and server.reason is None and server.scope != "loopback"
        seen = Evidence(server.where, server.address()) if server else None
    starts = server is None or server.reason is not None or server.autostart is not False
    if not (instance.sockets or exposed or starts) and server is not None:
        return self.not_applicable(
            slug,
            resource,
            f"{missing.detail}, once started; it does not start with the app "
            f"({server.listener.started_by} is off) and was not seen listening",
        )
    evidence = [missing, *([seen] if seen else [])]
    severity = Severity.HIGH if exposed else Severity.LOW
    return self.failed(slug, resource, *evidence, severity=severity, remediation=fix)


def secret_file_findings(self: Check, instance: Instance, facts: Facts) -> Iterator[Finding]:
    """permissions.secret-private for settings files that hold secrets in plain text."""
    tool = instance.tool
    names = {c.name: c.saved_as for c in tool.credentials if c.kind == "setting"}
    names |= {s.name: s.saved_as for s in tool.secret_settings}
    if not names:
        return
    for settings in facts.settings:
        store = settings_store(instance, settings) if settings.tool == tool.slug else None
        if store is None:
            continue
        held = [_label(name, names[name]) for name in names if name in settings.secrets]
        reason = None if held else _unreadable(settings, list(names))
        if store.file.kind is FileKind.ERROR:
            yield self.unknown(tool.slug, store.file.path, f"cannot inspect: {store.file.error}")
        elif reason:
            yield self.unknown(
                tool.slug, store.file.path, f"cannot tell whether it holds secrets: {reason}"
            )
        elif held:
            yield _secret_file(self, store, held)


def _secret_file(self: Check, store: StoreFile, held: list[str]) -> Finding:
    fact = store.file
    mode = fact.permission_bits
    evidence = Evidence(
        fact.path,
        f"settings ({store.format}) holding secrets in plain text: {', '.join(held)}; "
        f"mode {mode:04o}, uid {fact.uid}",
    )
    readers = _readers(mode)
    if readers is None:
        return self.passed(store.tool, fact.path, evidence)
    fix = FILE_FIX.format(
        path=fact.path, folder=posixpath.dirname(fact.path), names=" and ".join(held)
    )
    return self.failed(
        store.tool,
        fact.path,
        evidence,
        Evidence("access", f"readable by {readers}"),
        severity=Severity.HIGH if mode & stat.S_IROTH else Severity.MEDIUM,
        remediation=fix,
    )
