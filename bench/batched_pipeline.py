"""A bench-only prototype: the archive pipeline with its commits batched.

Not the product. It measures what batching SQLite commits would give a crawl end to
end: the pipeline opens one transaction and commits it every `BENCH_COMMIT_EVERY`
writes (articles and WARC capture rows, default 200) and at the end; the per-row
`atomic()` blocks of `Archive` and the frontier become savepoints inside it. What it
does not keep: a crash loses the open batch, and the WARC extension's reader does not
see captures of the open batch (a duplicate payload inside it is stored again rather
than as a revisit).

    vnarchive crawl ... --set 'ITEM_PIPELINES={"pipelines.normalize.NormalizePipeline": 100,
        "bench.batched_pipeline.BatchedArchivePipeline": 300}'
"""

from __future__ import annotations

from typing import Any

from pipelines.store import ArchivePipeline


class BatchedArchivePipeline(ArchivePipeline):
    def open_spider(self) -> None:
        super().open_spider()
        self.every = self.crawler.settings.getint("BENCH_COMMIT_EVERY", 200)
        self.pending = 0
        self._begin()

    def _begin(self) -> None:
        if self.archive is not None and not self.archive.db.conn.in_transaction:
            self.archive.db.conn.execute("BEGIN")

    def _wrote(self) -> None:
        self.pending += 1
        if self.pending >= self.every and self.archive is not None:
            self.archive.db.conn.execute("COMMIT")
            self.pending = 0
            self._begin()

    def process_item(self, item: Any) -> Any:
        result = super().process_item(item)
        self._wrote()
        return result

    def page_captured(self, capture: dict[str, Any]) -> None:
        super().page_captured(capture)
        self._wrote()

    def spider_closed(self, spider: Any, reason: str) -> None:
        if self.archive is not None and self.archive.db.conn.in_transaction:
            self.archive.db.conn.execute("COMMIT")
        super().spider_closed(spider, reason)
