"""What a check is: declarative metadata plus a pure function of the audit context."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field

from localproof.discover import Instance
from localproof.facts import Facts, FileFact
from localproof.kb import Library, Tool, load_libraries
from localproof.model import Category, CheckMeta, Evidence, Finding, Severity, Status

CHECK_ID = re.compile(r"^[a-z][a-z-]*\.[a-z0-9]+(-[a-z0-9]+)*$")
MAX_TITLE = 80


@dataclass(frozen=True)
class Context:
    """Everything a check may read. Checks never touch the host themselves."""

    facts: Facts
    tools: dict[str, Tool]
    instances: tuple[Instance, ...]
    libraries: dict[str, Library] = field(default_factory=load_libraries)


@dataclass(frozen=True)
class Check:
    meta: CheckMeta
    run: Callable[[Context], Iterable[Finding]]

    def passed(self, tool: str | None, resource: str, *evidence: Evidence) -> Finding:
        return Finding(self.meta, tool, resource, Status.PASS, tuple(evidence))

    def failed(
        self,
        tool: str | None,
        resource: str,
        *evidence: Evidence,
        severity: Severity | None = None,
        remediation: str = "",
    ) -> Finding:
        return Finding(
            self.meta,
            tool,
            resource,
            Status.FAIL,
            tuple(evidence),
            severity=severity,
            remediation=remediation,
        )

    def unknown(self, tool: str | None, resource: str, reason: str, *evidence: Evidence) -> Finding:
        return Finding(self.meta, tool, resource, Status.UNKNOWN, tuple(evidence), reason=reason)

    def not_applicable(self, tool: str | None, resource: str, reason: str) -> Finding:
        return Finding(self.meta, tool, resource, Status.NOT_APPLICABLE, reason=reason)


def link_evidence(fact: FileFact) -> tuple[Evidence, ...]:
    """Where a path reached through symlinks really is, so that a reader can follow the
    finding from the name the tool uses to the file that was judged."""
    if fact.resolved is None:
        return ()
    return (Evidence(fact.path, f"symlinked, resolves to {fact.resolved}"),)


def check(
    *,
    id: str,
    category: Category,
    title: str,
    severity: Severity,
    control: str,
    threats: tuple[str, ...],
    remediation: str,
) -> Callable[[Callable[[Check, Context], Iterator[Finding]]], Check]:
    """Declare a check; its docstring is the rationale shown to users."""
    if not CHECK_ID.match(id) or not id.startswith(category.value + "."):
        raise ValueError(f"check id {id!r} must be '{category.value}.<kebab-slug>'")
    if len(title) > MAX_TITLE or title.lower().startswith("ensure"):
        raise ValueError(f"check {id}: title must state the safe condition in <= 80 chars")

    def declare(function: Callable[[Check, Context], Iterator[Finding]]) -> Check:
        meta = CheckMeta(
            id=id,
            category=category,
            title=title,
            severity=severity,
            control=control,
            threats=threats,
            remediation=remediation,
            rationale=" ".join((function.__doc__ or "").split()),
        )
        holder: list[Check] = []
        built = Check(meta=meta, run=lambda context: function(holder[0], context))
        holder.append(built)
        return built

    return declare


def settings_scope(config: str, facts: Facts) -> str:
    """Where a client whose settings at `config` could not be read may reach: the home its
    settings live in (a user's backup or sync client), else the whole disk."""
    path = config.rsplit(" line ", 1)[0]
    owners = [
        user.home
        for user in facts.users
        if user.home not in ("", "/") and path.startswith(user.home.rstrip("/") + "/")
    ]
    parts = path.split("/")
    if not owners and len(parts) > 3 and parts[1] in ("home", "Users"):
        owners = ["/".join(parts[:3])]
    return max(owners, key=len) if owners else "/"
