"""`vnarchive eval FIXTURE_DIR`: per-field scores of `parse_article` on a gold set.

A gold set is a directory of `NAME.html` pages, each with a hand-checked `NAME.json`:
the exact record (`Article.to_record()`), or `{"url", "error"}` for a page that is not
an article. Scores, per field:
- title, lead: exact match;
- body: paragraph F1 (paragraphs as wholes) and token F1 (word tokens of NFC text, so a
  Vietnamese syllable with its diacritics is one token);
- captions with credits: each expected picture counts when the one at its position has
  the same caption and credit and is the same picture (the same file name: a portal
  serves one picture in several sizes) (a missing or extra picture counts against);
- authors, source: exact; published_at: exact to the minute (both empty is exact);
- page kind: an error page raises the expected error, an article page parses;
- tags, category: exact (where the gold record has them).

Two gold formats are read: the project's own (`Article.to_record()`) and the labelling
of tests/fixtures/portals (its README): a lead printed with the portal's mark and a
`lead_prefix` naming it (the lead is compared without the mark, whoever strips it), and
pictures identified by `src`.

`--per-page` prints every page's score per field. `--reader generic` scores the generic
reader alone (what reads a host no portal declares), whatever portal a page's layout
might resemble.

The scoring functions are shared with `bench/extraction_compare.py`, which scores other
extractors on the same pages.
"""

from __future__ import annotations

import json
import re
import sys
import unicodedata
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

# The fetch time the gold set's expectations assume (tests/test_fixtures.py): relative
# dates ("3 giờ trước") are anchored to it.
GOLD_FETCHED_AT = datetime(2026, 11, 26, 12, 0, tzinfo=timezone(timedelta(hours=7)))
FIELDS = (
    "page_kind",
    "title",
    "lead",
    "body_paragraph_f1",
    "body_token_f1",
    "captions_credits",
    "authors",
    "source",
    "published_at",
    "tags",
    "category",
)
# Fields scored only where the gold record has them.
_OPTIONAL = ("tags", "category")
# \w on NFC text: letters with their tone marks are word characters, so "Nguyễn" is one token.
_TOKEN = re.compile(r"\w+")


@dataclass(frozen=True, slots=True)
class GoldPage:
    name: str
    html: bytes
    expected: dict[str, Any]


@dataclass(slots=True)
class Scores:
    """Per-field sums and counts; `mean(field)` is the score."""

    sums: dict[str, float] = field(default_factory=lambda: dict.fromkeys(FIELDS, 0.0))
    counts: dict[str, int] = field(default_factory=lambda: dict.fromkeys(FIELDS, 0))
    misses: dict[str, list[str]] = field(default_factory=lambda: {f: [] for f in FIELDS})

    def add(self, name: str, page_scores: dict[str, float]) -> None:
        for key, value in page_scores.items():
            self.sums[key] += value
            self.counts[key] += 1
            if value < 1.0:
                self.misses[key].append(name)

    def mean(self, key: str) -> float | None:
        return self.sums[key] / self.counts[key] if self.counts[key] else None


def load_gold(directory: Path) -> list[GoldPage]:
    pages = []
    for html in sorted(directory.rglob("*.html")):
        expected_path = html.with_suffix(".json")
        if not expected_path.exists():
            continue
        expected = json.loads(expected_path.read_text(encoding="utf-8"))
        pages.append(GoldPage(html.stem, html.read_bytes(), expected))
    return pages


def tokens(text: str) -> list[str]:
    return _TOKEN.findall(unicodedata.normalize("NFC", text).lower())


def f1(got: Iterable[str], expected: Iterable[str]) -> float:
    """F1 of two bags (multisets); two empty bags agree perfectly."""
    got_bag, expected_bag = Counter(got), Counter(expected)
    if not got_bag and not expected_bag:
        return 1.0
    common = sum((got_bag & expected_bag).values())
    if common == 0:
        return 0.0
    precision = common / sum(got_bag.values())
    recall = common / sum(expected_bag.values())
    return 2 * precision * recall / (precision + recall)


