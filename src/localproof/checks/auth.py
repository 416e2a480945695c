"""Authentication: services that answer anyone who reaches them."""

from __future__ import annotations

from collections.abc import Iterator

from localproof.checks.base import Check, Context, check
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


CHECKS = (open_webui_login,)
