"""Remote model providers configured in an app's own settings (Jan's Model Providers).

One finding per user of the app: it fails when a provider outside this machine and
network is switched on with an API key, or is the one selected for chats while the app
keeps its key in the OS keyring; it is unknown when files cannot show whether a switched-on
provider has a key, or when a settings file could not be read. Evidence names the file,
the provider and its host; a key is only ever "set".
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from localproof.checks.base import Check
from localproof.checks.netaddr import is_local_host
from localproof.discover import Instance
from localproof.facts.settings import ConfiguredProvider, KeyState, ProviderSettings
from localproof.model import Evidence, Finding

NO_HOST = "a host the file does not record"


@dataclass(frozen=True)
class Remote:
    """A switched-on provider outside this machine and network, in one settings file."""

    source: ProviderSettings
    provider: ConfiguredProvider

    @property
    def host(self) -> str:
        return self.provider.host or NO_HOST

    def label(self) -> str:
        return f"{self.provider.name} ({self.host})"


def provider_findings(
    self: Check, instance: Instance, settings: tuple[ProviderSettings, ...]
) -> Iterator[Finding]:
    slug = instance.tool.slug
    by_owner: dict[str, list[ProviderSettings]] = {}
    for item in settings:
        if item.tool == slug:
            by_owner.setdefault(item.owner, []).append(item)
    users = {s.owner for s in instance.stores if s.owner != "system"}
    users = {owner for owner in users if not owner.startswith("container:")}
    missing = next((f.if_missing for f in instance.tool.provider_files if f.if_missing), None)
    for owner in sorted(users | set(by_owner)):
        resource = f"{slug} model providers ({owner})"
        files = by_owner.get(owner)
        if files:
            yield _owner_finding(self, slug, resource, files)
        elif missing:
            yield self.unknown(slug, resource, f"no model-provider settings file: {missing}")


def _is_remote(provider: ConfiguredProvider) -> bool:
    """Switched on and not on this machine or network (no recorded host counts as remote:
    only a remote extension's settings can lack one)."""
    return provider.active and not (provider.host and is_local_host(provider.host))


def _remotes(files: list[ProviderSettings]) -> list[Remote]:
    return [
        Remote(item, provider)
        for item in files
        if item.error is None
        for provider in item.providers
        if _is_remote(provider)
    ]


def _owner_finding(self: Check, slug: str, resource: str, files: list[ProviderSettings]) -> Finding:
    remotes = _remotes(files)
    keyed = [r for r in remotes if r.provider.key is KeyState.SET]
    hidden = [r for r in remotes if r.provider.key is KeyState.ELSEWHERE]
    chosen = [r for r in hidden if r.provider.selected]
    if keyed or chosen:
        evidence = [
            Evidence(r.source.path, f"{r.provider.name}: API key set; chats go to {r.host}")
            for r in keyed
        ]
        evidence += [
            Evidence(
                r.source.path,
                f"{r.provider.name} is selected for chats (its API key is kept in the OS "
                f"keyring): chats go to {r.host}",
            )
            for r in chosen
        ]
        others = [r for r in hidden if not r.provider.selected]
        if others:
            names = ", ".join(r.label() for r in others)
            detail = f"also switched on, any API keys in the OS keyring: {names}"
            evidence.append(Evidence(others[0].source.path, detail))
        fixes = dict.fromkeys(r.source.disable for r in keyed + chosen)
        remediation = "; or ".join(fixes) + "; keep remote providers for data that may leave."
        return self.failed(slug, resource, *evidence, remediation=remediation)
    unreadable = [f"{item.path}: {item.error}" for item in files if item.error]
    if unreadable:
        return self.unknown(slug, resource, "not readable: " + "; ".join(unreadable))
    if hidden:
        names = ", ".join(r.label() for r in hidden)
        return self.unknown(
            slug,
            resource,
            f"remote providers are switched on and their API keys, if any, are kept in the "
            f"OS keyring, which files do not show: {names}. {hidden[0].source.disable}.",
        )
    return self.passed(slug, resource, *(_clean(item) for item in files))


def _clean(item: ProviderSettings) -> Evidence:
    if any(_is_remote(provider) for provider in item.providers):
        return Evidence(item.path, "no remote provider that is switched on has an API key")
    return Evidence(item.path, "every provider switched on runs on this machine or network")
