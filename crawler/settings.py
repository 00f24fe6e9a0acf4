"""Scrapy settings for vnarchive. Every value can be overridden with `-s NAME=VALUE`
(`scrapy crawl`) or `--set NAME=VALUE` (`vnarchive crawl`)."""

BOT_NAME = "vnarchive"
SPIDER_MODULES = ["crawler.spiders"]
NEWSPIDER_MODULE = "crawler.spiders"

# Who we are, and how a webmaster reaches us. VNARCHIVE_CONTACT is folded into the UA.
VNARCHIVE_CONTACT = "https://github.com/vnarchive/vnarchive"
USER_AGENT = f"vnarchive/0.1 (+{VNARCHIVE_CONTACT}; archival crawler for research)"

# Politeness for the real portal. The CLI relaxes these for a loopback replica only.
ROBOTSTXT_OBEY = True
CONCURRENT_REQUESTS = 16
CONCURRENT_REQUESTS_PER_DOMAIN = 2
DOWNLOAD_DELAY = 0.5
AUTOTHROTTLE_ENABLED = True
AUTOTHROTTLE_START_DELAY = 1.0
AUTOTHROTTLE_MAX_DELAY = 30.0
AUTOTHROTTLE_TARGET_CONCURRENCY = 1.0
RETRY_ENABLED = True
RETRY_TIMES = 3
RETRY_HTTP_CODES = [500, 502, 503, 504, 522, 524, 408, 429]
DOWNLOAD_TIMEOUT = 30
# A news page is ~100 KB; 10 MB is far beyond any article and caps a hostile response.
DOWNLOAD_MAXSIZE = 10 * 1024 * 1024
DOWNLOAD_WARNSIZE = 2 * 1024 * 1024

# One response yields at most a few items; Scrapy's default of 100 concurrent item
# tasks per response only costs scheduling overhead (measured in issue 9's notes).
CONCURRENT_ITEMS = 4

ITEM_PIPELINES = {
    "pipelines.normalize.NormalizePipeline": 100,
    "pipelines.store.ArchivePipeline": 300,
}

# The archive the pipelines write to.
ARCHIVE_PATH = "data/archive.db"

# Raw captures in WARC (crawler/warc.py). WARC_DIR empty: `warc/` next to ARCHIVE_PATH.
WARC_ENABLED = True
WARC_DIR = ""
WARC_MAX_SIZE = 1024**3
WARC_IMAGES = False
EXTENSIONS = {"crawler.warc.WarcCaptureExtension": 500}
# Before RedirectMiddleware (600) so 3xx answers are seen and captured too.
DOWNLOADER_MIDDLEWARES = {"crawler.warc.RedirectWatchMiddleware": 650}
# Ask again for every archived article, linked or not, so removals are seen.
RECHECK_ARCHIVED = False
SPIDER_MIDDLEWARES = {"crawler.recheck.RecheckArchivedMiddleware": 50}

TELNETCONSOLE_ENABLED = False
LOG_LEVEL = "INFO"
FEED_EXPORT_ENCODING = "utf-8"
