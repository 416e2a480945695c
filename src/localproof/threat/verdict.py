"""The verdict: is local AI essential, useful or irrelevant for this profile, and does this
host deliver what that requires? Reasoning in plain language, conflicts included."""

from __future__ import annotations

from localproof.model import Conflict, Severity, Status, Verdict, WeightedFinding
from localproof.threat.catalog import Addresses, Catalog, Need, Profile, Weight

NO_PROFILE = (
    "No threat profile was declared, so severities are the checks' defaults. Whether local "
    "AI is essential depends on what you process and who you protect it from: run "
    "`localproof threat init` or pass --profile PRESET (personal, routine, healthcare, legal, "
    "finance, government). Until then it is rated useful."
)
REQUIRES = {
    Need.ESSENTIAL: "no control that matters for this profile may fail at high or critical "
    "severity, and each of them must be verified",
    Need.USEFUL: "no failing control rated high or critical for this profile, and each of "
    "them verified",
    Need.IRRELEVANT: "little: only that nothing is left open to strangers (no failing "
    "control rated high or critical)",
}


def need_of(profile: Profile, catalog: Catalog) -> Need:
    needs = [catalog.data_classes[c].local_ai for c in profile.data_classes]
    return max(needs, key=lambda n: n.rank) if needs else Need.USEFUL


def _names(ids: tuple[str, ...], catalog: Catalog) -> str:
    return ", ".join(catalog.data_classes[c].name for c in ids)


def _why(profile: Profile, need: Need, catalog: Catalog) -> str:
    names = _names(profile.data_classes, catalog)
    if not profile.data_classes:
        return NO_PROFILE
    if need is Need.ESSENTIAL:
        regimes = ", ".join(catalog.frameworks[r].name for r in profile.regimes) or "your duties"
        return (
            f"Local AI is essential for you: you process {names}, and {regimes} make any "
            "third-party copy (a cloud AI provider, a sync service) a compliance question of "
            "its own; keeping inference on this machine removes that third party."
        )
    if need is Need.USEFUL:
        return (
            f"Local AI is useful for you: {names} would hurt if exposed. Local inference keeps "
            "them from a provider's breaches, training and subpoenas, but nothing requires it."
        )
    return (
        f"Local AI is irrelevant to your privacy: for {names} a leaked prompt costs little. "
        "Cost, convenience or learning are honest reasons to run it locally; privacy is not."
    )


def _coverage(profile: Profile, catalog: Catalog) -> str:
    def listed(kind: Addresses) -> str:
        return ", ".join(
            t.name.lower()
            for t in catalog.threats.values()
            if t.local_ai is kind and profile.weight(t.id).rank >= Weight.MEDIUM.rank
        )

    solved, partly, untouched = (
        listed(Addresses.YES),
        listed(Addresses.PARTLY),
        listed(Addresses.NO),
    )
    text = f"Running the model locally addresses {solved or 'none of your threats'}"
    text += f"; it only partly addresses {partly}" if partly else ""
    text += f". It does nothing against {untouched}: that is up to this host." if untouched else "."
    return text


def _delivery(findings: tuple[WeightedFinding, ...]) -> tuple[bool | None, list[str]]:
    serious = [
        w
        for w in findings
        if w.finding.status is Status.FAIL and w.severity.at_least(Severity.HIGH)
    ]
    unverified = [
        w
        for w in findings
        if w.finding.status is Status.UNKNOWN and w.severity.at_least(Severity.HIGH)
    ]
    if serious:
        controls = ", ".join(sorted({w.finding.check.control for w in serious}))
        return False, [
            f"This host does not deliver it: {len(serious)} failing finding(s) rated high or "
            f"critical for this profile (controls {controls}) let data reach people or places "
            "the local setup is meant to keep it from."
        ]
    if unverified:
        return None, [
            f"Not proven: {len(unverified)} control(s) rated high or critical for this profile "
            "could not be verified; see the unknowns."
        ]
    return True, ["This host delivers it: no failing or unverified control rated high or "
                  "critical for this profile was found by the checks that ran."]  # fmt: skip


def verdict(
    profile: Profile,
    declared: Profile,
    findings: tuple[WeightedFinding, ...],
    conflicts: tuple[Conflict, ...],
    catalog: Catalog,
) -> Verdict:
    """`profile` is the effective one; `declared` the one the user gave."""
    beyond = tuple(c for c in profile.data_classes if c not in declared.data_classes)
    need = need_of(profile, catalog)
    reasoning: list[str] = []
    if beyond:
        presets = ", ".join(dict.fromkeys(catalog.data_classes[c].stricter_preset for c in beyond))
        reasoning.append(
            f"BEYOND THE DECLARED PROFILE: the content census found {_names(beyond, catalog)} "
            f"in chat stores, which the {declared.name} profile does not declare. Findings "
            f"are weighed as for {presets}, the stricter class."
        )
    reasoning.append(_why(profile, need, catalog))
    if profile.data_classes:
        reasoning.append(_coverage(profile, catalog))
    requires = REQUIRES[need]
    reasoning.append(f"What that requires of this host: {requires}.")
    delivers, lines = _delivery(findings)
    reasoning += lines
    if profile.weighted:
        reasoning += [f"Conflict: {c.title}. {c.explanation} {c.advice}" for c in conflicts]
    elif conflicts:
        reasoning.append(
            f"{len(conflicts)} known conflict(s) between regimes may apply; declare a profile "
            "to see which."
        )
    return Verdict(
        local_ai=need.value,
        host_delivers=delivers,
        reasoning=tuple(reasoning),
        requires=requires,
        beyond_profile=beyond,
        conflicts=conflicts if profile.weighted else (),
    )
