"""Cloud: settings that send prompts or conversations to a remote model or service."""

from __future__ import annotations

from collections.abc import Iterator

from localproof.checks.base import Check, Context, check
from localproof.checks.knobs import knob_findings
from localproof.model import Category, Finding, Severity


@check(
    id="cloud.features-off",
    category=Category.CLOUD,
    title="Cloud features that send data off the machine are turned off",
    severity=Severity.HIGH,
    control="NET-05",
    threats=("provider-breach", "provider-training", "legal-discovery"),
    remediation="Turn off the cloud feature named in the evidence, or accept it knowingly.",
)
def features_off(self: Check, context: Context) -> Iterator[Finding]:
    """Local tools increasingly ship cloud features: Ollama's cloud models and web search,
    Open WebUI's default OpenAI connection and community sharing, GPT4All's data lake
    and remote embeddings. Once one is used, prompts leave the machine and the privacy
    of a local setup is gone for them."""
    yield from knob_findings(self, context, ("cloud",))


CHECKS = (features_off,)
