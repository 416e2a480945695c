"""/proc/net address decoding, against the kernel's documented examples."""

from __future__ import annotations

import sys

import pytest

from localproof.collect.procfs import decode_address

pytestmark = pytest.mark.skipif(sys.byteorder != "little", reason="rows are host byte order")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # Documentation/networking/proc_net_tcp.rst: "0100007F:0277" is 127.0.0.1:631
        ("0100007F:0277", ("127.0.0.1", 631)),
        ("00000000:2CAA", ("0.0.0.0", 11434)),
        ("0101A8C0:1F90", ("192.168.1.1", 8080)),
        ("00000000000000000000000000000000:2CAA", ("::", 11434)),
        ("00000000000000000000000001000000:0BB8", ("::1", 3000)),
        # IPv4-mapped IPv6 (::ffff:127.0.0.1) as it appears in tcp6
        ("0000000000000000FFFF00000100007F:1F90", ("127.0.0.1", 8080)),
    ],
)
def test_decode_address(text: str, expected: tuple[str, int]) -> None:
    assert decode_address(text) == expected


def test_bad_length_is_rejected() -> None:
    with pytest.raises(ValueError, match="length"):
        decode_address("0100:0277")
