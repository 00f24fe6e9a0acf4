"""The archive as a Hugging Face dataset folder: Parquet files and a dataset card.

`datasets.load_dataset(folder)` opens it (the `articles` configuration by default;
`images` and `versions` by name), and the Hub shows the card: what the columns mean,
where the articles come from, the licence note, when they were captured, and how many
there are per site and month.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pyarrow as pa

from pipelines.archive import Archive
from pipelines.citations import outlet
from pipelines.parquet_export import ARTICLES, IMAGES, TABLES, VERSIONS, write_parquet
from pipelines.schema_docs import COLUMNS, LICENSE_NOTE
from pipelines.schema_docs import TABLES as TABLE_DOCS
from pipelines.search import Filters

_SOURCE_TABLE = {t.name: t.source for t in TABLES}
# Columns the Parquet files have in another form than the archive's.
_PARQUET_NOTES = {
    ("articles", "body"): "The body's paragraphs, in order (a list of strings).",
    ("articles", "authors"): "The person names of the byline (a list of strings).",
}


def write_dataset(
    archive: Archive,
    folder: Path,
    filters: Filters | None = None,
    progress: Callable[[int], None] | None = None,
) -> dict[str, int]:
    """`folder/data/*.parquet` and `folder/README.md`; the row count of each table."""
    counts = write_parquet(archive, folder / "data", filters, progress)
    card = dataset_card(archive, counts, filters)
    (folder / "README.md").write_text(card, encoding="utf-8")
    return counts


def dataset_card(archive: Archive, counts: dict[str, int], filters: Filters | None) -> str:
    where, params = (filters or Filters()).sql()
    per_month = list(
        archive.db.query(
            "SELECT a.site, coalesce(substr(a.published_at, 1, 7), 'undated') AS month, "
            f"count(*) AS n FROM articles a WHERE {where} GROUP BY 1, 2 ORDER BY 1, 2",
            params,
        )
    )
    period = next(
        archive.db.query(
            "SELECT min(a.first_seen_at) AS first, max(a.last_seen_at) AS last, "
            "min(a.published_at) AS oldest, max(a.published_at) AS newest "
            f"FROM articles a WHERE {where}",
            params,
        )
    )
    sites = sorted({row["site"] for row in per_month})
    parts = [
        _front_matter(sites, counts),
        "# vnarchive: Vietnamese news articles, archived\n",
        "Articles of Vietnamese news portals as the archival crawler vnarchive "
        "captured them: headline, lead, body paragraphs, "
        "byline and authors, the credited agency, the publish time at +07:00, tags, and "
        "each picture with its caption and credit. Every article was fetched by the "
        "crawler and kept as a WARC record; the rows here are what its extractor read.\n",
        "```python\nfrom datasets import load_dataset\n"
        'articles = load_dataset("path/to/this/folder")["train"]\n'
        'images = load_dataset("path/to/this/folder", "images")["train"]\n```\n',
        "## Sources\n",
        *(_source_line(site) for site in sites),
        "\n## Licence\n",
        f"{LICENSE_NOTE} The texts are not licensed for republication. The original URL "
        "is `canonical_url`, the capture time `last_seen_at`.\n",
        "## Crawl period\n",
        f"- captured from {period['first'] or '-'} to {period['last'] or '-'}",
        f"- published from {period['oldest'] or '-'} to {period['newest'] or '-'}\n",
        "## Size\n",
        *(f"- `{name}`: {n:,} rows" for name, n in counts.items()),
        "\n### Articles per site and month (publish month, +07:00)\n",
        "| site | month | articles |\n| --- | --- | ---: |",
        *(f"| {r['site']} | {r['month']} | {r['n']:,} |" for r in per_month),
        "\n## Schema\n",
        *(_table_doc(table) for table in (ARTICLES, IMAGES, VERSIONS)),
    ]
    return "\n".join(parts) + "\n"


def _front_matter(sites: list[str], counts: dict[str, int]) -> str:
    size = _size_category(counts.get("articles", 0))
    configs = "\n".join(
        f"- config_name: {t.name}\n  data_files: data/{t.name}.parquet"
        + ("\n  default: true" if t is ARTICLES else "")
        for t in TABLES
    )
    return (
        "---\n"
        "language:\n- vi\n"
        "license: other\n"
        "license_name: publishers-copyright\n"
        "pretty_name: vnarchive news articles\n"
        f"size_categories:\n- {size}\n"
        "task_categories:\n- text-generation\n- text-classification\n"
        "tags:\n- news\n- vietnamese\n- web-archive\n"
        f"configs:\n{configs}\n"
        "---\n"
    )


def _size_category(n: int) -> str:
    for limit, label in ((1_000, "n<1K"), (10_000, "1K<n<10K"), (100_000, "10K<n<100K")):
        if n < limit:
            return label
    return "100K<n<1M" if n < 1_000_000 else "1M<n<10M"


def _source_line(site: str) -> str:
    name, owner = outlet(site)
    owned = f", published by {owner}" if owner else ""
    return f"- **{name}** (https://{site}/){owned}: `site = '{site}'`"


def _table_doc(table: Any) -> str:
    source = _SOURCE_TABLE[table.name]
    title, description = TABLE_DOCS.get(source, (table.name, ""))
    lines = [
        f"### `{table.name}` ({title.lower()})\n",
        f"{description}\n",
        "| column | type | meaning |\n| --- | --- | --- |",
    ]
    docs = COLUMNS.get(source, {})
    for field in table.schema:
        meaning = _PARQUET_NOTES.get((table.name, field.name)) or docs.get(field.name, "")
        lines.append(f"| `{field.name}` | {_type_name(field.type)} | {meaning} |")
    return "\n".join(lines) + "\n"


def _type_name(kind: pa.DataType) -> str:
    if pa.types.is_timestamp(kind):
        return "timestamp (+07:00)"
    if pa.types.is_list(kind):
        return f"list of {_type_name(kind.value_type)}"
    return {"int64": "int64", "int32": "int32", "string": "string"}.get(str(kind), str(kind))
