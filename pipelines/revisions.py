"""What makes a new version of an article: its content, hashed, and the fields that differ."""

from __future__ import annotations

import hashlib
import json
from datetime import datetime
from typing import Any

from crawler.extract.dates import VN_TZ


def now() -> datetime:
    """The archive's clock: Vietnam time, whole seconds."""
    return datetime.now(VN_TZ).replace(microsecond=0)


# Not what the article says: the URL it was fetched under, and which evidence the
# extractor read each field from (a better reader is no new version of the article).
_NOT_CONTENT = frozenset({"url", "sources"})


def content_hash(record: dict[str, Any]) -> str:
    """What the article says, hashed (`_NOT_CONTENT` aside).

    A lead without a portal's mark hashes as the records did before `lead_prefix`
    existed (schema version 7), so an archive's articles are not all new versions of
    themselves after the upgrade; a mark that is there is content, and counts.
    """
    content = {
        k: v
        for k, v in record.items()
        if k not in _NOT_CONTENT and not (k == "lead_prefix" and v is None)
    }
    data = json.dumps(content, ensure_ascii=False, sort_keys=True).encode("utf-8")
    return hashlib.sha256(data).hexdigest()


def changed_fields(old: dict[str, Any], new: dict[str, Any]) -> list[str]:
    """Names of the record fields that differ (`_NOT_CONTENT` aside)."""
    return sorted(k for k in new if k not in _NOT_CONTENT and old.get(k) != new.get(k))
