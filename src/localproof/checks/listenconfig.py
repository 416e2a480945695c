"""Listen addresses that configuration sets, for `exposure.api-beyond-loopback`.

Where no live socket shows what a service binds, its configuration still says: the
command-line flags and environment of a running process, the environment a systemd unit
gives it, and the ports a container publishes or its use of the host's network. Each
setting becomes a finding; live sockets and saved app settings stay in `exposure`.
"""

from __future__ import annotations

from collections.abc import Iterator

from localproof.checks.base import Check
from localproof.checks.netaddr import bind_host, scope
from localproof.discover import Instance, describe_process
from localproof.facts import Container, Process, SystemdUnit
from localproof.model import Evidence, Finding, Severity

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


def listen_severity(instance: Instance, port: int | None) -> Severity:
    """Critical when the listener on `port` (or the tool's first) has no authentication."""
    listener = instance.tool.listener(port) if port is not None else None
    auth = listener.auth if listener else instance.tool.listeners[0].auth
    return Severity.CRITICAL if auth == "none" else Severity.HIGH


def socket_fix(instance: Instance) -> str:
    names = [f"`{k.name}`" for k in instance.tool.bind_knobs if k.syntax != "port"]
    knobs = "set " + " or ".join(names) if names else "change its listen address"
    return SOCKET_FIX.format(tool=instance.tool.name, knobs=knobs)


def configured_findings(self: Check, instance: Instance) -> Iterator[Finding]:
    """Processes whose sockets were not seen, then systemd units, then containers."""
    yield from _process_findings(self, instance)
    yield from _unit_findings(self, instance)
    yield from _container_findings(self, instance)


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
    return self.failed(
        slug,
        resource,
        evidence,
        severity=listen_severity(instance, port),
        remediation=socket_fix(instance),
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
        slug, resource, evidence, severity=listen_severity(instance, port), remediation=fix
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
                severity=listen_severity(instance, binding.container_port),
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
        severity=listen_severity(instance, default.port),
    )
