"""Pieces of the generic reader: page furniture, the lead mark, pictures and captions.

General rules only: class and id words that name furniture on Vietnamese (and most
other) news sites, the `figure`/`figcaption` and caption-table conventions, and the
`Ảnh:` credit.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

from crawler.extract.article import Image
from crawler.extract.captions import split_caption
from crawler.extract.parsing.blocks import caption_text
from crawler.extract.parsing.dom import Element, element_text, image_url
from crawler.extract.parsing.page import Page
from crawler.extract.text import normalize_text

# Class or id words of blocks that are never article text. Matched as whole words of
# the attribute (split on spaces, "-" and "_"), so "shared-content" is not "share".
_FURNITURE_WORDS = frozenset(
    [
        "related",
        "relate",
        "relates",
        "relatednews",
        "related-news",
        "lienquan",
        "tinlienquan",
        "tin-lien-quan",
        "xemthem",
        "xem-them",
        "readmore",
        "read-more",
        "docthem",
        "doc-them",
        "morenews",
        "more-news",
        "share",
        "sharing",
        "social",
        "socials",
        "mxh",
        "sharemxh",
        "comment",
        "comments",
        "binhluan",
        "ads",
        "ad",
        "adv",
        "advert",
        "advertisement",
        "advertising",
        "banner",
        "quangcao",
        "qc",
        "sponsor",
        "sponsored",
        "tags",
        "tag",
        "keyword",
        "keywords",
        "tag-list",
        "tagname",
        "breadcrumb",
        "breadcrumbs",
        "author",
        "authors",
        "author-info",
        "byline",
        "toolbar",
        "tools",
        "print",
        "rating",
        "vote",
        "newsletter",
        "subscribe",
        "popup",
        "modal",
        "nav",
        "navigation",
        "menu",
        "footer",
        "recommend",
        "recommendation",
        "event-stream",
        "dongsukien",
        "dong-su-kien",
        "follow",
    ]
)
_WORD_SPLIT = re.compile(r"[\s_\-]+")
# Stems that name furniture inside a longer word ("RelatedOneNews", "boxrelated").
_FURNITURE_STEMS = re.compile(r"related|lienquan|xemthem|docthem|quangcao|advert|newsletter")
# Attributes besides class and id where sites name what a block is.
_ROLE_ATTRIBUTES = ("class", "id", "type", "data-type", "data-role", "data-content-name")
# Headings of related-article boxes: the box goes, whatever its classes say.
_BOX_HEADINGS = re.compile(
    r"^[\s>»•*\-–]*(?:tin\s+liên\s+quan|bài\s+liên\s+quan|xem\s+thêm|đọc\s+thêm|tin\s+cùng\s+chuyên\s+mục|"
    r"tin\s+mới|tin\s+khác|bài\s+viết\s+liên\s+quan|có\s+thể\s+bạn\s+quan\s+tâm|"
    r"dòng\s+sự\s+kiện|chủ\s+đề\s*:|từ\s+khóa\s*:|tags?\s*:)",
    re.I,
)
# The portal's own mark before its lead: "(Dân trí) -", "(PLO)-", "(NLĐO)-", "(TG) -",
# and the bare agency form "TTO - ". At most four words inside the parentheses, each
# starting with a capital or a digit, so a lead that opens with a real parenthesis
# ("(Theo báo cáo ...)") keeps it.
_PAREN_MARK = re.compile(
    r"^\s*\(\s*(?P<name>[A-ZĐÀ-Ỹ0-9][\w.&]*(?:\s+[\w.&]+){0,2})\s*\)\s*[-–—:]\s*"
    r"|^\s*\(\s*(?P<caps>[A-ZĐ0-9][A-ZĐ0-9.&]{1,11})\s*\)\s*(?=[A-ZĐÀ-Ỹ])"
)
_BARE_MARK = re.compile(r"^\s*(?P<name>[A-ZĐ]{2,6}(?:\.(?:vn|com\.vn))?)\s+[-–—]\s+(?=\S)")
# A picture smaller than this on a side is an icon or an avatar.
_MIN_SIDE = 100
# A block holding a picture with more text than this is not a caption block.
_MAX_CAPTION = 400
# A div beside a picture: a caption is a sentence or two.
_MAX_SIDE_CAPTION = 250


# Words of the boxes that list other articles (a date there is another article's).
_RELATED_WORDS = frozenset(
    ("related", "relate", "relates", "relatednews", "related-news", "lienquan", "tinlienquan",
     "tin-lien-quan", "xemthem", "xem-them", "readmore", "read-more", "docthem", "doc-them",
     "morenews", "more-news", "recommend", "recommendation", "comment", "comments", "binhluan")
)  # fmt: skip


_ROLE_SET = frozenset(_ROLE_ATTRIBUTES)


def is_related_box(element: Element) -> bool:
    """A box of other articles or comments: by its class/id words or its heading."""
    value = _role_value(element)
    if value and _names_related(value):
        return True
    first = _first_text(element)
    return bool(first) and _BOX_HEADINGS.match(first) is not None and _mostly_links(element)


def is_furniture(element: Element) -> bool:
    """A block that is page furniture: by its class/id words, its tag, or its heading."""
    tag = element.tag
    if tag in ("aside", "nav", "footer", "header", "form"):
        return True
    value = _role_value(element)
    if value and _names_furniture(value):
        return True
    first = _first_text(element)
    return bool(first) and _BOX_HEADINGS.match(first) is not None and _mostly_links(element)


def _role_value(element: Element) -> str | None:
    """The element's role attributes' values, joined (their words are what counts: the
    order and the empty ones do not change them)."""
    keys = element.keys()  # names first: values are read only for the role attributes
    if not keys:
        return None
    if len(keys) == 1:
        return element.get(keys[0]) if keys[0] in _ROLE_SET else None
    return " ".join([v for k in keys if k in _ROLE_SET and (v := element.get(k))])


# What the words of a role string (the attributes joined) say, once per distinct string
# for the process: a page repeats its class strings on every card, and a site on every
# page. Bounded like the other per-string caches.
_FURNITURE_NAMES: dict[str, bool] = {}
_RELATED_NAMES: dict[str, bool] = {}
_NAMES_MAX = 20_000


def _names_furniture(value: str) -> bool:
    known = _FURNITURE_NAMES.get(value)
    if known is None:
        if len(_FURNITURE_NAMES) > _NAMES_MAX:
            _FURNITURE_NAMES.clear()
        lowered = value.lower()
        known = _FURNITURE_NAMES[value] = bool(
            _FURNITURE_STEMS.search(lowered)
            or not _FURNITURE_WORDS.isdisjoint(_WORD_SPLIT.split(lowered))
            or not _FURNITURE_WORDS.isdisjoint(lowered.split())
        )
    return known


def _names_related(value: str) -> bool:
    known = _RELATED_NAMES.get(value)
    if known is None:
        if len(_RELATED_NAMES) > _NAMES_MAX:
            _RELATED_NAMES.clear()
        lowered = value.lower()
        words = set(_WORD_SPLIT.split(lowered)) | set(lowered.split())
        known = _RELATED_NAMES[value] = bool(
            words & _RELATED_WORDS or _FURNITURE_STEMS.search(lowered)
        )
    return known


def _first_text(element: Element) -> str:
    """The block's first words (a box heading opens its box): its text, or its first
    child's, a few levels down; whitespace between tags skipped."""
    for _ in range(_FIRST_DEPTH):
        text = element.text
        if text and text.strip():
            return text
        if len(element) == 0:
            return ""
        element = element[0]
        if not isinstance(element.tag, str):
            return ""
    return ""


