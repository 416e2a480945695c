"""Effective values of the knowledge base's settings for one discovered tool.

A tool's settings come from several places: the environment and arguments of its
processes, its containers' environment, its systemd units, and its settings files. Each
place is a `Reading`. Knobs of one group are alternative off switches (vLLM stops usage
stats with any of three variables), so a group is safe in a reading when any member is
set to a safe value. Nothing here returns a value: only whether it is safe and where it
was seen.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from enum import StrEnum

from localproof.checks.base import Check, Context
from localproof.discover import Instance, describe_process
from localproof.facts import Facts
from localproof.kb import Knob
from localproof.model import Evidence, Finding

BOOLEAN_DEFAULTS = ("true", "false")


@dataclass(frozen=True)
class Reading:
    """One place a tool's settings can be read: `values` None means it was unreadable
    (`reason` says why, when known); `unreadable` names single knobs that could not be
    read there, with the reason."""

    where: str
    kinds: tuple[str, ...]  # which knob kinds this place can hold: env, flag, setting
    values: dict[str, str] | None
    argv: tuple[str, ...] = ()
    reason: str | None = None
    unreadable: dict[str, str] = field(default_factory=dict)


class State(StrEnum):
    SAFE = "safe"
    UNSAFE = "unsafe"
    UNSET = "unset"
    UNREADABLE = "unreadable"


@dataclass(frozen=True)
class Observation:
    reading: Reading
    state: State
    knob: Knob | None  # the member that decided it, if one was set


def readings(instance: Instance, facts: Facts) -> list[Reading]:
    places = [
        Reading(describe_process(p), ("env", "flag"), p.environ, p.cmdline)
        for p in instance.processes
    ]
    places += [Reading(f"container {c.name}", ("env",), c.env) for c in instance.containers]
    for unit in instance.units:
        argv = tuple(unit.exec_start[-1].lstrip("-@:+!").split()) if unit.exec_start else ()
        places.append(Reading(f"systemd {unit.name}", ("env", "flag"), unit.environment, argv))
    for settings in facts.settings:
        if settings.tool == instance.tool.slug:
            values = None if settings.error else settings.values
            reason, unreadable = settings.error, settings.unreadable
            reading = Reading(
                settings.path, ("setting",), values, reason=reason, unreadable=unreadable
            )
            places.append(reading)
    for saved in facts.saved_settings:
        if saved.tool == instance.tool.slug:
            values = None if saved.error else saved.values
            # the app's saved copy of an environment setting wins on later starts
            where = f"{saved.path} (saved settings)"
            places.append(Reading(where, ("env",), values, reason=saved.error))
    return places


def _flag_value(knob: Knob, argv: tuple[str, ...]) -> str | None:
    boolean = knob.default is not None and knob.default.lower() in BOOLEAN_DEFAULTS
    for index, arg in enumerate(argv):
        if arg.startswith(knob.name + "="):
            return arg.split("=", 1)[1]
        if arg != knob.name:
            continue
        following = argv[index + 1] if index + 1 < len(argv) else None
        if boolean and (following is None or following.startswith("-")):
            return "true"
        return following if following is not None else ""
    return None


def value_of(knob: Knob, reading: Reading) -> str | None:
    """The knob's value in one reading, or None when it is not set there."""
    if knob.kind not in reading.kinds or reading.values is None:
        return None
    if knob.kind == "flag":
        return _flag_value(knob, reading.argv)
    return reading.values.get(knob.name)


def observe(members: list[Knob], reading: Reading) -> Observation:
    if reading.values is None and any(k.kind in reading.kinds for k in members):
        return Observation(reading, State.UNREADABLE, None)
    explicit = [(k, value_of(k, reading)) for k in members]
    explicit = [(k, v) for k, v in explicit if v is not None]
    for knob, value in explicit:
        if knob.is_safe(value):
            return Observation(reading, State.SAFE, knob)
    if any(k.name in reading.unreadable and k.kind in reading.kinds for k in members):
        return Observation(reading, State.UNREADABLE, None)  # an alternative may be safe
    if explicit:
        return Observation(reading, State.UNSAFE, explicit[0][0])
    return Observation(reading, State.UNSET, None)