def body_scores(got: Sequence[str], expected: Sequence[str]) -> tuple[float, float]:
    """(paragraph F1, token F1) of a body against the expected one."""
    got_tokens = [t for p in got for t in tokens(p)]
    expected_tokens = [t for p in expected for t in tokens(p)]
    return f1(got, expected), f1(got_tokens, expected_tokens)


def picture_file(url: str | None) -> str:
    """What identifies a picture: its file. A portal serves one picture under several
    sizes (`/thumb_w/730/…/a.jpg`, the original `/…/a.jpg`); a reader may keep either."""
    return urlsplit(url or "").path.rsplit("/", 1)[-1]


def captions_score(got: Sequence[dict[str, Any]], expected: Sequence[dict[str, Any]]) -> float:
    if not got and not expected:
        return 1.0
    keys = ("caption", "credit")
    right = sum(
        1
        for mine, theirs in zip(got, expected, strict=False)
        if all(mine.get(k) == theirs.get(k) for k in keys)
        and picture_file(mine.get("url")) == picture_file(theirs.get("url"))
    )
    return right / max(len(got), len(expected))


def same_minute(got: str | None, expected: str | None) -> bool:
    if got is None or expected is None:
        return got is None and expected is None
    try:
        a, b = datetime.fromisoformat(got), datetime.fromisoformat(expected)
    except ValueError:
        return False
    if (a.tzinfo is None) != (b.tzinfo is None):
        return False
    return a.replace(second=0, microsecond=0) == b.replace(second=0, microsecond=0)


def score_record(got: dict[str, Any], expected: dict[str, Any]) -> dict[str, float]:
    """Scores of one extracted record (fields may be missing) against the gold record."""
    paragraph_f1, token_f1 = body_scores(got.get("body") or [], expected["body"])
    scores = {
        "page_kind": 1.0,
        "title": float(got.get("title") == expected["title"]),
        "lead": float(
            _without_mark(got.get("lead"), expected) == _without_mark(expected["lead"], expected)
        ),
        "body_paragraph_f1": paragraph_f1,
        "body_token_f1": token_f1,
        "captions_credits": captions_score(
            got.get("images") or [], [_image(i) for i in expected["images"]]
        ),
        "authors": float(list(got.get("authors") or []) == expected["authors"]),
        "source": float(got.get("source") == expected["source"]),
        "published_at": float(same_minute(got.get("published_at"), expected["published_at"])),
    }
    for key in _OPTIONAL:
        if key in expected:
            value = got.get(key)
            scores[key] = float(
                (list(value) if key == "tags" and value else value) == expected[key]
            )
    return scores


def _without_mark(lead: str | None, expected: dict[str, Any]) -> str | None:
    """The lead without the portal's mark the gold names (`lead_prefix`), if it has it."""
    mark = expected.get("lead_prefix")
    if lead and mark and lead.startswith(mark):
        return lead[len(mark) :].strip() or None
    return lead


def _image(image: dict[str, Any]) -> dict[str, Any]:
    if "url" in image:
        return image
    return {"url": image.get("src"), "caption": image.get("caption"), "credit": image.get("credit")}


def evaluate(
    pages: Sequence[GoldPage],
    fetched_at: datetime = GOLD_FETCHED_AT,
    *,
    reader: str = "parse_article",
    per_page: dict[str, dict[str, float]] | None = None,
) -> Scores:
    """Scores of `reader` ("parse_article" or "generic") on the pages; `per_page`, when
    given, receives each page's scores."""
    from crawler.extract.errors import ExtractionError

    read = _reader(reader)
    scores = Scores()
    for page in pages:
        expected = page.expected
        if per_page is not None:
            per_page[page.name] = {}
            scores = _Recording(scores, per_page[page.name])
        try:
            record = read(page.html, expected["url"], fetched_at).to_record()
        except ExtractionError as error:
            if "error" in expected:
                scores.add(page.name, {"page_kind": float(error.kind == expected["error"])})
            else:
                scores.add(page.name, score_record({}, expected) | {"page_kind": 0.0})
            continue
        if "error" in expected:
            scores.add(page.name, {"page_kind": 0.0})
            continue
        scores.add(page.name, score_record(record, expected))
    return scores.inner if isinstance(scores, _Recording) else scores


