"""A fetched response and its request, as plain data."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True, slots=True)
class Exchange:
    """A response and its request as plain data: all a capture needs. It pickles, so
    the archive's writer process can write the records (`pipelines.writer`)."""

    uri: str
    status: int
    protocol: str
    headers: list[tuple[str, str]]
    body: bytes
    method: str
    request_url: str
    request_headers: list[tuple[str, str]]
    fetched: datetime
    content_type: str
    site: str | None
    article_id: int | None
