"""Exposure: who besides this machine's own users can reach a local AI service."""

from __future__ import annotations

from collections.abc import Iterator

from localproof.checks.base import Check, Context, check
from localproof.checks.knobs import knob_findings
from localproof.checks.listenconfig import configured_findings, listen_severity, socket_fix
from localproof.checks.netaddr import scope
from localproof.checks.savedserver import SavedServer, saved_servers
from localproof.discover import Instance, describe_process
from localproof.facts import Socket
from localproof.model import Category, Evidence, Finding, Severity

SAVED_FIX = (
    "Set `{knob}` to 127.0.0.1 in {tool}'s settings and restart its server. If other "
    "machines must reach it, keep an API key set and allow them with a firewall rule for "
    "known addresses."
)


@check(
    id="exposure.api-beyond-loopback",
    category=Category.EXPOSURE,
    title="AI services listen on loopback only",
    severity=Severity.HIGH,
    control="NET-01",
    threats=("network-reach",),
    remediation="Bind the service to 127.0.0.1 or put it behind an authenticating proxy.",
)
def api_beyond_loopback(self: Check, context: Context) -> Iterator[Finding]:
    """A model API bound to 0.0.0.0, `::` or a LAN address can be used by anyone who can
    reach this machine: other devices on the network, other tenants of a VPS, or the whole
    internet. Many local AI servers have no authentication, so reaching the port means
    running models, reading model lists and pulling or deleting models."""
    for problem in context.facts.problems_for("/proc/net"):
        yield self.unknown(None, problem.source, f"listening sockets unknown: {problem.reason}")
    for problem in context.facts.problems_for("/var/lib/docker"):
        yield self.unknown(None, problem.source, f"container unreadable: {problem.reason}")
    for instance in context.instances:
        if instance.tool.listeners:
            yield from _instance_findings(self, context, instance)


def _instance_findings(self: Check, context: Context, instance: Instance) -> Iterator[Finding]:
    live = [_socket_finding(self, context, instance, s) for s in instance.sockets]
    findings = [*live, *configured_findings(self, instance)]
    if not live:  # live sockets win; without them, what the app's saved settings will bind
        findings += _saved_findings(self, context, instance)
    if findings:
        yield from findings
        return
    slug = instance.tool.slug
    if context.facts.proc_available:
        yield self.passed(
            slug,
            f"{slug} listeners",
            Evidence("/proc/net", "no listening socket owned by its processes"),
        )
    else:
        yield self.unknown(
            slug,
            f"{slug} listeners",
            "live state is not available under the audit root (no proc/), and no "
            "configuration sets a listen address",
        )


def _probe_evidence(context: Context, instance: Instance, socket: Socket) -> list[Evidence]:
    """What `--probe` saw on this socket's port, on this host's own addresses."""
    evidence = []
    for result in context.facts.probes:
        if result.tool != instance.tool.slug or result.port != socket.port:
            continue
        if result.answered:
            detail = f"GET {result.path} on {result.endpoint} answered HTTP {result.status}"
        else:
            detail = (
                f"GET {result.path} on {result.endpoint} got no answer ({result.error}); "
                "a firewall may block it, but the service still binds beyond loopback"
            )
        evidence.append(Evidence("probe", detail))
    return evidence


def _socket_finding(self: Check, context: Context, instance: Instance, socket: Socket) -> Finding:
    slug = instance.tool.slug
    owners = ", ".join(describe_process(p) for p in instance.processes if p.pid in socket.pids)
    where = scope(socket.address)
    evidence = Evidence(
        f"/proc/net/{socket.proto}{'6' if socket.family == 6 else ''}",
        f"{socket.endpoint} listening on {where}, owned by {owners}",
    )
    if where == "loopback":
        return self.passed(slug, socket.endpoint, evidence)
    return self.failed(
        slug,
        socket.endpoint,
        evidence,
        *_probe_evidence(context, instance, socket),
        severity=listen_severity(instance, socket.port),
        remediation=socket_fix(instance),
    )


def _saved_findings(self: Check, context: Context, instance: Instance) -> Iterator[Finding]:
    """The address each settings file gives the server (Jan's `serverHost`), and whether it
    starts with the app; a server configured beyond loopback fails even when it is not
    running now, like a stopped container that publishes a port."""
    running = context.facts.proc_available and bool(instance.processes)
    for server in saved_servers(instance, context.facts):
        resource = f"{server.where} API server"
        if server.reason:
            reason = f"saved settings not readable: {server.reason}"
            yield self.unknown(instance.tool.slug, resource, reason)
        else:
            yield _saved_finding(self, instance, server, resource, running=running)


def _saved_finding(
    self: Check, instance: Instance, server: SavedServer, resource: str, *, running: bool
) -> Finding:
    slug, name = instance.tool.slug, instance.tool.name
    evidence = [Evidence(server.where, server.address())]
    start = server.start()
    if start:
        evidence.append(Evidence(server.where, start))
    if running:
        detail = f"{name} is running and none of its processes was seen listening"
        evidence.append(Evidence("/proc/net", detail))
    if server.scope == "loopback":
        return self.passed(slug, resource, *evidence)
    when = f"whenever {name} runs" if server.autostart is not False else "once it is started"
    evidence.append(Evidence("access", f"reachable from other machines {when}"))
    return self.failed(
        slug,
        resource,
        *evidence,
        severity=listen_severity(instance, server.listener.port),
        remediation=SAVED_FIX.format(knob=server.host_knob, tool=name),
    )


@check(
    id="exposure.risky-setting",
    category=Category.EXPOSURE,
    title="No setting opens a service to web pages, tunnels or peers",
    severity=Severity.HIGH,
    control="NET-02",
    threats=("network-reach",),
    remediation="Turn the setting named in the evidence off.",
)
def risky_setting(self: Check, context: Context) -> Iterator[Finding]:
    """Some settings reach past the listen address: a permissive CORS origin
    (`OLLAMA_ORIGINS=*`) lets any web page open in the user's browser call the local
    API; share links and tunnels (`--share`, `--public-api`, `--remotetunnel`) publish
    it on the internet; peer-to-peer modes join it to other machines."""
    yield from knob_findings(self, context, ("exposure",))


CHECKS = (api_beyond_loopback, risky_setting)
