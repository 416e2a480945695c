"""Authentication: services that answer anyone who reaches them."""

from __future__ import annotations

from collections.abc import Iterator

from localproof.checks.base import Check, Context, check
from localproof.checks.knobs import Reading, knob_findings, readings, value_of
from localproof.checks.netaddr import scope
from localproof.checks.savedsecrets import saved_key_findings
from localproof.discover import Instance, describe_process
from localproof.facts.settings import SavedSettings
from localproof.kb import Credential, Knob
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
    skip = ("WEBUI_AUTH", "ENABLE_SIGNUP", "DEFAULT_USER_ROLE")  # own checks
    yield from knob_findings(self, context, ("auth",), skip=skip)


NO_AUTH_FIX = (
    "{tool} has no authentication of its own. Keep it on 127.0.0.1; if others must use "
    "it, put a reverse proxy with authentication and TLS in front of it."
)
KEY_FIX = "Start {tool} with {ways}, and give clients the key."


def _credential_set(credentials: list[Credential], reading: Reading) -> bool:
    for credential in credentials:
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
    credentials = [c for c in instance.tool.credentials if c.kind != "setting"]
    if not credentials or not places:
        return  # keys kept in settings files: saved_key_findings
    for reading in places:
        resource = f"{reading.where} API key"
        if reading.values is None:
            yield self.unknown(slug, resource, "process environment not readable (run as root)")
        elif _credential_set(credentials, reading):
            yield self.passed(slug, resource, Evidence(reading.where, "an API key is set"))
        else:
            ways = " or ".join(f"`{c.name}`" for c in credentials)
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
    others can but do not by default (llama.cpp's server, vLLM, LocalAI, Jan). A key an
    app saves in its settings file (Jan's `apiKey`) is read there, only as set or empty,
    with who can read the file."""
    for instance in context.instances:
        if instance.tool.listeners and (instance.processes or instance.units):
            yield from _credential_finding(self, context, instance)
        if instance.tool.listeners:
            yield from saved_key_findings(self, instance, context.facts)


SIGNUP_FIX = (
    "In Admin Panel > Settings > General turn off 'Enable New Sign Ups', or keep the default "
    "user role at 'pending' so that an admin approves each new account."
)
ONBOARDING_FIX = (
    "Open it now from this machine and create the admin account, or keep it stopped until "
    "you do: until then, whoever reaches it first becomes its administrator."
)


def _signup_finding(self: Check, saved: SavedSettings, exposed: bool) -> Finding:
    resource = f"{saved.path} sign-up"
    if saved.error:
        return self.unknown("open-webui", resource, f"database not readable: {saved.error}")
    severity = Severity.CRITICAL if exposed else Severity.HIGH
    if saved.accounts == 0:
        evidence = Evidence(saved.path, "no account exists: the first visitor becomes admin")
        return self.failed(
            "open-webui", resource, evidence, severity=severity, remediation=ONBOARDING_FIX
        )
    signup = saved.values.get("ENABLE_SIGNUP", "false").lower() == "true"
    role = saved.values.get("DEFAULT_USER_ROLE", "pending").lower()
    if signup and role != "pending":
        evidence = Evidence(saved.path, f"sign-up is open and new accounts get role {role}")
        return self.failed(
            "open-webui", resource, evidence, severity=severity, remediation=SIGNUP_FIX
        )
    detail = "sign-up is closed" if not signup else "new accounts wait for an admin's approval"
    return self.passed("open-webui", resource, Evidence(saved.path, detail))


@check(
    id="auth.open-webui-signup",
    category=Category.AUTH,
    title="Open WebUI lets no stranger create an account",
    severity=Severity.HIGH,
    control="AUTH-02",
    threats=("network-reach", "shared-host"),
    remediation="Close sign-up or keep new accounts pending until an admin approves them.",
)
def open_webui_signup(self: Check, context: Context) -> Iterator[Finding]:
    """Open WebUI closes sign-up after the first account and saves that choice in its
    database; an admin can reopen it, and if the default role is `user` anyone who reaches
    the page gets an account and a chat window. A database with no account at all is
    worse: the first visitor is made administrator and sees everything."""
    exposed = {i.tool.slug: _exposed(i) for i in context.instances}
    for saved in context.facts.saved_settings:
        if saved.tool == "open-webui":
            yield _signup_finding(self, saved, exposed.get("open-webui", False))


CHECKS = (open_webui_login, risky_setting, api_credentials, open_webui_signup)
