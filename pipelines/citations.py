"""Citations of archived articles: CSL-JSON, BibTeX and RIS, from one record.

What each field means follows CSL 1.0.2 (the variables Zotero, Pandoc and citeproc
share), and the RIS and BibTeX tags are the ones Zotero's importers map to the same
fields:

- `container-title` is the outlet as readers know it (`Tuyên giáo`), `publisher` its
  owner, both from the portal declaration (`crawler/portals/`), never the host name;
- `section` is the category's name on the portal (`Thế giới`), not its URL slug;
- `author` holds person names split family/given when sure (`pipelines/names.py`);
- the credited news agency (`Theo TTXVN`) is `original-publisher`: CSL's `source` is
  "the database or catalogue the item was found in", which is not what it is;
- `issued` is the publish day at +07:00, `accessed` the capture's fetch time, `URL` the
  canonical URL, and the archived copy is `archive` / `archive_location` (the WARC file
  and offset).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any

from crawler.portals import Portal, portal_by_name
from pipelines.names import split_name

ARCHIVE_NAME = "vnarchive web archive"


def _portal(site: str) -> Portal | None:
    try:
        return portal_by_name(site)
    except KeyError:
        return None


def outlet(site: str) -> tuple[str, str | None]:
    """(the outlet's name, its owner) for a site; an undeclared site is named by its host."""
    portal = _portal(site)
    if portal is None or not portal.outlet:
        return site, None
    return portal.outlet, portal.owner or None


def section_name(site: str, category: str | None) -> str | None:
    """The category's name on the portal; None when the declaration does not know it."""
    portal = _portal(site)
    if portal is None or not category:
        return None
    return portal.category_name(category)


def archive_location(capture: dict[str, Any]) -> str:
    return f"{capture['warc_file']}#offset={capture['offset']}&length={capture['length']}"


def csl_item(record: dict[str, Any]) -> dict[str, Any]:
    """One citation in CSL-JSON (the format Zotero, Pandoc and citeproc read)."""
    container, publisher = outlet(record["site"])
    item: dict[str, Any] = {
        "id": f"{record['site']}/{record['article_id']}",
        "type": "article-newspaper",
        "title": record["title"],
        "author": [split_name(name) for name in record["authors"]],
        "container-title": container,
        "URL": record["canonical_url"],
        "language": "vi",
    }
    if publisher:
        item["publisher"] = publisher
    if record.get("source"):
        item["original-publisher"] = record["source"]
    if record.get("published_at"):
        item["issued"] = _date_parts(record["published_at"])
    section = section_name(record["site"], record.get("category"))
    if section:
        item["section"] = section
    if record.get("fetched_at"):
        item["accessed"] = _date_parts(record["fetched_at"])
    capture = record.get("capture")
    if capture:
        item["archive"] = ARCHIVE_NAME
        item["archive_location"] = archive_location(capture)
    return item


def _date_parts(iso: str) -> dict[str, Any]:
    # The ISO string carries its +07:00 offset, so its first ten characters are the
    # portal's own day, whatever the reader's time zone.
    day = iso[:10].split("-")
    return {"date-parts": [[int(part) for part in day]], "raw": iso}


# -- RIS ------------------------------------------------------------------------


def ris_entry(record: dict[str, Any]) -> str:
    """One RIS record (`TY  - NEWS`: Zotero imports it as a newspaper article)."""
    item = csl_item(record)
    lines = [("TY", "NEWS"), ("TI", item["title"])]
    for name in item["author"]:
        # Zotero reads "family, given"; a name without a comma stays whole.
        au = f"{name['family']}, {name['given']}" if "family" in name else name["literal"]
        lines.append(("AU", au))
    lines.append(("T2", item["container-title"]))
    if "publisher" in item:
        lines.append(("PB", item["publisher"]))
    if "section" in item:
        lines.append(("SE", item["section"]))
    if "issued" in item:
        lines.append(("DA", _ris_date(item["issued"])))
        lines.append(("PY", str(item["issued"]["date-parts"][0][0])))
    if "accessed" in item:
        lines.append(("Y2", _ris_date(item["accessed"])))
    lines.append(("UR", item["URL"]))
    lines.append(("LA", item["language"]))
    if "original-publisher" in item:
        # Zotero has no such field for newspaper articles; its "Extra" line in this form
        # becomes CSL `original-publisher` again when it cites the item.
        lines.append(("M2", f"Original Publisher: {item['original-publisher']}"))
    if "archive" in item:
        lines.append(("DB", item["archive"]))
        lines.append(("AN", item["archive_location"]))
    lines.extend(("KW", tag) for tag in record.get("tags") or ())
    lines.append(("ID", item["id"]))
    text = "".join(f"{tag}  - {_one_line(value)}\r\n" for tag, value in lines)
    return text + "ER  - \r\n\r\n"


def _ris_date(date: dict[str, Any]) -> str:
    year, month, day = date["date-parts"][0]
    return f"{year:04d}/{month:02d}/{day:02d}/"


def _one_line(value: str) -> str:
    # A line break inside a value would start a new (bogus) tag.
    return " ".join(str(value).split())


# -- BibTeX ---------------------------------------------------------------------

_BIBTEX_SPECIAL = re.compile(r"([\\{}%&$#_~^])")
_BIBTEX_ESCAPES = {
    "\\": r"\textbackslash{}",
    "~": r"\textasciitilde{}",
    "^": r"\textasciicircum{}",
}


def bibtex_entry(record: dict[str, Any]) -> str:
    """One biblatex/BibTeX entry, UTF-8 (biber and Zotero read the accents as they are)."""
    item = csl_item(record)
    fields: list[tuple[str, str]] = [
        # The title in braces: styles that change case must leave Vietnamese as written.
        ("title", "{" + _bibtex(item["title"]) + "}"),
    ]
    if item["author"]:
        fields.append(("author", " and ".join(_bibtex_name(n) for n in item["author"])))
    fields.append(("journal", _bibtex(item["container-title"])))
    if "publisher" in item:
        fields.append(("publisher", _bibtex(item["publisher"])))
    if "issued" in item:
        year, month, day = item["issued"]["date-parts"][0]
        fields.append(("date", f"{year:04d}-{month:02d}-{day:02d}"))
        fields.append(("year", str(year)))
        fields.append(("month", str(month)))
    if "section" in item:
        fields.append(("section", _bibtex(item["section"])))
    fields.append(("url", item["URL"]))
    if "accessed" in item:
        year, month, day = item["accessed"]["date-parts"][0]
        fields.append(("urldate", f"{year:04d}-{month:02d}-{day:02d}"))
    fields.append(("language", "vietnamese"))
    if "original-publisher" in item:
        fields.append(("note", "Original publisher: " + _bibtex(item["original-publisher"])))
    if "archive" in item:
        fields.append(("addendum", _bibtex(f"{item['archive']}: {item['archive_location']}")))
    key = re.sub(r"[^A-Za-z0-9]+", "_", item["id"])
    body = ",\n".join(f"  {name} = {{{value}}}" for name, value in fields)
    # entrysubtype: biblatex's way of saying "a newspaper, not a journal".
    return f"@article{{{key},\n  entrysubtype = {{newspaper}},\n{body}\n}}\n\n"


def _bibtex(text: str) -> str:
    text = " ".join(str(text).split())
    return _BIBTEX_SPECIAL.sub(lambda m: _BIBTEX_ESCAPES.get(m[1], "\\" + m[1]), text)


def _bibtex_name(name: dict[str, str]) -> str:
    if "family" in name:
        return f"{_bibtex(name['family'])}, {_bibtex(name['given'])}"
    # Braced: BibTeX must not split a name we could not split with certainty.
    return "{" + _bibtex(name["literal"]) + "}"


def citation_lines(records: Iterator[dict[str, Any]], fmt: str) -> Iterator[str]:
    """The records as one of the citation formats, a piece of text at a time."""
    if fmt == "csl-json":
        yield "["
        for n, record in enumerate(records):
            item = json.dumps(csl_item(record), ensure_ascii=False, indent=2)
            yield ("\n" if n == 0 else ",\n") + item
        yield "\n]\n"
    elif fmt == "ris":
        for record in records:
            yield ris_entry(record)
    elif fmt == "bibtex":
        for record in records:
            yield bibtex_entry(record)
    else:
        raise ValueError(f"not a citation format: {fmt!r}")
