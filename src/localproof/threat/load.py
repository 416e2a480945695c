"""Strict loaders of the threat-model data (the TOML files of this package) and of profile
files. Every cross-reference is checked: unknown threats, controls, classes, frameworks
or citations are errors, and so is a provision mapped to no control."""

from __future__ import annotations

import tomllib
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any, TypeVar

from localproof.model import Conflict, Provision
from localproof.threat.catalog import (
    Addresses,
    Catalog,
    Control,
    DataClass,
    Framework,
    Need,
    Profile,
    Threat,
    ThreatModelError,
    Weight,
)
from localproof.threat.fields import Fields, items

CONFIDENCE_MARKS = ("C", "S", "U")


Reader = Callable[[str], str]


def package_text(name: str) -> str:
    """A data file of this package."""
    return resources.files("localproof.threat").joinpath(name).read_text(encoding="utf-8")


def _document(read: Reader, name: str) -> dict[str, Any]:
    text = read(name)
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise ThreatModelError(f"{name}: {error}") from error


E = TypeVar("E", Addresses, Need, Weight)


def _choice(kind: type[E], value: str, where: str) -> E:
    try:
        return kind(value)
    except ValueError:
        known = ", ".join(m.value for m in kind)
        raise ThreatModelError(f"{where}: {value!r} is not one of {known}") from None


def _threats(read: Reader) -> dict[str, Threat]:
    found: dict[str, Threat] = {}
    for n, raw in enumerate(items(_document(read, "threats.toml"), "threat", "threats.toml")):
        f = Fields(raw, f"threats.toml threat #{n + 1}")
        threat = Threat(
            id=f.text("id"),
            name=f.text("name"),
            description=f.text("description"),
            local_ai=_choice(Addresses, f.text("local_ai"), f.where),
            local_ai_note=f.text("local_ai_note"),
            aliases=f.texts("aliases", ()),
        )
        f.done()
        if threat.id in found:
            raise ThreatModelError(f"threats.toml: duplicate threat {threat.id}")
        found[threat.id] = threat
    return found


def _data_classes(read: Reader) -> dict[str, DataClass]:
    found: dict[str, DataClass] = {}
    for n, raw in enumerate(
        items(_document(read, "data_classes.toml"), "class", "data_classes.toml")
    ):
        f = Fields(raw, f"data_classes.toml class #{n + 1}")
        item = DataClass(
            id=f.text("id"),
            name=f.text("name"),
            description=f.text("description"),
            local_ai=_choice(Need, f.text("local_ai"), f.where),
            strictness=f.number("strictness"),
            stricter_preset=f.text("stricter_preset"),
            census=f.texts("census"),
        )
        f.done()
        found[item.id] = item
    return found


def _controls(read: Reader, threats: Mapping[str, Threat]) -> dict[str, Control]:
    found: dict[str, Control] = {}
    for n, raw in enumerate(items(_document(read, "controls.toml"), "control", "controls.toml")):
        f = Fields(raw, f"controls.toml control #{n + 1}")
        item = Control(f.text("id"), f.text("name"), f.text("description"), f.texts("threats"))
        f.done()
        if unknown := [t for t in item.threats if t not in threats]:
            raise ThreatModelError(f"control {item.id}: unknown threat(s) {', '.join(unknown)}")
        if item.id in found:
            raise ThreatModelError(f"controls.toml: duplicate control {item.id}")
        found[item.id] = item
    return found


def _frameworks(
    read: Reader, controls: Mapping[str, Control]
) -> tuple[dict[str, Framework], list[Provision]]:
    document = _document(read, "frameworks.toml")
    frameworks: dict[str, Framework] = {}
    for n, raw in enumerate(items(document, "framework", "frameworks.toml", ("provision",))):
        f = Fields(raw, f"frameworks.toml framework #{n + 1}")
        frameworks[f.text("id")] = Framework(f.text("id"), f.text("name"), f.text("binds"))
        f.done()
    provisions: list[Provision] = []
    for n, raw in enumerate(items(document, "provision", "frameworks.toml", ("framework",))):
        f = Fields(raw, f"frameworks.toml provision #{n + 1}")
        item = Provision(
            framework=f.text("framework"),
            citation=f.text("citation"),
            title=f.text("title"),
            status=f.text("status"),
            confidence=f.text("confidence"),
            controls=f.texts("controls"),
        )
        f.done()
        _check_provision(item, frameworks, controls, f.where)
        if any(p.citation == item.citation for p in provisions):
            raise ThreatModelError(f"{f.where}: duplicate citation {item.citation!r}")
        provisions.append(item)
    return frameworks, provisions


def _check_provision(
    item: Provision,
    frameworks: Mapping[str, Framework],
    controls: Mapping[str, Control],
    where: str,
) -> None:
    if item.framework not in frameworks:
        raise ThreatModelError(f"{where}: unknown framework {item.framework!r}")
    if item.confidence not in CONFIDENCE_MARKS:
        raise ThreatModelError(f"{where}: confidence must be one of C, S, U")
    if not item.controls:
        raise ThreatModelError(f"{where} ({item.citation}): mapped to no control")
    if unknown := [c for c in item.controls if c not in controls]:
        raise ThreatModelError(f"{where} ({item.citation}): unknown control(s) {unknown}")


