"""Profiles: presets and their verdicts, profile files, the interview's answers, and the
profile a written file loads back as."""

from __future__ import annotations

import pytest

from localproof.threat import ThreatModelError, Weight, load_catalog, load_profile_text
from localproof.threat.catalog import Need
from localproof.threat.interview import QUESTIONS, build_profile, to_toml
from localproof.threat.profiles import general_profile, resolve_profile
from localproof.threat.verdict import need_of

EXPECTED_NEED = {
    "personal": Need.USEFUL,
    "routine": Need.IRRELEVANT,
    "healthcare": Need.ESSENTIAL,
    "legal": Need.ESSENTIAL,
    "finance": Need.ESSENTIAL,
    "government": Need.ESSENTIAL,
}


@pytest.mark.parametrize(("preset", "need"), EXPECTED_NEED.items())
def test_each_preset_has_its_verdict(preset: str, need: Need) -> None:
    catalog = load_catalog()
    assert need_of(resolve_profile(preset, catalog), catalog) is need


def test_the_default_profile_is_unweighted_and_useful() -> None:
    catalog = load_catalog()
    profile = resolve_profile(None, catalog)
    assert profile == general_profile(catalog)
    assert profile.weighted is False
    assert need_of(profile, catalog) is Need.USEFUL


def test_a_profile_file_inherits_from_its_base_and_resolves_aliases() -> None:
    catalog = load_catalog()
    text = (
        'name = "desk"\nbase = "routine"\nregimes = ["gdpr"]\n'
        '[threats]\nbackup-sync-leak = "high"\n[notes]\nphysical-theft = "shared office"\n'
    )
    profile = load_profile_text(text, catalog, "desk.toml")
    assert profile.data_classes == ("routine",)
    assert profile.regimes == ("gdpr",)
    assert profile.weight("backup-copy") is profile.weight("third-party-copy") is Weight.HIGH
    assert profile.notes["device-theft"] == "shared office"
    assert profile.source == "file:desk.toml"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('base = "routine"\n', "missing key 'name'"),
        ('name = "x"\n', "give `base`"),
        ('name = "x"\nbase = "routine"\nretention_required = "yes"\n', "true or false"),
        ('name = "x"\nbase = "routine"\nregimes = ["hippa"]\n', "unknown regime"),
        ('name = "x"\nbase = "routine"\n[threats]\nnetwork-reach = "severe"\n', "severe"),
    ],
)
def test_profile_files_are_strict(text: str, message: str) -> None:
    with pytest.raises(ThreatModelError, match=message):
        load_profile_text(text, load_catalog(), "p.toml")


def _defaults() -> dict[str, tuple[str, ...]]:
    return {q.key: q.parse("") for q in QUESTIONS}


def test_answers_merge_presets_and_adjust_weights() -> None:
    catalog = load_catalog()
    answers = _defaults() | {
        "use": ("routine", "finance"),
        "others": ("nobody",),
        "portable": ("yes",),
    }
    profile = build_profile(answers, "desk", catalog)
    assert profile.data_classes == ("routine", "mnpi")
    assert profile.retention_required is True  # finance keeps records
    assert profile.weight("employer-monitoring") is Weight.DUTY
    assert profile.weight("shared-host") is Weight.LOW  # nobody else uses it
    assert profile.weight("third-party-copy") is Weight.CRITICAL
    assert need_of(profile, catalog) is Need.ESSENTIAL


def test_a_written_profile_loads_back_identically() -> None:
    catalog = load_catalog()
    answers = _defaults() | {"use": ("healthcare",), "regulation": ("hipaa", "gdpr")}
    built = build_profile(answers, 'clinic "north"', catalog)
    loaded = load_profile_text(to_toml(built), catalog, "clinic.toml")
    assert loaded.name == built.name
    assert loaded.data_classes == built.data_classes
    assert loaded.regimes == built.regimes
    assert dict(loaded.threats) == dict(built.threats)
    assert dict(loaded.notes) == dict(built.notes)


@pytest.mark.parametrize(
    ("answer", "values"),
    [("", ("routine",)), ("2, 3", ("personal", "healthcare")), ("LEGAL", ("legal",))],
)
def test_questions_take_numbers_names_and_defaults(answer: str, values: tuple[str, ...]) -> None:
    assert QUESTIONS[0].parse(answer) == values


def test_questions_reject_unknown_answers() -> None:
    with pytest.raises(ValueError, match="not one of"):
        QUESTIONS[0].parse("7")
    with pytest.raises(ValueError, match="choose one"):
        QUESTIONS[1].parse("nobody family")
