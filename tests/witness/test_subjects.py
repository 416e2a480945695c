"""Real subjects: a package that phones home, and localproof's own audit (which must not)."""

from __future__ import annotations

import sys

from localproof.witness import destinations, exit_status, run_witness, verdict


def test_huggingface_hub_model_info_records_hostname_and_sni() -> None:
    # huggingface_hub 2.x: model_info() asks https://huggingface.co/api/models/gpt2
    program = "from huggingface_hub import model_info; model_info('gpt2')"
    result = run_witness(
        [sys.executable, "-c", program],
        duration=30,
        fresh_home=True,  # no cached token or metadata
    )
    assert result.exit_code != 0  # offline: the call fails, as it would without network
    names = {a.name for a in result.attempts if a.kind == "dns"}
    assert "huggingface.co" in names
    tls = [a for a in result.attempts if a.kind == "tcp" and a.name == "huggingface.co"]
    assert tls
    assert {(a.protocol, a.sni, a.port) for a in tls} == {("tls", "huggingface.co", 443)}
    [item] = [d for d in destinations(result) if d.kind == "tcp"]
    assert "vllm:model-download" in {entry.label for entry in item.attribution}
    assert exit_status(result) == 1
    assert exit_status(result, ["huggingface.co"]) == result.exit_code


def test_dogfood_localproof_audit_records_nothing() -> None:
    result = run_witness(
        ["sh", "-c", 'exec "$0" -m localproof audit > /dev/null', sys.executable], duration=40
    )
    # The audit's own exit code is the audit tests' business; here only egress matters.
    assert not result.stopped_by_duration
    assert result.attempts == ()
    assert verdict(result) == "offline"
    assert exit_status(result) == result.exit_code
