"""One real portal's replica: which articles exist, when, under which URL, and their text.

Deterministic from (portal, generated, seed, today). Titles and text come from the
replica's own generator (replica/generator.py); what is the portal's own here is the
URL (its id rule and path shape), the date (its articles are recent: the newest the
evening before `today`, the oldest some weeks before, so sitemaps have several monthly archives and
the news sitemap has the last days) and the sections (the declaration's categories).
"""

from __future__ import annotations

import random
import threading
import zlib
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from functools import lru_cache
from typing import Any
from urllib.parse import urlsplit

from crawler.portals import Portal
from replica import phrases as P
from replica.dates import VN_TZ
from replica.generator import Stub, build_article, generate_stubs
from replica.model import LEAD_POSITION, Paragraph, plain
from replica.paths import slugify
from replica.press.specs import PressSpec, press_spec

# Between two generated articles: an irregular step around this (a portal publishes
# day and night; the replica spreads `generated` articles over weeks, not years).
STEP = timedelta(hours=7, minutes=13)
PAGE_SIZE = 20


def _bucket(key: str, buckets: int) -> int:
    return zlib.crc32(key.encode("utf-8")) % buckets


@dataclass(frozen=True, slots=True)
class PressImage:
    url: str
    caption: str | None
    credit: str | None
    # The lead picture (above the body where the layout has a place for one).
    lead: bool = False
    # Body paragraphs before the picture.
    position: int = 0


@dataclass(frozen=True, slots=True)
class PressEntry:
    """One article as listings, feeds and sitemaps see it, without its text."""

    article_id: int
    path: str
    title: str
    category: str  # the section's stem ("kinh-doanh")
    # The publish time as metadata has it (seconds included); the page shows the minute.
    published: datetime
    stub: Stub


@dataclass(frozen=True, slots=True)
class PressArticle:
    entry: PressEntry
    lead: str
    lead_mark: str
    paragraphs: tuple[Paragraph, ...]
    images: tuple[PressImage, ...]
    authors: tuple[str, ...]
    tags: tuple[str, ...]
    modified: datetime
    # After the names of a closing signature, in italics: "(tổng hợp)" (compiled by),
    # "(Theo Reuters)" (after an agency); "" for none.
    signature_note: str = ""
    # The agency of a "(Theo ...)" note.
    source: str | None = None

    @property
    def article_id(self) -> int:
        return self.entry.article_id

    @property
    def title(self) -> str:
        return self.entry.title

    @property
    def published(self) -> datetime:
        return self.entry.published

    @property
    def published_minute(self) -> datetime:
        return self.entry.published.replace(second=0, microsecond=0)

    @property
    def body(self) -> tuple[str, ...]:
        return tuple("".join(text for text, _style in p) for p in self.paragraphs)


@dataclass
class PressState:
    """What changes between crawls (replica/press/changes.py), kept apart from the build."""

    lock: threading.Lock = field(default_factory=threading.Lock)
    revisions: dict[int, int] = field(default_factory=dict)
    modified: dict[int, datetime] = field(default_factory=dict)
    removed: set[int] = field(default_factory=set)


