"""The content model: what a replica article *is*, before any HTML.

Truth and pages are both derived from these objects, so a test can compare a
parser's output with the truth without the truth ever looking at HTML.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from replica.paths import article_path, bare_path

# A run of text and its inline style: "" (plain), "em" or "strong".
Run = tuple[str, str]
Paragraph = tuple[Run, ...]

# An image with this position is the lead (avatar) image, shown above the body.
LEAD_POSITION = -1

# Markup of the curated data file: `_italic_` and `**bold**` (no nesting).
_MARKUP = re.compile(r"\*\*(?P<strong>.+?)\*\*|_(?P<em>[^_]+?)_")


@dataclass(frozen=True, slots=True)
class ArticleImage:
    """A picture: caption and credit kept apart here, rendered together on the page."""

    path: str  # site-relative `/Uploads/YYYY/M/D/NN/<file>`
    caption: str | None
    credit: str | None
    # How caption and credit are written together (see replica.captions).
    credit_style: str = "paren"
    # Number of body paragraphs before the image; LEAD_POSITION for the lead image.
    position: int = 0


@dataclass(frozen=True, slots=True)
class ReplicaArticle:
    article_id: int
    category: str
    slug: str
    title: str
    # The sapo; several lines when the page breaks it with <br> (joined by a space).
    lead_lines: tuple[str, ...]
    # The portal's own mark before the lead as rendered (`(TG) - `, `(TG)- `...) or None.
    tg_mark: str | None
    paragraphs: tuple[Paragraph, ...]
    images: tuple[ArticleImage, ...]
    byline_lines: tuple[str, ...]
    authors: tuple[str, ...]
    source: str | None
    published: datetime  # aware, +07:00, minute precision
    # `/.` or `./.` appended to the last paragraph on the page (see `body`).
    marker: str | None
    tags: tuple[str, ...]
    layout: str  # "old" or "new"
    origin: str  # "record", "seed" or "generated"
    # New layout only: the byline sits in div.story-author above the date.
    byline_on_top: bool = False
    # Old layout only: an empty `<p>&nbsp;</p>` closes the body, as many real pages do.
    trailing_blank: bool = False

    @property
    def lead(self) -> str | None:
        return " ".join(self.lead_lines) or None

    @property
    def body(self) -> tuple[str, ...]:
        """The paragraphs as a perfect parse reads them.

        The official mark proper is `/.`; in `./.` the full stop is the sentence's own,
        so it stays with the text (`... hơn./.` reads `... hơn.`).
        """
        texts = [paragraph_text(p) for p in self.paragraphs]
        if texts and self.marker:
            texts[-1] += self.marker.removesuffix("/.")
        return tuple(texts)

    @property
    def path(self) -> str:
        return article_path(self.category, self.slug, self.article_id)

    @property
    def bare_path(self) -> str:
        return bare_path(self.slug, self.article_id)

    @property
    def author_on_top(self) -> bool:
        """New layout: the byline shows in div.story-author above the date.

        Only one-line bylines go there: the box is one line of text, so a role line
        would run into the name.
        """
        return self.byline_on_top and len(self.byline_lines) == 1

    @property
    def byline(self) -> str | None:
        return " / ".join(self.byline_lines) or None

    def lead_image(self) -> ArticleImage | None:
        for image in self.images:
            if image.position == LEAD_POSITION:
                return image
        return None

    def inline_images(self) -> list[ArticleImage]:
        return sorted(
            (i for i in self.images if i.position != LEAD_POSITION), key=lambda i: i.position
        )

    def images_in_page_order(self) -> list[ArticleImage]:
        lead = self.lead_image()
        return ([lead] if lead else []) + self.inline_images()


def paragraph_text(paragraph: Paragraph) -> str:
    return "".join(text for text, _style in paragraph)


def parse_markup(text: str) -> Paragraph:
    """`_x_` -> em run, `**x**` -> strong run, the rest plain (the curated file's markup)."""
    runs: list[Run] = []
    last = 0
    for match in _MARKUP.finditer(text):
        if match.start() > last:
            runs.append((text[last : match.start()], ""))
        if match.group("strong") is not None:
            runs.append((match.group("strong"), "strong"))
        else:
            runs.append((match.group("em"), "em"))
        last = match.end()
    if last < len(text):
        runs.append((text[last:], ""))
    return tuple(runs)


def plain(text: str) -> Paragraph:
    return ((text, ""),)
