"""Remake docs/article-page.png: one article's page in `vnarchive serve`, in Chromium.

    .venv/bin/python scripts/article_screenshot.py [--out docs/article-page.png]

The archive is built from the replica's truth (no crawl); the portal's pictures are
answered with a grey placeholder (nothing leaves the machine), and the article gets a
capture row so the capture link shows. The article is the first with two captioned,
credited images.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from pipelines.archive import Archive  # noqa: E402
from tests.browse_helpers import SITE, build_archive, free_port, start_serve, stop  # noqa: E402
from tests.browser.test_browser_datasette import CHROMIUM_ARGS, chromium_path  # noqa: E402

PLACEHOLDER = (
    '<svg xmlns="http://www.w3.org/2000/svg" width="420" height="140">'
    '<rect width="100%" height="100%" fill="#d9dde3"/><text x="210" y="76" '
    'text-anchor="middle" font-family="sans-serif" font-size="18" fill="#667">'
    "picture (placeholder)</text></svg>"
)


def answer(route: Any) -> None:
    """Datasette's own requests go through; a picture gets the placeholder."""
    if route.request.url.startswith("http://127.0.0.1:"):
        route.continue_()
    else:
        route.fulfill(body=PLACEHOLDER, content_type="image/svg+xml")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--out", default=str(ROOT / "docs" / "article-page.png"))
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "archive.db"
        records = build_archive(db, generated=40)
        record = next(
            r for r in records if sum(1 for i in r["images"] if i["caption"] and i["credit"]) > 1
        )
        with Archive(db) as archive:
            archive.record_capture(
                {"url": record["canonical_url"], "fetched_at": "2021-01-24T09:15:02+07:00",
                 "status": 200, "content_type": "text/html; charset=utf-8",
                 "payload_digest": "sha1:EXAMPLE", "record_type": "response",
                 "warc_file": "warc/vnarchive-20210124.warc.gz", "offset": 48213,
                 "length": 23817, "site": SITE, "article_id": record["article_id"]}
            )  # fmt: skip
        port = free_port()
        server = start_serve(db, port)
        try:
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(
                    executable_path=chromium_path(), args=CHROMIUM_ARGS
                )
                page = browser.new_page(viewport={"width": 960, "height": 900})
                page.route("**/*", answer)
                page.goto(
                    f"http://127.0.0.1:{port}/-/article/archive/{SITE}/{record['article_id']}"
                )
                page.wait_for_load_state("networkidle")
                page.screenshot(path=args.out, full_page=True)
                browser.close()
        finally:
            stop(server)
    print(f"wrote {args.out} (article {record['article_id']})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
