"""Cloud tracing: libraries that upload prompts from any program, set up host-wide."""

from __future__ import annotations

from collections.abc import Iterator

from localproof.checks.base import Check, Context, check
from localproof.kb import Knob
from localproof.model import Category, Evidence, Finding, Severity

TRACING_FIX = (
    "Remove {name} from {where} (or set it to false), so that programs started from it stop "
    "uploading their runs; keep tracing for projects that may send their data out."
)


def _places(context: Context) -> Iterator[tuple[str, str, str, str]]:
    """(where, resource, name, value) of every variable set in a unit or a process."""
    for unit in context.facts.units:
        for name, value in unit.environment.items():
            where = unit.environment_sources.get(name, unit.path)
            yield where, f"systemd {unit.name}", name, value
    for process in context.facts.processes:
        for name, value in (process.environ or {}).items():
            yield f"{process.program} (pid {process.pid})", f"process {process.pid}", name, value


def _unsafe(knobs: dict[str, Knob], name: str, value: str) -> bool:
    knob = knobs.get(name)
    return knob is not None and not knob.is_safe(value)


@check(
    id="cloud.tracing-off",
    category=Category.CLOUD,
    title="No program is set up to upload prompts to a tracing service",
    severity=Severity.HIGH,
    control="NET-05",
    threats=("provider-breach", "provider-training", "legal-discovery"),
    remediation="Turn LangSmith/LangChain tracing off outside projects that may upload data.",
)
def tracing_off(self: Check, context: Context) -> Iterator[Finding]:
    """LangChain and the LangSmith SDK upload every traced run — prompts, completions,
    tool calls — to LangSmith once a tracing variable is `true`. Set in a shell profile,
    /etc/environment or a service unit, it turns a local pipeline into a cloud one for
    every program that uses those libraries, whatever model it runs."""
    knobs = {
        k.name: k for lib in context.libraries.values() for k in lib.knobs if k.category == "cloud"
    }
    scan = context.facts.profiles
    failed = False
    for item in scan.assignments:
        if _unsafe(knobs, item.name, item.value):
            failed = True
            evidence = Evidence(f"{item.path}:{item.line}", f"{item.name} turns tracing on")
            fix = TRACING_FIX.format(name=item.name, where=item.path)
            yield self.failed(None, f"{item.path}:{item.line}", evidence, remediation=fix)
    for where, resource, name, value in _places(context):
        if _unsafe(knobs, name, value):
            failed = True
            evidence = Evidence(where, f"{name} turns tracing on")
            fix = TRACING_FIX.format(name=name, where=resource)
            yield self.failed(None, resource, evidence, remediation=fix)
    for path, reason in scan.unreadable:
        yield self.unknown(None, path, f"start-up file not readable: {reason}")
    if not failed and not scan.unreadable:
        detail = f"no tracing variable in {scan.files_read} start-up files, units or processes"
        yield self.passed(None, "tracing variables", Evidence("environment", detail))


CHECKS = (tracing_off,)
