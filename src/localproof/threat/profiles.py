"""Choosing a profile: a preset by name, a profile file by path, or the default."""

from __future__ import annotations

from pathlib import Path

from localproof.threat.catalog import Catalog, Profile, ThreatModelError, Weight
from localproof.threat.load import load_profile_text

DEFAULT_PROFILE = "general"
MAX_PROFILE_BYTES = 64 * 1024
DEFAULT_PROFILE_TEXT = (
    "No threat profile declared: severities are the checks' defaults, without weighting "
    "for the data you process or who you protect it from."
)


def general_profile(catalog: Catalog) -> Profile:
    """The default: no data classes declared, every threat medium, default severities."""
    return Profile(
        name=DEFAULT_PROFILE,
        description=DEFAULT_PROFILE_TEXT,
        data_classes=(),
        regimes=tuple(catalog.frameworks),
        retention_required=False,
        threats=dict.fromkeys(catalog.threats, Weight.MEDIUM),
        source="default",
        weighted=False,
    )


def resolve_profile(spec: str | None, catalog: Catalog) -> Profile:
    """`--profile PRESET|FILE`: a preset name, `general`, or the path of a profile file."""
    if spec is None or spec == DEFAULT_PROFILE:
        return general_profile(catalog)
    if spec in catalog.presets:
        return catalog.presets[spec]
    path = Path(spec).expanduser()
    if path.is_file():
        return load_profile_file(path, catalog)
    known = ", ".join([*catalog.presets, DEFAULT_PROFILE])
    raise ThreatModelError(f"--profile {spec}: neither a preset ({known}) nor a profile file")


def load_profile_file(path: Path, catalog: Catalog) -> Profile:
    try:
        with path.open("rb") as handle:
            data = handle.read(MAX_PROFILE_BYTES + 1)
    except OSError as error:
        raise ThreatModelError(f"cannot read profile {path}: {error.strerror}") from error
    if len(data) > MAX_PROFILE_BYTES:
        raise ThreatModelError(f"profile {path} is larger than {MAX_PROFILE_BYTES} bytes")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        raise ThreatModelError(f"profile {path} is not UTF-8 text") from error
    return load_profile_text(text, catalog, str(path))
