"""`localproof watch`: observe the connections of local AI processes already running.

The source used is named in every result, with what it can miss. Without eBPF or
conntrack access, the watcher polls /proc/net/{tcp,tcp6,udp,udp6} (proc(5)) and maps
socket inodes to the discovered AI processes through /proc/<pid>/fd. Remote addresses are
named from /etc/hosts only: no DNS lookup is ever made.
"""

from __future__ import annotations

from localproof.watch.engine import Connection, WatchResult, observe
from localproof.watch.report import render_json, render_markdown, render_terminal

__all__ = [
    "Connection",
    "WatchResult",
    "observe",
    "render_json",
    "render_markdown",
    "render_terminal",
]
