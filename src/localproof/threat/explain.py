"""`localproof threat show`: per threat, whether local AI addresses it, which controls it
needs, and their state on this host (from the assessment's findings)."""

from __future__ import annotations

from collections.abc import Mapping

from localproof.model import Assessment, Status, WeightedFinding
from localproof.threat.catalog import Catalog, Control, Weight
from localproof.threat.views import ControlState, ThreatModelView, ThreatRow

NOT_CHECKED = "not checked"  # no localproof check verifies this control yet
NOTHING_FOUND = "nothing found"  # its checks ran but found nothing to judge (no tool, no store)
_STATE_ORDER = (Status.FAIL, Status.UNKNOWN, Status.PASS, Status.NOT_APPLICABLE)


def _state(
    control: Control, findings: tuple[WeightedFinding, ...], checks: tuple[str, ...]
) -> ControlState:
    mine = [w for w in findings if w.finding.check.control == control.id]
    counts = {s: sum(1 for w in mine if w.finding.status is s) for s in _STATE_ORDER}
    state = next((s.value for s in _STATE_ORDER if counts[s]), None)
    if state is None:
        state = NOTHING_FOUND if checks else NOT_CHECKED
    failing = [w.severity for w in mine if w.finding.status is Status.FAIL]
    worst = max(failing, key=lambda s: s.rank).value if failing else None
    return ControlState(
        id=control.id,
        name=control.name,
        state=state,
        worst=worst,
        counts=tuple((s.value, n) for s, n in counts.items() if n),
        checks=checks,
    )


def explain(
    assessment: Assessment,
    catalog: Catalog,
    checks_by_control: Mapping[str, tuple[str, ...]],
) -> ThreatModelView:
    view = assessment.profile_view
    weights = dict(view.threats) if view else {}
    notes = dict(view.notes) if view else {}

    def order(threat_id: str) -> int:
        weight = Weight(weights.get(threat_id, Weight.MEDIUM.value))
        return -1 if weight is Weight.DUTY else weight.rank

    rows = []
    for threat_id in sorted(catalog.threats, key=lambda t: -order(t)):
        threat = catalog.threats[threat_id]
        controls = [c for c in catalog.controls.values() if threat_id in c.threats]
        rows.append(
            ThreatRow(
                id=threat_id,
                name=threat.name,
                description=threat.description,
                weight=weights.get(threat_id, Weight.MEDIUM.value),
                note=notes.get(threat_id, ""),
                local_ai=threat.local_ai.value,
                local_ai_note=threat.local_ai_note,
                controls=tuple(
                    _state(c, assessment.findings, checks_by_control.get(c.id, ()))
                    for c in controls
                ),
            )
        )
    return ThreatModelView(assessment=assessment, rows=tuple(rows))
