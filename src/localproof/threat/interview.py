"""`localproof threat init`: plain questions, their answers, and the profile they make.

The questions are data; asking them (a terminal, flags or stdin) is the CLI's business.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass

from localproof.threat.catalog import Catalog, Profile, Weight

YES_NO = (("yes", "yes"), ("no", "no"))


@dataclass(frozen=True)
class Question:
    key: str
    text: str
    choices: tuple[tuple[str, str], ...]  # (value, what the person reads)
    multiple: bool
    default: str

    def parse(self, answer: str) -> tuple[str, ...]:
        """Values from an answer: numbers or values, comma- or space-separated."""
        words = answer.replace(",", " ").split() or self.default.split(",")
        values = [self._value(word.strip().lower()) for word in words]
        if not self.multiple and len(values) > 1:
            raise ValueError(f"{self.key}: choose one of {self.values()}")
        return tuple(dict.fromkeys(values))

    def _value(self, word: str) -> str:
        if word.isdigit() and 1 <= int(word) <= len(self.choices):
            return self.choices[int(word) - 1][0]
        if word in dict(self.choices):
            return word
        raise ValueError(f"{self.key}: {word!r} is not one of {self.values()}")

    def values(self) -> str:
        return ", ".join(value for value, _ in self.choices)


QUESTIONS = (
    Question(
        "use",
        "What do you use local AI for? (one or more)",
        (
            ("routine", "routine work: drafts, explanations, code questions"),
            ("personal", "personal matters: a journal, health worries, relationships"),
            ("healthcare", "patient care or patient records"),
            ("legal", "legal work for clients"),
            ("finance", "finance: client accounts, trading, deals"),
            ("government", "government or defense work: CUI, export-controlled data"),
        ),
        multiple=True,
        default="routine",
    ),
    Question(
        "others",
        "Who else uses or administers this machine?",
        (
            ("nobody", "nobody but me"),
            ("family", "family or housemates"),
            ("employer", "my employer's IT manages it"),
            ("admins", "other administrators: it is a shared server"),
        ),
        multiple=False,
        default="nobody",
    ),
    Question(
        "regulation",
        "Are you bound by a regulation or professional duty? (one or more)",
        (
            ("none", "none that I know of"),
            ("hipaa", "HIPAA"),
            ("gdpr", "GDPR"),
            ("sec-finra", "SEC Regulation S-P or FINRA"),
            ("aba", "bar rules (ABA Model Rules)"),
            ("nist-800-171", "DFARS / NIST SP 800-171 (CUI)"),
            ("itar", "ITAR"),
            ("soc2", "SOC 2 commitments"),
        ),
        multiple=True,
        default="none",
    ),
    Question(
        "records",
        "Must you keep these conversations as records, or is a legal hold in force?",
        YES_NO,
        multiple=False,
        default="no",
    ),
    Question(
        "portable",
        "Does this machine leave your home or office (a laptop)?",
        YES_NO,
        multiple=False,
        default="no",
    ),
    Question(
        "network",
        "Is it on a network other people use (an office, shared Wi-Fi)?",
        YES_NO,
        multiple=False,
        default="yes",
    ),
)

Answers = Mapping[str, tuple[str, ...]]


def _at_least(weights: dict[str, Weight], threat: str, floor: Weight) -> None:
    if weights[threat] is not Weight.DUTY and weights[threat].rank < floor.rank:
        weights[threat] = floor


def build_profile(answers: Answers, name: str, catalog: Catalog) -> Profile:
    """The profile the answers describe: the chosen presets merged, then adjusted."""
    presets = [catalog.presets[use] for use in answers["use"]]
    weights: dict[str, Weight] = {}
    notes: dict[str, str] = {}
    for preset in presets:
        for threat, weight in preset.threats.items():
            if threat not in weights or weight.rank > weights[threat].rank:
                weights[threat] = weight
                notes.pop(threat, None)
                if threat in preset.notes:
                    notes[threat] = preset.notes[threat]
    _adjust(weights, answers)
    regimes = [r for p in presets for r in p.regimes]
    regimes += [r for r in answers["regulation"] if r != "none"]
    return Profile(
        name=name,
        description="Made by `localproof threat init`: "
        + "; ".join(f"{key}: {', '.join(answers[key])}" for key in sorted(answers)),
        data_classes=tuple(dict.fromkeys(c for p in presets for c in p.data_classes)),
        regimes=tuple(dict.fromkeys(regimes)),
        retention_required=answers["records"] == ("yes",)
        or any(p.retention_required for p in presets),
        threats=weights,
        notes=notes,
        source="interview",
    )


def _adjust(weights: dict[str, Weight], answers: Answers) -> None:
    others = answers["others"][0]
    if others == "nobody" and weights["shared-host"] is not Weight.DUTY:
        weights["shared-host"] = min(weights["shared-host"], Weight.LOW, key=lambda w: w.rank)
    floors = {"family": Weight.MEDIUM, "employer": Weight.MEDIUM, "admins": Weight.HIGH}
    if others in floors:
        _at_least(weights, "shared-host", floors[others])
    if others == "employer":
        _at_least(weights, "employer-monitoring", Weight.HIGH)
    if set(answers["regulation"]) - {"none"}:
        _at_least(weights, "regulatory", Weight.HIGH)
    if answers["portable"] == ("yes",):
        _at_least(weights, "device-theft", Weight.HIGH)
    if answers["network"] == ("yes",):
        _at_least(weights, "network-reach", Weight.HIGH)


def _quote(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)  # a JSON string is a TOML basic string


def to_toml(profile: Profile) -> str:
    """A profile file that `--profile FILE` loads back."""
    lines = [
        "# localproof threat profile, written by `localproof threat init`.",
        "# Use it with: localproof audit --profile THIS_FILE (edit freely; unknown keys are",
        "# errors). Weights: none, low, medium, high, critical, duty.",
        f"name = {_quote(profile.name)}",
        f"description = {_quote(profile.description)}",
        f"data_classes = [{', '.join(_quote(c) for c in profile.data_classes)}]",
        f"regimes = [{', '.join(_quote(r) for r in profile.regimes)}]",
        f"retention_required = {str(profile.retention_required).lower()}",
        "",
        "[threats]",
        *(f"{threat} = {_quote(weight.value)}" for threat, weight in profile.threats.items()),
    ]
    if profile.notes:
        lines += ["", "[notes]", *(f"{t} = {_quote(n)}" for t, n in profile.notes.items())]
    return "\n".join(lines) + "\n"
