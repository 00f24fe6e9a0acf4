"""The Content-Security-Policy of every page the plugin's Datasette serves (issue 16.4).

Table, row, query, SQL and database pages show crawled text as much as the article
page does; escaping is the first wall, this policy the second: no script runs but
the server's own files and the few inline scripts of Datasette's own templates,
each allowed by its SHA-256 hash (never 'unsafe-inline', which would let an
injected one run too). The hashes are taken from the installed Datasette's
templates at import, so an upgrade of Datasette cannot silently break its pages.
"""

from __future__ import annotations

import base64
import hashlib
import re
from pathlib import Path

import datasette

# Datasette's templates that hold an inline <script>, with the values their
# placeholders take (table.html: `DATASETTE_ALLOW_FACET = true|false;`).
_INLINE_TEMPLATES: dict[str, dict[str, tuple[str, ...]]] = {
    "_close_open_menus.html": {},
    "_codemirror_foot.html": {},
    "table.html": {"datasette_allow_facet": ("true", "false")},
}
_SCRIPT = re.compile(r"<script>(.*?)</script>", re.S)
_PLACEHOLDER = re.compile(r"\{\{\s*(\w+)\s*\}\}")


def _hash(script: str) -> str:
    digest = hashlib.sha256(script.encode("utf-8")).digest()
    return "'sha256-" + base64.b64encode(digest).decode("ascii") + "'"


def inline_script_hashes(templates: Path | None = None) -> list[str]:
    """The CSP source of every inline script Datasette's templates can render."""
    folder = templates or Path(datasette.__file__).parent / "templates"
    hashes: list[str] = []
    for name, values in _INLINE_TEMPLATES.items():
        path = folder / name
        if not path.is_file():
            continue
        for script in _SCRIPT.findall(path.read_text(encoding="utf-8")):
            variants = [script]
            for placeholder in set(_PLACEHOLDER.findall(script)):
                options = values.get(placeholder, ())
                variants = [
                    re.sub(r"\{\{\s*" + placeholder + r"\s*\}\}", option, variant)
                    for variant in variants
                    for option in options
                ]
            hashes += [_hash(v) for v in variants if not _PLACEHOLDER.search(v)]
    return sorted(set(hashes))


def policy(hashes: list[str]) -> str:
    return (
        f"default-src 'self'; script-src 'self' {' '.join(hashes)}; object-src 'none'; "
        # Inline style is Datasette's own (style attributes) and cannot run code.
        "base-uri 'none'; style-src 'self' 'unsafe-inline'; img-src http: https: data:; "
        "form-action 'self'; frame-ancestors 'none'"
    )


CSP = policy(inline_script_hashes())
