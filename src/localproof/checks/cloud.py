"""Cloud: settings that send prompts or conversations to a remote model or service."""

from __future__ import annotations

from collections.abc import Iterator
from urllib.parse import urlsplit

from localproof.checks.base import Check, Context, check
from localproof.checks.knobs import Reading, evaluate, knob_findings, readings
from localproof.checks.netaddr import is_local_host
from localproof.checks.providers import provider_findings
from localproof.discover import Instance
from localproof.kb import Endpoint
from localproof.model import Category, Evidence, Finding, Severity


@check(
    id="cloud.features-off",
    category=Category.CLOUD,
    title="Cloud features that send data off the machine are turned off",
    severity=Severity.HIGH,
    control="NET-05",
    threats=("provider-breach", "provider-training", "legal-discovery"),
    remediation="Turn off the cloud feature named in the evidence, or accept it knowingly.",
)
def features_off(self: Check, context: Context) -> Iterator[Finding]:
    """Local tools increasingly ship cloud features: Ollama's cloud models and web search,
    Open WebUI's default OpenAI connection and community sharing, GPT4All's data lake
    and remote embeddings. Once one is used, prompts leave the machine and the privacy
    of a local setup is gone for them."""
    yield from knob_findings(self, context, ("cloud",))


REMOTE_FIX = (
    "If these conversations must stay on this machine, remove the remote connections in "
    "Admin > Settings > Connections (or unset {names}), or turn them off with "
    "`{enabled_by}=false`; keep remote models for data that may leave."
)


def _hosts(urls: str, separator: str) -> list[str]:
    hosts = []
    for url in urls.split(separator):
        text = url.strip()
        if text:
            host = urlsplit(text if "://" in text else f"//{text}").hostname
            hosts.append(host or text)
    return hosts


def _configured(endpoint: Endpoint, places: list[Reading]) -> tuple[str, str] | None:
    """(urls, where) from the first place that sets one of the endpoint's variables;
    the app's saved settings come last in `places` but win, as they do in the app."""
    ordered = sorted(places, key=lambda r: not r.where.endswith("(saved settings)"))
    for name in endpoint.names:
        for reading in ordered:
            if reading.values and reading.values.get(name):
                return reading.values[name], reading.where
    return None


def _endpoint_finding(
    self: Check, instance: Instance, endpoint: Endpoint, places: list[Reading]
) -> Finding:
    slug = instance.tool.slug
    resource = f"{slug} {endpoint.names[0]}"
    if endpoint.enabled_by:
        members = [k for k in instance.tool.knobs if k.name == endpoint.enabled_by]
        switch = evaluate(members, places) if members else None
        if switch is not None and switch.status == "pass" and switch.evidence:
            where = switch.evidence[0][0]
            return self.passed(slug, resource, Evidence(where, "the connections are turned off"))
    if any(r.values is None for r in places):
        return self.unknown(slug, resource, "settings not readable")
    configured = _configured(endpoint, places)
    urls, where = configured or (endpoint.default, "default")
    remote = sorted({h for h in _hosts(urls, endpoint.separator) if not is_local_host(h)})
    if not remote:
        return self.passed(slug, resource, Evidence(where, "every connection is on this network"))
    names = " / ".join(endpoint.names)
    fix = REMOTE_FIX.format(names=names, enabled_by=endpoint.enabled_by or "the setting")
    detail = f"{endpoint.purpose}: {', '.join(remote)}"
    return self.failed(slug, resource, Evidence(where, detail), remediation=fix)


@check(
    id="cloud.remote-model-connections",
    category=Category.CLOUD,
    title="Chat front ends connect only to models on this machine or network",
    severity=Severity.HIGH,
    control="NET-05",
    threats=("provider-breach", "provider-training", "legal-discovery"),
    remediation="Remove remote model connections, or keep them for data that may leave.",
)
def remote_model_connections(self: Check, context: Context) -> Iterator[Finding]:
    """A local chat front end is often also a client of cloud models: Open WebUI ships
    with a connection to OpenAI's API, and any OpenAI-compatible URL can be added; Jan
    lists OpenAI, Anthropic, Groq, OpenRouter, Mistral and others under Model Providers,
    each used once it has an API key. A conversation with one of those models is sent to
    that host, whatever runs locally. Host names are reported, never keys or full URLs."""
    for instance in context.instances:
        if instance.tool.endpoints:
            places = readings(instance, context.facts)
            if not places:
                continue
            for endpoint in instance.tool.endpoints:
                yield _endpoint_finding(self, instance, endpoint, places)
        if instance.tool.provider_files:
            yield from provider_findings(self, instance, context.facts.provider_settings)


CHECKS = (features_off, remote_model_connections)
