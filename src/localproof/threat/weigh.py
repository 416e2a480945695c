"""Weigh findings by a profile: severity shifted by the strongest threat the check
mitigates, the reason in words, the provisions its control is relevant to, and the
conflicts that change its advice.

Content hook: a finding of category `content` with status `fail` names the census
categories it found in its evidence details, either as `<category>: <type> <n>, ...`
(what `content.sensitive-data` writes: `sqlite store holds marking: cui 2; phi: mrn 3`)
or as `<category>/<type>`. Data classes whose `census` entries match are "found"; those
the profile does not declare make the assessment stricter.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterable

from localproof.model import (
    Category,
    Conflict,
    Finding,
    Provision,
    Severity,
    Status,
    WeightedFinding,
)
from localproof.threat.catalog import Catalog, Profile, Weight

CATEGORIES = "pii|phi|financial|secret|marking"
CENSUS_PAIR = re.compile(rf"(?<![\w/])({CATEGORIES})/([a-z0-9_]+)")
CENSUS_LIST = re.compile(rf"(?<![\w/])({CATEGORIES}):([^;]*)")
CENSUS_TYPE = re.compile(r"([a-z][a-z0-9_]*) \d+")
COMMON_VOCABULARY = "nist-800-53"
UNWEIGHTED_REASON = "no profile weighting: default severity"
_LEVELS = list(Severity)


def content_classes(findings: Iterable[Finding], catalog: Catalog) -> tuple[str, ...]:
    """Data classes that failing content findings name in their evidence."""
    tokens: set[str] = set()
    for finding in findings:
        if finding.check.category is not Category.CONTENT or finding.status is not Status.FAIL:
            continue
        for item in finding.evidence:
            tokens.update(_census_tokens(item.detail))
    return classes_revealed(tokens, catalog)


def classes_revealed(tokens: set[str], catalog: Catalog) -> tuple[str, ...]:
    """Data classes that census tokens (`phi`, `marking/cui`, ...) reveal, strictest first."""
    found = [c for c in catalog.data_classes.values() if _revealed(c.census, tokens)]
    return tuple(c.id for c in sorted(found, key=lambda c: -c.strictness))


def _census_tokens(detail: str) -> set[str]:
    """`phi`, `phi/mrn`, ... from one evidence detail."""
    tokens: set[str] = set()
    for category, kind in CENSUS_PAIR.findall(detail):
        tokens |= {category, f"{category}/{kind}"}
    for category, listing in CENSUS_LIST.findall(detail):
        tokens.add(category)
        tokens |= {f"{category}/{kind}" for kind in CENSUS_TYPE.findall(listing)}
    return tokens


def _revealed(census: tuple[str, ...], tokens: set[str]) -> bool:
    return any(
        entry in tokens or ("/" not in entry and any(t.startswith(entry + "/") for t in tokens))
        for entry in census
    )


def escalate(profile: Profile, found: tuple[str, ...], catalog: Catalog) -> Profile:
    """The profile made stricter by data classes found beyond the declared ones."""
    beyond = [c for c in found if c not in profile.data_classes]
    if not beyond:
        return profile
    weights = dict(profile.threats) if profile.weighted else {}
    notes = dict(profile.notes)
    regimes = list(profile.regimes)
    retention = profile.retention_required
    for class_id in beyond:
        preset = catalog.presets[catalog.data_classes[class_id].stricter_preset]
        for threat, weight in preset.threats.items():
            current = weights.get(threat)
            if current is None or weight.rank > current.rank:
                weights[threat] = weight
                notes[threat] = preset.notes.get(threat, notes.get(threat, ""))
        regimes += [r for r in preset.regimes if r not in regimes]
        retention = retention or preset.retention_required
    return dataclasses.replace(
        profile,
        data_classes=(*profile.data_classes, *beyond),
        regimes=tuple(regimes),
        retention_required=retention,
        threats=weights,
        notes={k: v for k, v in notes.items() if v},
        weighted=True,
    )


def applicable_conflicts(profile: Profile, catalog: Catalog) -> tuple[Conflict, ...]:
    duty = profile.weighted and profile.weight("employer-monitoring") is Weight.DUTY
    return tuple(
        c
        for c in catalog.conflicts
        if set(c.regimes) & set(profile.regimes)
        or (c.retention and profile.retention_required)
        or (c.monitoring_duty and duty)
    )


def listed_regimes(profile: Profile, catalog: Catalog) -> tuple[str, ...]:
    """Frameworks shown on findings: the profile's, plus NIST SP 800-53 as vocabulary."""
    if not profile.weighted and not profile.data_classes:
        return tuple(catalog.frameworks)
    return tuple(dict.fromkeys((*profile.regimes, COMMON_VOCABULARY)))


def weigh(
    finding: Finding, profile: Profile, catalog: Catalog, conflicts: tuple[Conflict, ...]
) -> WeightedFinding:
    control = finding.check.control
    touching = [c for c in conflicts if control in c.controls] if profile.weighted else []
    keep = any(c.retention and profile.retention_required for c in touching)
    severity, reason = _severity(finding, profile, catalog, keep=keep)
    provisions: tuple[Provision, ...] = ()
    if finding.status is not Status.NOT_APPLICABLE:  # a pass is evidence for the provision
        regimes = listed_regimes(profile, catalog)
        provisions = tuple(
            sorted(
                catalog.provisions_for(control, regimes),
                key=lambda p: regimes.index(p.framework),
            )
        )
    if touching:
        titles = "; ".join(c.title for c in touching)
        reason += f" Conflict between regimes: {titles} (see the verdict)."
        if finding.status is Status.FAIL:
            advice = [c.advice for c in touching] + ([] if keep else [finding.fix])
            finding = dataclasses.replace(finding, remediation=" ".join(advice))
    return WeightedFinding(
        finding, severity, reason, tuple(p.citation for p in provisions), provisions
    )


def _severity(
    finding: Finding, profile: Profile, catalog: Catalog, *, keep: bool
) -> tuple[Severity, str]:
    default = finding.default_severity
    if not profile.weighted:
        return default, UNWEIGHTED_REASON
    threats = [t for name in finding.check.threats for t in catalog.resolve_threat(name)]
    if not threats:
        return default, f"kept at {default.value}: the check names no threat of the model"
    strongest = max(threats, key=lambda t: (profile.weight(t).shift, -threats.index(t)))
    weight = profile.weight(strongest)
    level = min(max(default.rank + weight.shift, 0), len(_LEVELS) - 1)
    severity = _LEVELS[level]
    if severity.rank > default.rank and keep:
        severity, verb = default, f"kept at {default.value} (not raised: records must be kept here)"
    elif severity.rank > default.rank:
        verb = f"raised from {default.value} to {severity.value}"
    elif severity.rank < default.rank:
        verb = f"lowered from {default.value} to {severity.value}"
    else:
        verb = f"kept at {default.value}"
    name = catalog.threats[strongest].name.lower()
    weight_text = "is a duty, not a threat" if weight is Weight.DUTY else f"weighs {weight.value}"
    reason = f"{verb}: for the {profile.name} profile, {name} ({strongest}) {weight_text}"
    note = profile.notes.get(strongest)
    return severity, reason + (f" ({note})." if note else ".")
