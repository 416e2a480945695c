"""Swap: memory of model processes (prompts, answers, context) paged out to disk."""

from __future__ import annotations

from collections.abc import Iterator

from localproof.checks.base import Check, Context, check
from localproof.facts import Facts, Swap
from localproof.facts.disk import DeviceVerdict, classify_device, classify_mount, mount_for
from localproof.model import Category, Evidence, Finding, Severity

SWAP_FIX = (
    "Encrypt swap or replace it: use zram (`zram-generator`, or `zramswap` on Debian), or "
    "put swap on dm-crypt (a LUKS volume, or a `swap` line in /etc/crypttab with "
    "`/dev/urandom` as key for a fresh key each boot), then `swapoff {name}` and remove its "
    "line from /etc/fstab."
)


@check(
    id="swap.encrypted-or-absent",
    category=Category.SWAP,
    title="Swap is encrypted, in RAM (zram) or absent",
    severity=Severity.MEDIUM,
    control="RES-01",
    threats=("device-theft", "prompt-residue"),
    remediation="Use zram or encrypted swap on hosts that run AI models.",
)
def encrypted_or_absent(self: Check, context: Context) -> Iterator[Finding]:
    """The kernel pages memory out to swap under pressure, and model servers are large:
    prompts, answers and whole conversation contexts can land on the swap device and stay
    there after the process exits or the machine powers off. Swap on an unencrypted
    partition or file hands them to anyone who gets the disk."""
    if not context.instances:
        return
    facts = context.facts
    problems = facts.problems_for("/proc/swaps")
    if problems:
        yield self.unknown(None, "/proc/swaps", f"swap areas unknown: {problems[0].reason}")
        return
    if not facts.swaps:
        yield self.passed(None, "swap", Evidence("/proc/swaps", "no active swap area"))
        return
    for swap in facts.swaps:
        yield _swap_finding(self, facts, swap)


def _verdict(facts: Facts, swap: Swap) -> DeviceVerdict:
    if swap.kind != "file":
        return classify_device(swap.filename, facts.device_mappers)
    mount = mount_for(swap.filename, facts.mounts)
    if mount is None:
        return DeviceVerdict("unknown", reason="mounts unknown: cannot tell the disk under it")
    return classify_mount(mount, facts.device_mappers)


def _swap_finding(self: Check, facts: Facts, swap: Swap) -> Finding:
    verdict = _verdict(facts, swap)
    size = f"{swap.kind}, {swap.size_kb // 1024} MiB"
    if verdict.state == "unknown":
        return self.unknown(None, swap.filename, f"{size}: {verdict.reason}")
    evidence = Evidence("/proc/swaps", f"{size}: {verdict.how}")
    if verdict.state in ("encrypted", "memory"):
        return self.passed(None, swap.filename, evidence)
    return self.failed(
        None,
        swap.filename,
        evidence,
        remediation=SWAP_FIX.format(name=swap.filename),
    )


CHECKS = (encrypted_or_absent,)
