"""Exposure: who besides this machine's own users can reach a local AI service."""

from __future__ import annotations

from collections.abc import Iterator

from localproof.checks.base import Check, Context, check
from localproof.checks.knobs import knob_findings
from localproof.checks.netaddr import bind_host, scope
from localproof.checks.savedserver import SavedServer, saved_servers
from localproof.discover import Instance, describe_process
from localproof.facts import Container, Process, Socket, SystemdUnit
from localproof.model import Category, Evidence, Finding, Severity

DOCKER_FIX = (
    "Publish the port on loopback only, e.g. `-p 127.0.0.1:{host_port}:{port}` (Compose: "
    '`"127.0.0.1:{host_port}:{port}"`), then recreate the container. Docker writes its own '
    "iptables rules, so ufw or firewalld rules do not protect a published port."
)
UNIT_FIX = (
    'Run `systemctl edit {unit}` and set `Environment="{knob}=127.0.0.1"` (or delete the '
    "override in {source}), then `systemctl daemon-reload && systemctl restart {unit}`."
)
SOCKET_FIX = (
    "Bind {tool} to 127.0.0.1: {knobs}. If other machines must reach it, put it behind a "
    "reverse proxy with authentication and TLS, or a firewall rule for known addresses."
)
SAVED_FIX = (
    "Set `{knob}` to 127.0.0.1 in {tool}'s settings and restart its server. If other "
    "machines must reach it, keep an API key set and allow them with a firewall rule for "
    "known addresses."
)


def _severity(instance: Instance, port: int | None) -> Severity:
    listener = instance.tool.listener(port) if port is not None else None
    auth = listener.auth if listener else instance.tool.listeners[0].auth
    return Severity.CRITICAL if auth == "none" else Severity.HIGH


def _knob_names(instance: Instance) -> str:
    names = [f"`{k.name}`" for k in instance.tool.bind_knobs if k.syntax != "port"]
    return "set " + " or ".join(names) if names else "change its listen address"


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
    findings = [
        *live,
        *(_process_findings(self, instance)),
        *(_unit_findings(self, instance)),
        *(_container_findings(self, instance)),
    ]
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
    fix = SOCKET_FIX.format(tool=instance.tool.name, knobs=_knob_names(instance))
    return self.failed(
        slug,
        socket.endpoint,
        evidence,
        *_probe_evidence(context, instance, socket),
        severity=_severity(instance, socket.port),
        remediation=fix,
    )


def _configured_hosts(instance: Instance, env: dict[str, str]) -> Iterator[tuple[str, str, int]]:
    """(knob, host, port) for each bind setting present in an environment."""
    for knob in instance.tool.bind_knobs:
        if knob.kind == "env" and knob.name in env:
            listener = instance.tool.listener(knob.port)
            default = listener.default_bind if listener else "127.0.0.1"
            host = bind_host(env[knob.name], knob.syntax, default)
            if host is not None:
                yield knob.name, host, knob.port


def _flag_hosts(instance: Instance, argv: tuple[str, ...]) -> Iterator[tuple[str, str, int]]:
    for knob in instance.tool.bind_knobs:
        if knob.kind != "flag":
            continue
        for index, arg in enumerate(argv):
            value = None
            if arg == knob.name and index + 1 < len(argv):
                value = argv[index + 1]
            elif arg.startswith(knob.name + "="):
                value = arg.split("=", 1)[1]
            host = bind_host(value, knob.syntax, "127.0.0.1") if value is not None else None
            if host is not None:
                yield knob.name, host, knob.port


def _process_findings(self: Check, instance: Instance) -> Iterator[Finding]:
    """Only for processes whose sockets could not be seen (e.g. fds unreadable)."""
    seen = {pid for s in instance.sockets for pid in s.pids}
    for process in instance.processes:
        if process.pid in seen:
            continue
        settings = list(_flag_hosts(instance, process.cmdline))
        settings += _configured_hosts(instance, process.environ or {})
        for knob, host, port in settings:
            yield _setting_finding(
                self, instance, f"process {process.pid}", process, knob, host, port
            )


def _setting_finding(
    self: Check,
    instance: Instance,
    resource: str,
    process: Process | None,
    knob: str,
    host: str,
    port: int,
) -> Finding:
    slug = instance.tool.slug
    source = describe_process(process) if process else resource
    evidence = Evidence(source, f"{knob} binds to {host} ({scope(host)})")
    if scope(host) == "loopback":
        return self.passed(slug, resource, evidence)
    fix = SOCKET_FIX.format(tool=instance.tool.name, knobs=_knob_names(instance))
    return self.failed(
        slug, resource, evidence, severity=_severity(instance, port), remediation=fix
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
        severity=_severity(instance, server.listener.port),
        remediation=SAVED_FIX.format(knob=server.host_knob, tool=name),
    )


def _unit_findings(self: Check, instance: Instance) -> Iterator[Finding]:
    for unit in instance.units:
        for knob, host, port in _configured_hosts(instance, unit.environment):
            yield _unit_finding(self, instance, unit, knob, host, port)


def _unit_finding(
    self: Check, instance: Instance, unit: SystemdUnit, knob: str, host: str, port: int
) -> Finding:
    slug = instance.tool.slug
    source = unit.environment_sources.get(knob, unit.path)
    evidence = Evidence(source, f"{knob} binds {unit.name} to {host} ({scope(host)})")
    resource = f"systemd {unit.name}"
    if scope(host) == "loopback":
        return self.passed(slug, resource, evidence)
    fix = UNIT_FIX.format(unit=unit.name, knob=knob, source=source)
    return self.failed(
        slug, resource, evidence, severity=_severity(instance, port), remediation=fix
    )


def _container_findings(self: Check, instance: Instance) -> Iterator[Finding]:
    for container in instance.containers:
        if container.network_mode == "host":
            yield _host_network_finding(self, instance, container)
        for binding in container.ports:
            resource = f"container {container.name} port {binding.host_port}/{binding.proto}"
            host = binding.host_ip or "0.0.0.0"  # noqa: S104 - Docker's meaning of ""
            evidence = Evidence(
                f"docker {container.id[:12]} hostconfig.json",
                f"{host}:{binding.host_port} -> {binding.container_port}/{binding.proto}"
                f" ({scope(host)}){'' if container.running else ', container stopped'}",
            )
            if scope(host) == "loopback":
                yield self.passed(instance.tool.slug, resource, evidence)
                continue
            fix = DOCKER_FIX.format(host_port=binding.host_port, port=binding.container_port)
            yield self.failed(
                instance.tool.slug,
                resource,
                evidence,
                severity=_severity(instance, binding.container_port),
                remediation=fix,
            )


def _host_network_finding(self: Check, instance: Instance, container: Container) -> Finding:
    resource = f"container {container.name} host network"
    evidence = Evidence(
        f"docker {container.id[:12]} hostconfig.json",
        "NetworkMode host: the service binds the host's interfaces directly",
    )
    hosts = list(_configured_hosts(instance, container.env))
    if hosts and all(scope(host) == "loopback" for _, host, _ in hosts):
        return self.passed(instance.tool.slug, resource, evidence)
    default = instance.tool.listeners[0]
    host = hosts[0][1] if hosts else default.default_bind
    if scope(host) == "loopback":
        return self.passed(instance.tool.slug, resource, evidence)
    return self.failed(
        instance.tool.slug,
        resource,
        evidence,
        Evidence("bind", f"{host} ({scope(host)})"),
        severity=_severity(instance, default.port),
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