class _Recording(Scores):
    """Scores that also keep one page's values apart."""

    def __init__(self, inner: Scores, page: dict[str, float]) -> None:
        self.inner: Scores = inner.inner if isinstance(inner, _Recording) else inner
        self.page = page

    def add(self, name: str, page_scores: dict[str, float]) -> None:
        self.inner.add(name, page_scores)
        self.page.update(page_scores)


def _reader(name: str) -> Any:
    if name == "generic":
        from crawler.extract.parsing import read_page
        from crawler.extract.parsing.generic_article import generic_article
        from crawler.extract.parsing.page import Page

        def read(html: bytes, url: str, fetched_at: datetime) -> Any:
            parsed = read_page(html, url)
            return generic_article(Page(parsed.root), parsed.decoded, url, fetched_at)

        return read
    from crawler.extract.parsing import parse_article

    return parse_article


_SHORT = {
    "page_kind": "kind",
    "body_paragraph_f1": "paraF1",
    "body_token_f1": "tokenF1",
    "captions_credits": "captions",
    "published_at": "minute",
}


def format_pages(per_page: dict[str, dict[str, float]]) -> str:
    """One row per page, one column per field ("-": not scored on that page)."""
    short = {key: _SHORT.get(key, key) for key in FIELDS}
    width = max(len(n) for n in per_page) + 2
    lines = [f"{'page':<{width}}" + "".join(f"{short[k]:>11}" for k in FIELDS)]
    for name, values in per_page.items():
        cells = [f"{values[k]:>11.3f}" if k in values else f"{'-':>11}" for k in FIELDS]
        lines.append(f"{name:<{width}}" + "".join(cells))
    return "\n".join(lines)


def format_table(columns: dict[str, Scores]) -> str:
    """A fixed-width table: one row per field, one column per extractor."""
    names = list(columns)
    width = max(len(f) for f in FIELDS) + 2
    lines = [f"{'field':<{width}}" + "".join(f"{n:>14}" for n in names) + f"{'pages':>8}"]
    for key in FIELDS:
        cells = []
        for name in names:
            value = columns[name].mean(key)
            cells.append(f"{'-' if value is None else f'{value:.4f}':>14}")
        count = max(columns[n].counts[key] for n in names)
        lines.append(f"{key:<{width}}" + "".join(cells) + f"{count:>8}")
    return "\n".join(lines)


def run_eval(
    directory: str,
    *,
    as_json: bool = False,
    fetched_at: datetime | None = None,
    per_page: bool = False,
    reader: str = "parse_article",
) -> int:
    path = Path(directory)
    if not path.is_dir():
        print(f"vnarchive eval: error: not a directory: {directory}", file=sys.stderr)
        return 2
    pages = load_gold(path)
    if not pages:
        print(
            f"vnarchive eval: error: no NAME.html + NAME.json pairs in {directory}", file=sys.stderr
        )
        return 2
    pages_scores: dict[str, dict[str, float]] = {}
    scores = evaluate(pages, fetched_at or GOLD_FETCHED_AT, reader=reader, per_page=pages_scores)
    if as_json:
        report: dict[str, Any] = {
            "pages": len(pages),
            "reader": reader,
            "scores": {key: scores.mean(key) for key in FIELDS},
            "counts": scores.counts,
            "misses": scores.misses,
        }
        if per_page:
            report["per_page"] = pages_scores
        json.dump(report, sys.stdout, ensure_ascii=False, indent=2)
        print()
        return 0
    print(f"{len(pages)} gold pages in {directory}")
    print(format_table({reader: scores}))
    if per_page:
        print()
        print(format_pages(pages_scores))
    for key in FIELDS:
        if scores.misses[key]:
            print(f"  {key} below 1 on: {', '.join(scores.misses[key])}")
    return 0