_FIRST_DEPTH = 4


def _mostly_links(element: Element) -> bool:
    text = element_text(element)
    linked = sum(len(element_text(a)) for a in element.iter("a"))
    heading = _BOX_HEADINGS.match(text)
    rest = len(text) - (heading.end() if heading else 0)
    return linked >= 0.6 * max(rest, 1) or rest < 3


def lead_mark(lead: str) -> tuple[str | None, str]:
    """(the portal's mark as printed, the lead without it); (None, lead) when none."""
    text = normalize_text(lead)
    match = _PAREN_MARK.match(text) or _BARE_MARK.match(text)
    if match is None or not text[match.end() :].strip():
        return None, text
    return text[: match.end()].strip(), text[match.end() :].strip()


@dataclass(slots=True)
class Pictures:
    images: list[Image] = field(default_factory=list)
    # The picture blocks and their caption texts, never read as body text.
    blocks: list[Element] = field(default_factory=list)
    caption_texts: set[str] = field(default_factory=set)


def read_pictures(
    page: Page,
    container: Element,
    url: str,
    headline: Element | None,
    furniture: Callable[[Element], bool] | None = None,
) -> Pictures:
    """The article's pictures in page order, caption and credit apart.

    Searched in the smallest element holding both the headline and the body (a cover
    picture above the lead counts). A picture block is a `figure` (with its
    `figcaption`, or a caption shared by a group of figures), or a table holding a
    picture and only a caption's worth of text."""
    scope = _common_ancestor(headline, container) if headline is not None else container
    found = Pictures()
    done: set[Element] = set()
    urls: dict[Element, str | None] = {}  # each picture's URL joined once

    def url_of(img: Element) -> str | None:
        if img not in urls:
            urls[img] = picture_url(img, url)
        return urls[img]

    for img in scope.iter("img"):
        ancestors = _ancestors(img, scope)
        check = furniture or is_furniture
        if img in done or _tiny(img) or any(check(a) for a in ancestors):
            continue
        if any(a.tag == "a" and _links_to_page(a) for a in ancestors):
            continue  # a picture that links to another page is a teaser or an ad
        src = url_of(img)
        if src is None:
            continue
        block, caption_line = _block(img, scope)
        if block is None:
            found.images.append(Image(src))
            continue
        group = [i for i in block.iter("img") if not _tiny(i) and url_of(i)]
        done.update(group)
        found.blocks.append(block)
        if block is img.getparent() and block.getnext() is not None and caption_line:
            following = block.getnext()
            if following is not None and _is_caption_paragraph(following):
                found.blocks.append(following)  # the caption paragraph after the picture
        caption, credit = split_caption(caption_line) if caption_line else (None, None)
        if caption_line:
            found.caption_texts.add(caption_line)
        for member in group:
            member_src = url_of(member)
            if member_src:
                found.images.append(Image(member_src, caption, credit))
    return found