def groups(instance: Instance, categories: tuple[str, ...]) -> Iterator[tuple[str, list[Knob]]]:
    """The tool's knob groups in these categories, in knowledge-base order."""
    seen: dict[str, list[Knob]] = {}
    for knob in instance.tool.knobs:
        if knob.category in categories:
            seen.setdefault(knob.group_name, []).append(knob)
    yield from seen.items()


def default_is_safe(members: list[Knob]) -> bool:
    """Unset everywhere: safe if a member's default is safe, or the app decides itself."""
    return any(k.when_unset == "ignore" or k.is_safe(None) for k in members)


def how_to_fix(members: list[Knob]) -> str:
    """Plain instructions: the safe value of each alternative, by kind of setting."""
    ways = []
    for knob in members:
        safe = next((value for value in knob.safe if value), knob.safe[0] if knob.safe else "")
        if knob.kind == "env":
            ways.append(f"set `{knob.name}={safe}` in the service's environment")
        elif knob.kind == "flag" and safe in BOOLEAN_DEFAULTS:
            ways.append(f"start it without `{knob.name}`")
        elif knob.kind == "flag":
            ways.append(f"start it with `{knob.name} {safe}`" if safe else f"drop `{knob.name}`")
        else:
            ways.append(f"set `{knob.name}` to `{safe}` in its settings")
    text = "; or ".join(ways)
    return text[:1].upper() + text[1:] + "."


@dataclass(frozen=True)
class GroupResult:
    """The outcome for one knob group of one tool, without any setting's value."""

    status: str  # pass | fail | unknown
    evidence: tuple[tuple[str, str], ...]  # (where, what)
    reason: str = ""


def _describe(observation: Observation) -> tuple[str, str]:
    knob = observation.knob
    name = knob.name if knob else "setting"
    if observation.state is State.SAFE:
        return observation.reading.where, f"{name} is set to a safe value"
    return observation.reading.where, f"{name} is set to a value that turns it on"


def _unreadable_place(observation: Observation, members: list[Knob]) -> str:
    """Where a setting could not be read, and why when that is known."""
    reading = observation.reading
    reasons = [reading.unreadable[k.name] for k in members if k.name in reading.unreadable]
    reason = reading.reason or "; ".join(dict.fromkeys(reasons))
    return f"{reading.where} ({reason})" if reason else reading.where


def evaluate(members: list[Knob], places: list[Reading]) -> GroupResult:
    kinds = {k.kind for k in members}
    relevant = [observe(members, r) for r in places if kinds.intersection(r.kinds)]
    unsafe = [o for o in relevant if o.state is State.UNSAFE]
    safe = [o for o in relevant if o.state is State.SAFE]
    unreadable = [o for o in relevant if o.state is State.UNREADABLE]
    if unsafe:
        return GroupResult("fail", tuple(_describe(o) for o in unsafe))
    if safe:
        return GroupResult("pass", tuple(_describe(o) for o in safe))
    names = " / ".join(k.name for k in members)
    default = members[0].default or "unset"
    if not relevant:
        return GroupResult(
            "unknown",
            (),
            f"no running process, service, container or settings "
            f"file to read {names} from (default: {default})",
        )
    if unreadable:
        where = ", ".join(_unreadable_place(o, members) for o in unreadable)
        return GroupResult("unknown", (), "settings not readable: " + where)
    where = ", ".join(o.reading.where for o in relevant)
    if default_is_safe(members):
        return GroupResult("pass", ((where, f"{names} not set; the default is safe"),))
    return GroupResult(
        "fail",
        ((where, f"{names} not set: the default ({default}) applies: {members[0].meaning}"),),
    )


def knob_findings(
    self: Check, context: Context, categories: tuple[str, ...], skip: tuple[str, ...] = ()
) -> Iterator[Finding]:
    """pass / fail / unknown per tool and knob group of the given categories."""
    for instance in context.instances:
        places = readings(instance, context.facts)
        for group, members in groups(instance, categories):
            if group in skip:
                continue
            result = evaluate(members, places)
            slug = instance.tool.slug
            resource = f"{slug} {group}"
            evidence = tuple(Evidence(where, what) for where, what in result.evidence)
            if result.status == "pass":
                yield self.passed(slug, resource, *evidence)
            elif result.status == "fail":
                yield self.failed(slug, resource, *evidence, remediation=how_to_fix(members))
            else:
                yield self.unknown(slug, resource, result.reason)
