"""Opt-in (`make test-integration`): real Gradio under the witness, confirming the
knowledge base's witnessed claims in kb/libraries/gradio.toml.

Gradio is large, so it lives in its own virtualenv (.venv-integration), named by
LOCALPROOF_GRADIO_PYTHON."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from localproof.kb import load_libraries
from localproof.witness import WitnessResult, destinations, run_witness, verdict

pytestmark = pytest.mark.integration
PYTHON = os.environ.get("LOCALPROOF_GRADIO_PYTHON", "")
APP = "import gradio as gr, time\nwith gr.Blocks():\n    gr.Markdown('hi')\ntime.sleep(3)\n"


@pytest.fixture(scope="module")
def python() -> str:
    if not PYTHON or not Path(PYTHON).exists():
        pytest.fail("set LOCALPROOF_GRADIO_PYTHON to a Python with gradio (make test-integration)")
    return PYTHON


def _witness(python: str, environ: dict[str, str]) -> WitnessResult:
    previous = {key: os.environ.get(key) for key in environ}
    os.environ.update(environ)
    try:
        result = run_witness([python, "-c", APP], duration=60, fresh_home=True)
    finally:
        for key, value in previous.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
    return result


def _attributed(result: WitnessResult) -> set[tuple[str, str]]:
    return {
        (d.name or "", a.label)
        for d in destinations(result)
        if d.kind == "tcp"
        for a in d.attribution
    }


def test_gradio_analytics_and_version_check_by_default(python: str) -> None:
    seen = _attributed(_witness(python, {}))
    assert ("api.gradio.app", "gradio:version-check") in seen
    assert ("huggingface.co", "gradio:analytics") in seen
    claimed = load_libraries()["gradio"].witnessed[0]
    assert set(claimed.outbound) == {"analytics", "version-check"}


def test_gradio_is_offline_with_analytics_disabled(python: str) -> None:
    result = _witness(python, {"GRADIO_ANALYTICS_ENABLED": "False"})
    assert verdict(result) == "offline"
    assert load_libraries()["gradio"].witnessed[1].result == "offline"