def picture_url(img: Element, base_url: str) -> str | None:
    """The picture shown: a real `src` first (what a reader's browser showed), else
    the lazy-loading attributes."""
    src = (img.get("src") or "").strip()
    if src and not src.startswith("data:") and not _PLACEHOLDER.search(src):
        return image_url(_with_src_only(img), base_url)
    return image_url(img, base_url)


_PLACEHOLDER = re.compile(r"blank\.gif|spacer|placeholder")


def _with_src_only(img: Element) -> Element:
    clone = img.makeelement("img", {"src": img.get("src") or ""})
    return clone


_IMAGE_FILE = re.compile(r"\.(?:jpe?g|png|gif|webp|avif|bmp)(?:[?#]|$)", re.I)


def _links_to_page(link: Element) -> bool:
    href = (link.get("href") or "").strip()
    return bool(href) and not href.startswith(("#", "javascript:")) and not _IMAGE_FILE.search(href)


def _tiny(img: Element) -> bool:
    for attribute in ("width", "height"):
        value = (img.get(attribute) or "").strip().rstrip("px")
        if value.isdigit() and int(value) < _MIN_SIDE:
            return True
    return False


def _block(img: Element, scope: Element) -> tuple[Element | None, str]:
    """The picture's block and its caption text ("" for none). A caption set as the
    paragraph after the picture's own is not inside the block: `read_pictures` adds it."""
    for ancestor in _ancestors(img, scope):
        if ancestor.tag == "figure":
            caption = ancestor.find(".//figcaption")
            if caption is None:
                # Figures grouped in one block that shares a caption.
                parent = ancestor.getparent()
                shared = parent.find("figcaption") if parent is not None else None
                if shared is not None and parent is not scope:
                    return parent, caption_text(shared)
            return ancestor, caption_text(caption) if caption is not None else ""
        if ancestor.tag == "table":
            text = caption_text(ancestor)
            if len(text) <= _MAX_CAPTION:
                return ancestor, text
            return None, ""
    # A picture and its caption side by side in a small block ("<div><img><span>caption
    # (Ảnh: PV)</span></div>"): never a paragraph, which may hold an inline picture.
    parent = img.getparent()
    if parent is not None and parent is not scope and parent.tag in ("div", "span", "center"):
        pictures = sum(1 for _ in parent.iter("img"))
        text = caption_text(parent)
        if pictures == 1 and len(text) <= _MAX_SIDE_CAPTION and parent.find(".//p") is None:
            return parent, text
    # A picture alone in its paragraph, its caption the next short paragraph set apart
    # (italic, centred, named as a caption, or with an "Ảnh:" credit): older CMSs.
    if (
        parent is not None
        and parent is not scope
        and parent.tag in ("p", "div", "center")
        and not element_text(parent)
        and sum(1 for _ in parent.iter("img")) == 1
    ):
        following = parent.getnext()
        if following is not None and _is_caption_paragraph(following):
            return parent, caption_text(following)
    return None, ""


def _is_caption_paragraph(element: Element) -> bool:
    if element.tag not in ("p", "div") or element.find(".//img") is not None:
        return False
    text = caption_text(element)
    if not text or len(text) > _MAX_SIDE_CAPTION:
        return False
    role = f"{element.get('class') or ''} {element.get('style') or ''}".lower()
    if _CAPTION_ROLE.search(role):
        return True
    if split_caption(text)[1] is not None:
        return True
    italic = "".join(element_text(e) for e in element.iter("em", "i"))
    return bool(italic) and normalize_text(italic) == text


_CAPTION_ROLE = re.compile(r"caption|desc|note|chu-?thich|text-align\s*:\s*center")


def _ancestors(element: Element, scope: Element) -> list[Element]:
    """The element's ancestors below `scope` (the scope itself holds the article)."""
    found = []
    for ancestor in element.iterancestors():
        if ancestor is scope:
            break
        found.append(ancestor)
    return found


def _common_ancestor(a: Element, b: Element) -> Element:
    chain = {a, *a.iterancestors()}
    for candidate in (b, *b.iterancestors()):
        if candidate in chain:
            return candidate
    return b