class PressSite:
    """A portal's articles, sections and the real page, as the replica serves them."""

    def __init__(
        self,
        portal: str,
        generated: int = 60,
        seed: int = 1,
        today: date = date(2026, 3, 7),
    ) -> None:
        if generated < 0:
            raise ValueError("generated must be >= 0")
        self.spec: PressSpec = press_spec(portal)
        self.portal: Portal = self.spec.portal
        self.generated, self.seed, self.today = generated, seed, today
        # For the server's stats, as the tuyengiao Site has it.
        self.layout = self.portal.layouts[0].name
        self.state = PressState()
        self.sections = _sections(self.portal)
        self.real_path = urlsplit(self.spec.real_url).path
        # The newest article: the evening before `today`, never after the moment a crawl
        # of a replica started today fetches it (a date after the fetch is refused).
        newest = datetime.combine(today - timedelta(days=1), time(21, 0), tzinfo=VN_TZ)
        stubs = sorted(generate_stubs(generated, seed), key=lambda s: s.index)
        entries = []
        for stub in stubs:
            back = STEP * (generated - 1 - stub.index)
            jitter = timedelta(minutes=_bucket(f"{portal}:{seed}:{stub.index}", 97))
            second = _bucket(f"s:{seed}:{stub.index}", 60)
            moment = (newest - back - jitter).replace(second=second)
            entries.append(self._entry(stub, moment))
        self._by_id: dict[int, PressEntry] = {}
        self._newest: list[PressEntry] = []
        self._relist(entries)
        self._build = lru_cache(maxsize=256)(self._build_uncached)
        self._next_index = generated

    # -- entries --------------------------------------------------------------

    def _entry(self, stub: Stub, moment: datetime) -> PressEntry:
        names = tuple(self.sections)
        category = names[_bucket(f"cat:{self.seed}:{stub.index}", len(names))]
        article_id = self._mint_id(stub.index, moment)
        path = self.spec.path.format(slug=slugify(stub.title), id=article_id, category=category)
        return PressEntry(article_id, path, stub.title, category, moment, stub)

    def _mint_id(self, index: int, moment: datetime) -> int:
        """An id of the portal's own shape, growing with publish time."""
        style = self.spec.id_style
        if style == "timestamp":  # 20260307075519174: the time, then a sequence
            return int(f"{moment:%Y%m%d%H%M%S}{index % 1000:03d}")
        if style == "cafef":  # 18826030622484142: 188, yymmdd, 8 digits
            return int(f"188{moment:%y%m%d}{(index * 7919) % 10**8:08d}")
        return self.spec.first_id + index * 37 + _bucket(f"id:{index}", 30)

    def _relist(self, entries: list[PressEntry]) -> None:
        by_id = {e.article_id: e for e in entries if e.article_id not in self.state.removed}
        newest = sorted(by_id.values(), key=lambda e: (e.published, e.article_id), reverse=True)
        # Replaced whole, so a reader never sees half a change.
        self._by_id, self._newest = by_id, newest

    def __len__(self) -> int:
        return len(self._by_id)

    def ids(self) -> list[int]:
        return sorted(self._by_id)

    def entry(self, article_id: int) -> PressEntry | None:
        return self._by_id.get(article_id)

    def newest(self, count: int | None = None) -> list[PressEntry]:
        return self._newest if count is None else self._newest[:count]

    def listing(self, section: str | None) -> list[PressEntry]:
        """The home page's articles (section None) or a section's, newest first."""
        if section is None:
            return self._newest
        return [e for e in self._newest if e.category == section]

    def entry_for_path(self, path: str) -> PressEntry | None:
        article_id = self.portal.article_id(path)
        entry = self._by_id.get(article_id) if article_id is not None else None
        return entry if entry is not None and entry.path == path else None

    def last_modified(self, article_id: int) -> datetime | None:
        if article_id in self.state.modified:
            return self.state.modified[article_id]
        entry = self._by_id.get(article_id)
        return entry.published if entry is not None else None

    # -- articles -------------------------------------------------------------

    def article(self, article_id: int) -> PressArticle | None:
        return self._build(article_id) if article_id in self._by_id else None

    def articles(self) -> list[PressArticle]:
        return [self._build_uncached(aid) for aid in self.ids()]

    def _build_uncached(self, article_id: int) -> PressArticle:
        entry = self._by_id[article_id]
        stub = entry.stub
        made = build_article(stub, article_id, self.seed, "new")
        rng = random.Random(f"press:{self.spec.name}:{self.seed}:{stub.index}")
        paragraphs = list(made.paragraphs)
        if made.marker == "./.":  # the generator took the full stop for its mark
            paragraphs[-1] = (*paragraphs[-1], (".", ""))
        revision = self.state.revisions.get(article_id, 0)
        if revision:
            note = f"Bài viết được cập nhật lần thứ {revision} theo thông tin mới nhất."
            paragraphs.insert(0, plain(note))
        images = []
        for k, image in enumerate(made.images_in_page_order()):
            caption = image.caption
            if caption and self.spec.credit_join.startswith(" - "):
                caption = caption.removesuffix(".")  # "caption - Ảnh: X": no stop first
            images.append(
                PressImage(
                    url=f"https://{self.portal.hosts[0]}/uploads/press/"
                    f"{entry.published:%Y/%m/%d}/{article_id}-{k}.jpg",
                    caption=caption,
                    credit=image.credit,
                    lead=image.position == LEAD_POSITION,
                    position=max(image.position, 0),
                )
            )
        count = rng.randint(1, self.spec.max_authors)
        authors = tuple(rng.sample(P.PEN_NAMES, count))
        if self.spec.upper_authors:
            authors = tuple(name.upper() for name in authors)
        tags = tuple(rng.sample(P.TAGS, rng.randint(1, 3)))
        note, source = "", None
        if self.spec.signature:
            note = rng.choice(("", "", "(tổng hợp)", "(Theo Reuters)", "(Theo AFP)"))
            source = note.removeprefix("(Theo ").removesuffix(")") if "Theo" in note else None
        return PressArticle(
            entry=entry,
            lead=" ".join(made.lead_lines),
            lead_mark=self.spec.lead_mark,
            paragraphs=tuple(paragraphs),
            images=tuple(images),
            authors=authors,
            tags=tags,
            modified=self.state.modified.get(article_id, entry.published),
            signature_note=note,
            source=source,
        )

    # -- truth ----------------------------------------------------------------

    def truth(self, base_url: str) -> list[dict[str, Any]]:
        from replica.press.truth import press_record  # the extraction library: only here

        return [press_record(self, article, base_url) for article in self.articles()]

    def describe(self) -> str:
        return f"its {self.layout} layout, {len(self)} articles and its real page"

    def canonical_url(self, path: str) -> str:
        return f"https://{self.portal.hosts[0]}{path}"

    # -- changes (replica/press/changes.py) -------------------------------------

    def publish(self, count: int, now: datetime | None = None) -> list[int]:
        """Add `count` articles published after everything listed; return their ids."""
        from replica.changes import _stub

        with self.state.lock:
            latest = (now or datetime.now(VN_TZ)).replace(second=0, microsecond=0)
            moment = latest - timedelta(minutes=1)
            if self._newest and self._newest[0].published > moment:
                moment = self._newest[0].published.replace(microsecond=0)
            added = []
            for _ in range(count):
                index = self._next_index
                self._next_index += 1
                drawn = _stub(index, self.seed)
                stub = Stub(index, moment, drawn.category, drawn.title)
                added.append(self._entry(stub, moment))
            self._relist([*self._by_id.values(), *added])
            self._build.cache_clear()
            return [e.article_id for e in added]

    def edit(self, article_id: int, now: datetime | None = None) -> int:
        """Revise an article (a new first paragraph, a new lastmod); KeyError if unknown."""
        with self.state.lock:
            if article_id not in self._by_id:
                raise KeyError(article_id)
            revision = self.state.revisions.get(article_id, 0) + 1
            self.state.revisions[article_id] = revision
            moment = (now or datetime.now(VN_TZ)).astimezone(VN_TZ).replace(microsecond=0)
            self.state.modified[article_id] = moment
            self._build.cache_clear()
            return revision

    def remove(self, article_id: int) -> None:
        with self.state.lock:
            if article_id not in self._by_id:
                raise KeyError(article_id)
            self.state.removed.add(article_id)
            self._relist(list(self._by_id.values()))
            self._build.cache_clear()


def _sections(portal: Portal) -> dict[str, str]:
    """Section stem -> its listing path, in the shape of the declared section's path.

    The declared section (`/kinh-doanh`, `/kinh-doanh.htm`, `/thoi-su/`...) gives the
    shape; every category the declaration knows is a section of that shape, and every
    declared section is served at its own path.
    """
    declared = [urlsplit(s.url).path for s in portal.sources if s.kind == "section"]
    stems = [root.split(".")[0] for root in portal.known_categories]
    shape = declared[0] if declared else "/{stem}"
    own = next((stem for stem in stems if stem and stem in shape), None)
    sections = {stem: shape.replace(own, stem) for stem in stems if own}
    for path in declared:
        sections[path.strip("/").split("/")[-1].split(".")[0]] = path
    return sections
