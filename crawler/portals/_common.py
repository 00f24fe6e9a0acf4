"""Furniture most Vietnamese portals share: never article text, whatever the layout."""

from __future__ import annotations

FURNITURE = (
    "script",
    "style",
    "noscript",
    "iframe",
    "form",
    "button",
    "template",
    "aside",
)
