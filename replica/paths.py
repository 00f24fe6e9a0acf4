"""URL shapes of the replica: canonical paths, alternate forms, image locations."""

from __future__ import annotations

import hashlib
import re
import unicodedata

SITE = "tuyengiao.vn"
CANONICAL_ORIGIN = "https://www.tuyengiao.vn"
CDN_ORIGIN = "https://cdn.tuyengiao.vn"
BLANK_GIF = "/images/blank.gif"

# `/Uploads/YYYY/M/D/NN/<file>`: the old image store, no zero padding.
_UPLOAD = re.compile(r"^/Uploads/(\d{4})/(\d{1,2})/(\d{1,2})/(\d{1,2})/(.+)$")
# The last path segment of an article: `<slug>-<id>`.
ARTICLE_SEGMENT = re.compile(r"^(?:(?P<slug>[A-Za-z0-9-]*)-)?(?P<id>\d+)$")


def article_path(category: str, slug: str, article_id: int) -> str:
    return f"/{category}/{slug}-{article_id}"


def bare_path(slug: str, article_id: int) -> str:
    """The category-less form seen on the real site: `/<slug>-<id>`."""
    return f"/{slug}-{article_id}"


def cdn_image_url(upload_path: str) -> str:
    """Where the new layout's lazy loader finds an old upload (zero padded, signed)."""
    # The `?s=` token only has to be stable per file; the real one is an opaque hash too.
    token = hashlib.sha1(upload_path.encode("utf-8")).hexdigest()[:12]
    match = _UPLOAD.match(upload_path)
    if not match:
        return f"{CDN_ORIGIN}{upload_path.lower()}?s={token}"
    year, month, day, folder, name = match.groups()
    return (
        f"{CDN_ORIGIN}/uploads/{year}/{int(month):02d}/{int(day):02d}/{int(folder):02d}/"
        f"{name}?s={token}"
    )


def slugify(title: str, limit: int = 110) -> str:
    """ASCII-folded title words joined by `-`, cut at a word boundary like the portal's."""
    folded = unicodedata.normalize("NFD", title.replace("đ", "d").replace("Đ", "D"))
    ascii_text = "".join(c for c in folded if not unicodedata.combining(c))
    # Punctuation disappears (`11/2020` -> `112020`), spaces and dashes separate words.
    words = re.sub(r"[^a-z0-9\s-]", "", ascii_text.lower()).replace("-", " ").split()
    slug = ""
    for word in words:
        candidate = f"{slug}-{word}" if slug else word
        if len(candidate) > limit:
            break
        slug = candidate
    return slug or "bai-viet"
