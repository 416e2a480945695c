"""Authentication: services that answer anyone who reaches them."""

from __future__ import annotations

from collections.abc import Iterator

from localproof.checks.base import Check, Context, check
from localproof.checks.knobs import Reading, knob_findings, readings, value_of
from localproof.checks.netaddr import scope
from localproof.discover import Instance, describe_process
from localproof.kb import Knob
from localproof.model import Category, Evidence, Finding, Severity

OPEN_WEBUI_FIX = (
    "Remove `WEBUI_AUTH=False` (login is on by default) from {where}, restart Open WebUI "
    "and create an admin account with a strong password. Without login every visitor is the "
    "admin and can read every user's chats."
)


def _knob_sources(instance: Instance) -> Iterator[tuple[str, dict[str, str] | None]]:
    """(where, environment) for every place the tool's settings can come from."""
    for process in instance.processes:
        yield describe_process(process), process.environ
    for container in instance.containers:
        yield f"container {container.name}", container.env
    for unit in instance.units:
        yield f"systemd {unit.name}", unit.environment


def _setting_findings(self: Check, instance: Instance, knob: Knob) -> Iterator[Finding]:
    slug = instance.tool.slug
    sources = list(_knob_sources(instance))
    if not sources:
        yield self.unknown(
            slug,
            f"{slug} {knob.name}",
            "no running process, container or service to read the setting from",
        )
        return
    for where, environment in sources:
        resource = f"{where} {knob.name}"
        if environment is None:
            yield self.unknown(slug, resource, "process environment not readable (run as root)")
            continue
        value = environment.get(knob.name)
        safe = knob.is_safe(value)
        if value is None:
            state = f"unset, so the default ({knob.default}) applies"
        else:
            state = "set to a safe value" if safe else "set to a value that turns login off"
        evidence = Evidence(where, f"{knob.name} is {state}")
        if safe:
            yield self.passed(slug, resource, evidence)
        else:
            yield self.failed(
                slug, resource, evidence, remediation=OPEN_WEBUI_FIX.format(where=where)
            )


@check(
    id="auth.open-webui-login",
    category=Category.AUTH,
    title="Open WebUI requires users to log in",
    severity=Severity.HIGH,
    control="AUTH-01",
    threats=("network-reach", "shared-host"),
    remediation="Keep WEBUI_AUTH at its default (True) and protect the admin account.",
)
def open_webui_login(self: Check, context: Context) -> Iterator[Finding]:
    """With `WEBUI_AUTH=False` Open WebUI runs without any login: every visitor is signed
    in as the administrator and can read all stored conversations, uploaded files and
    connection settings."""
    for instance in context.instances:
        knob = instance.tool.knob("WEBUI_AUTH")
        if instance.tool.slug == "open-webui" and knob is not None:
            yield from _setting_findings(self, instance, knob)


@check(
    id="auth.risky-setting",
    category=Category.AUTH,
    title="Sign-up and login settings keep strangers out",
    severity=Severity.HIGH,
    control="AUTH-02",
    threats=("network-reach", "shared-host"),
    remediation="Close open registration and keep login requirements on.",
)
def risky_setting(self: Check, context: Context) -> Iterator[Finding]:
    """Open self-registration, unverified e-mail logins or unauthenticated read access
    let anyone who reaches the service create an account or read from it; what they can
    then see depends on the tool, often every shared conversation and document."""
    yield from knob_findings(self, context, ("auth",), skip=("WEBUI_AUTH",))


NO_AUTH_FIX = (
    "{tool} has no authentication of its own. Keep it on 127.0.0.1; if others must use "
    "it, put a reverse proxy with authentication and TLS in front of it."
)
KEY_FIX = "Start {tool} with {ways}, and give clients the key."


def _credential_set(instance: Instance, reading: Reading) -> bool:
    for credential in instance.tool.credentials:
        probe = Knob(credential.kind, credential.name, "auth", None, (), "", credential.claim)
        if value_of(probe, reading):
            return True
    return False


def _exposed(instance: Instance) -> bool:
    return any(scope(s.address) != "loopback" for s in instance.sockets) or any(
        scope(b.host_ip or "0.0.0.0") != "loopback"  # noqa: S104 - Docker's meaning of ""
        for c in instance.containers
        for b in c.ports
    )


def _credential_finding(self: Check, context: Context, instance: Instance) -> Iterator[Finding]:
    slug = instance.tool.slug
    tool = instance.tool.name
    auth = {listener.auth for listener in instance.tool.listeners}
    severity = Severity.HIGH if _exposed(instance) else Severity.LOW
    if auth == {"none"}:
        yield self.failed(
            slug,
            f"{slug} API",
            Evidence(instance.tool.listeners[0].claim.source, "the API has no authentication"),
            severity=severity,
            remediation=NO_AUTH_FIX.format(tool=tool),
        )
        return
    places = [r for r in readings(instance, context.facts) if "setting" not in r.kinds]
    if not instance.tool.credentials or not places:
        return
    for reading in places:
        resource = f"{reading.where} API key"
        if reading.values is None:
            yield self.unknown(slug, resource, "process environment not readable (run as root)")
        elif _credential_set(instance, reading):
            yield self.passed(slug, resource, Evidence(reading.where, "an API key is set"))
        else:
            ways = " or ".join(f"`{c.name}`" for c in instance.tool.credentials)
            yield self.failed(
                slug,
                resource,
                Evidence(reading.where, "no API key is set"),
                severity=severity,
                remediation=KEY_FIX.format(tool=tool, ways=ways),
            )


@check(
    id="auth.api-credentials",
    category=Category.AUTH,
    title="Model APIs ask for credentials",
    severity=Severity.MEDIUM,
    control="AUTH-03",
    threats=("network-reach", "shared-host"),
    remediation="Turn on the API key, or keep the API on loopback behind a proxy that asks.",
)
def api_credentials(self: Check, context: Context) -> Iterator[Finding]:
    """A model API without credentials serves anyone who reaches it: every local user
    and process, every web page that gets around CORS, and — once it listens beyond
    loopback — the network. Some servers cannot ask for credentials at all (Ollama);
    others can but do not by default (llama.cpp's server, vLLM, LocalAI)."""
    for instance in context.instances:
        if instance.tool.listeners and (instance.processes or instance.units):
            yield from _credential_finding(self, context, instance)


CHECKS = (open_webui_login, risky_setting, api_credentials)
