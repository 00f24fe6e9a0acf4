"""The portal's category tree, as PORTAL.md lists it.

Listings include their subcategories' articles, so the tree (not a flat list) is
what decides which listing shows an article.
"""

from __future__ import annotations

# Path -> display name. Order is the menu order on the real site.
CATEGORY_NAMES: dict[str, str] = {
    "thoi-su": "Thời sự",
    "thoi-su-chinh-tri": "Thời sự chính trị",
    "nhip-cau-tuyen-giao": "Nhịp cầu Tuyên giáo",
    "nhip-cau-tuyen-giao/ban-tuyen-giao-tw": "Ban Tuyên giáo Trung ương",
    "nhip-cau-tuyen-giao/tuyen-giao-cac-cap": "Tuyên giáo các cấp",
    "theo-guong-bac": "Theo gương Bác",
    "hoc-va-lam-theo-bac": "Học và làm theo Bác",
    "bao-ve-nen-tang-tu-tuong-cua-dang": "Bảo vệ nền tảng tư tưởng của Đảng",
    "van-hoa-xa-hoi": "Văn hóa - Xã hội",
    "khoa-giao": "Khoa giáo",
    "kinh-te": "Kinh tế",
    "the-gioi": "Thế giới",
    "tu-lieu": "Tư liệu",
}

TOP_CATEGORIES: tuple[str, ...] = tuple(p for p in CATEGORY_NAMES if "/" not in p)

# Where generated articles are filed: every leaf the brief names (the parent
# `nhip-cau-tuyen-giao` only gets articles through its two subcategories).
GENERATED_CATEGORIES: tuple[str, ...] = tuple(
    p for p in CATEGORY_NAMES if p != "nhip-cau-tuyen-giao"
)


def ancestors(path: str) -> list[str]:
    """The category itself and every parent: the listings an article appears in."""
    parts = path.split("/")
    return ["/".join(parts[: i + 1]) for i in range(len(parts))]


def children(path: str) -> list[str]:
    return [p for p in CATEGORY_NAMES if p.startswith(path + "/")]


def category_name(path: str) -> str:
    return CATEGORY_NAMES.get(path, path)