def _conflicts(
    read: Reader,
    controls: Mapping[str, Control],
    frameworks: Mapping[str, Framework],
    cited: set[str],
) -> list[Conflict]:
    found: list[Conflict] = []
    for n, raw in enumerate(items(_document(read, "conflicts.toml"), "conflict", "conflicts.toml")):
        f = Fields(raw, f"conflicts.toml conflict #{n + 1}")
        item = Conflict(
            id=f.text("id"),
            title=f.text("title"),
            controls=f.texts("controls"),
            regimes=f.texts("regimes"),
            retention=f.flag("retention"),
            monitoring_duty=f.flag("monitoring_duty"),
            explanation=f.text("explanation"),
            advice=f.text("advice"),
            provisions=f.texts("provisions"),
        )
        f.done()
        bad = [c for c in item.controls if c not in controls]
        bad += [r for r in item.regimes if r not in frameworks]
        bad += [p for p in item.provisions if p not in cited]
        if bad:
            raise ThreatModelError(f"conflict {item.id}: unknown reference(s) {bad}")
        found.append(item)
    return found


def _weights(
    raw: Mapping[str, str], threats: Mapping[str, Threat], where: str
) -> dict[str, Weight]:
    weights: dict[str, Weight] = {}
    for name, value in raw.items():
        resolved = _resolve(name, threats, where)
        for threat in resolved:
            weights[threat] = _choice(Weight, value, f"{where} threats.{name}")
    return weights


def _resolve(name: str, threats: Mapping[str, Threat], where: str) -> tuple[str, ...]:
    if name in threats:
        return (name,)
    resolved = tuple(t.id for t in threats.values() if name in t.aliases)
    if not resolved:
        raise ThreatModelError(f"{where}: unknown threat {name!r}")
    return resolved


@dataclass(frozen=True)
class _Parts:
    """What a profile may refer to."""

    threats: Mapping[str, Threat]
    data_classes: Mapping[str, DataClass]
    frameworks: Mapping[str, Framework]


def _profile(f: Fields, parts: _Parts, name: str, base: Profile | None, source: str) -> Profile:
    """A profile from a table; keys it leaves out come from `base`."""
    data_classes = f.texts("data_classes", base.data_classes if base else None)
    regimes = f.texts("regimes", base.regimes if base else ())
    retention = f.flag("retention_required", base.retention_required if base else False)
    weights = dict(base.threats) if base else {}
    weights.update(_weights(f.mapping("threats", {}), parts.threats, f.where))
    notes = dict(base.notes) if base else {}
    for key, text in f.mapping("notes", {}).items():
        for threat in _resolve(key, parts.threats, f.where):
            notes[threat] = text
    description = f.text("description", base.description if base else "A threat profile.")
    if unknown := [c for c in data_classes if c not in parts.data_classes]:
        raise ThreatModelError(f"{f.where}: unknown data class(es) {', '.join(unknown)}")
    if unknown := [r for r in regimes if r not in parts.frameworks]:
        raise ThreatModelError(f"{f.where}: unknown regime(s) {', '.join(unknown)}")
    return Profile(name, description, data_classes, regimes, retention, weights, notes, source)


def _presets(read: Reader, parts: _Parts) -> dict[str, Profile]:
    found: dict[str, Profile] = {}
    for n, raw in enumerate(items(_document(read, "presets.toml"), "preset", "presets.toml")):
        f = Fields(raw, f"presets.toml preset #{n + 1}")
        preset_id = f.text("id")
        profile = _profile(f, parts, preset_id, None, "preset")
        f.done()
        if missing := sorted(set(parts.threats) - set(profile.threats)):
            raise ThreatModelError(f"preset {preset_id}: no weight for {', '.join(missing)}")
        found[preset_id] = profile
    return found


@cache
def load_catalog() -> Catalog:
    """All threat-model data of this package, cross-checked."""
    return build_catalog(package_text)


def build_catalog(read: Reader) -> Catalog:
    """The catalog from the data files `read` returns, by name, cross-checked."""
    threats = _threats(read)
    data_classes = _data_classes(read)
    controls = _controls(read, threats)
    frameworks, provisions = _frameworks(read, controls)
    conflicts = _conflicts(read, controls, frameworks, {p.citation for p in provisions})
    parts = _Parts(threats, data_classes, frameworks)
    presets = _presets(read, parts)
    for item in data_classes.values():
        if item.stricter_preset not in presets:
            raise ThreatModelError(f"data class {item.id}: unknown preset {item.stricter_preset}")
    return Catalog(threats, data_classes, controls, frameworks, tuple(provisions),
                   tuple(conflicts), presets)  # fmt: skip


def load_profile_text(text: str, catalog: Catalog, source: str) -> Profile:
    """A profile file's text: `name`, optional `base` preset, and any preset key."""
    try:
        document = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise ThreatModelError(f"{source}: not valid TOML: {error}") from error
    f = Fields(document, source)
    base_name = f.text("base", "") if f.has("base") else None
    if base_name is not None and base_name not in catalog.presets:
        known = ", ".join(catalog.presets)
        raise ThreatModelError(f"{source}: unknown base preset {base_name!r} (known: {known})")
    base = catalog.presets[base_name] if base_name else None
    parts = _Parts(catalog.threats, catalog.data_classes, catalog.frameworks)
    if base is None and not f.has("data_classes"):
        raise ThreatModelError(f"{source}: give `base` (a preset) or `data_classes`")
    profile = _profile(f, parts, f.text("name"), base, f"file:{source}")
    f.done()
    return profile
