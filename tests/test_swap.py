"""swap.encrypted-or-absent: swap areas from proc/swaps, judged by the device under them."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from tests.builders import HostBuilder
from tests.builders.procfs import SWAPS_HEADER
from tests.conftest import audit_report, findings_of, statuses
from tests.test_encryption import LVM_ROOT, luks_root, plain_partition

CHECK = "swap.encrypted-or-absent"


def ollama_running(host: HostBuilder) -> None:
    host.user("ollama", 998, home="/usr/share/ollama", shell="/bin/false")
    host.process(700, ["/usr/local/bin/ollama", "serve"], uid=998)


def no_swap(host: HostBuilder) -> None:
    plain_partition(host)
    host.file("/proc/swaps", SWAPS_HEADER, mode=0o444)


def zram(host: HostBuilder) -> None:
    plain_partition(host)
    host.swap("/dev/zram0", size_kb=8388604)


def plain_partition_swap(host: HostBuilder) -> None:
    plain_partition(host)
    host.swap("/dev/sda3")


def crypttab_random_key_swap(host: HostBuilder) -> None:
    # crypttab(5) `swap /dev/sda3 /dev/urandom swap`: a plain dm-crypt mapping
    plain_partition(host)
    host.crypt_device("dm-1", name="swap", uuid="CRYPT-PLAIN-swap", slaves=("sda3",))
    host.swap("/dev/dm-1")


def swap_lv_on_luks(host: HostBuilder) -> None:
    luks_root(host)
    host.crypt_device("dm-1", name="vg0-swap", uuid=LVM_ROOT, slaves=("dm-0",))
    host.swap("/dev/dm-1")


def swapfile_on_plain_root(host: HostBuilder) -> None:
    plain_partition(host)
    host.swap("/swapfile", kind="file")


def swapfile_on_luks_root(host: HostBuilder) -> None:
    luks_root(host)
    host.swap("/swap.img", kind="file")


def swaps_unreadable(host: HostBuilder) -> None:
    plain_partition(host)  # proc/ exists, proc/swaps does not


def swapfile_without_mounts(host: HostBuilder) -> None:
    host.swap("/swapfile", kind="file")


@pytest.mark.parametrize(
    ("layout", "resource", "status"),
    [
        (no_swap, "swap", "pass"),
        (zram, "/dev/zram0", "pass"),
        (crypttab_random_key_swap, "/dev/dm-1", "pass"),
        (swap_lv_on_luks, "/dev/dm-1", "pass"),
        (swapfile_on_luks_root, "/swap.img", "pass"),
        (plain_partition_swap, "/dev/sda3", "fail"),
        (swapfile_on_plain_root, "/swapfile", "fail"),
        (swaps_unreadable, "/proc/swaps", "unknown"),
        (swapfile_without_mounts, "/swapfile", "unknown"),
    ],
)
def test_swap(
    host: HostBuilder, layout: Callable[[HostBuilder], None], resource: str, status: str
) -> None:
    ollama_running(host)
    layout(host)
    assert statuses(audit_report(host.root), CHECK) == {(None, resource, status)}


def test_each_swap_area_is_judged(host: HostBuilder) -> None:
    ollama_running(host)
    plain_partition(host)
    host.swap("/dev/zram0")
    host.swap("/dev/sdb2")
    assert statuses(audit_report(host.root), CHECK) == {
        (None, "/dev/zram0", "pass"),
        (None, "/dev/sdb2", "fail"),
    }


def test_fix_names_the_swap_area(host: HostBuilder) -> None:
    ollama_running(host)
    plain_partition_swap(host)
    finding = findings_of(audit_report(host.root), CHECK)[0]
    assert "swapoff /dev/sda3" in finding["remediation"]
    assert "zram" in finding["remediation"]


def test_no_ai_tool_no_finding(host: HostBuilder) -> None:
    host.user("alice", 1000)
    plain_partition_swap(host)
    assert findings_of(audit_report(host.root), CHECK) == []
