"""Run the content census on the discovered tools' conversation stores.

The census engine (`localproof.scan`) reads each store in its real format; SQLite
databases through a private copy. Only counts by category and type come back.
"""

from __future__ import annotations

from localproof import scan as census
from localproof.collect.fsroot import AuditRoot
from localproof.facts import StoreFile
from localproof.facts.content import ContentCount

KINDS = ("conversations", "history")


def count_content(root: AuditRoot, stores: tuple[StoreFile, ...]) -> tuple[ContentCount, ...]:
    counted: list[ContentCount] = []
    for store in stores:
        if store.kind not in KINDS or not store.file.exists:
            continue
        logical = store.file.resolved or store.file.path
        host = root.host_path(logical)
        result = census.scan_paths([host], max_detections=0)
        if result.unknowns:
            reason = result.unknowns[0].reason
            counted.append(ContentCount(store.tool, store.file.path, store.format, error=reason))
            continue
        counts: dict[str, dict[str, int]] = {}
        detected_format = store.format
        for found in result.stores:
            detected_format = found.format
            for category, types in found.counts.items():
                for kind, number in types.items():
                    if number:
                        per = counts.setdefault(category, {})
                        per[kind] = per.get(kind, 0) + number
        counted.append(ContentCount(store.tool, store.file.path, detected_format, counts))
    return tuple(counted)
