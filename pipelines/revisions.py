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


def content_hash(record: dict[str, Any]) -> str:
    """What the article says, hashed: the URL it was fetched under does not count."""
    content = {k: v for k, v in record.items() if k != "url"}
    data = json.dumps(content, ensure_ascii=False, sort_keys=True).encode("utf-8")
    return hashlib.sha256(data).hexdigest()


def changed_fields(old: dict[str, Any], new: dict[str, Any]) -> list[str]:
    """Names of the record fields that differ; the URL fetched under is not a change."""
    return sorted(k for k in new if k != "url" and old.get(k) != new.get(k))
