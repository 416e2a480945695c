"""The threat model as data: threats, data classes, controls, presets, the compliance
mapping (provision -> controls) and the conflicts between regimes, with strict loaders,
the weighting of findings, the verdict, and `threat init` / `threat show`.

Depends on `localproof.model` only; `localproof.assess` applies it to findings.
"""

from localproof.model import Conflict, Provision
from localproof.threat.catalog import (
    Catalog,
    Control,
    DataClass,
    Need,
    Profile,
    Threat,
    ThreatModelError,
    Weight,
)
from localproof.threat.load import load_catalog, load_profile_text
from localproof.threat.profiles import (
    DEFAULT_PROFILE,
    general_profile,
    load_profile_file,
    resolve_profile,
)

__all__ = [
    "DEFAULT_PROFILE",
    "Catalog",
    "Conflict",
    "Control",
    "DataClass",
    "Need",
    "Profile",
    "Provision",
    "Threat",
    "ThreatModelError",
    "Weight",
    "general_profile",
    "load_catalog",
    "load_profile_file",
    "load_profile_text",
    "resolve_profile",
]
