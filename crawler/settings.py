"""Scrapy settings for vnarchive. Every value can be overridden with `-s NAME=VALUE`
(`scrapy crawl`) or `--set NAME=VALUE` (`vnarchive crawl`)."""

BOT_NAME = "vnarchive"
SPIDER_MODULES = ["crawler.spiders"]
NEWSPIDER_MODULE = "crawler.spiders"

# Who we are, and how a webmaster reaches us. VNARCHIVE_CONTACT is folded into the UA.
VNARCHIVE_CONTACT = "https://github.com/vnarchive/vnarchive"
USER_AGENT = f"vnarchive/0.1 (+{VNARCHIVE_CONTACT}; archival crawler for research)"

# Politeness for the real portal. The spider relaxes these for a loopback start URL
# (crawler/loopback.py), whichever way the crawl is started.
ROBOTSTXT_OBEY = True
# "auto": relaxed (no delays, no AutoThrottle) for a loopback start URL only, the
# replica; "on": never; "off": always. Applied by the spider (crawler/loopback.py).
CRAWL_POLITE = "auto"
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
# Scrapy re-reads a callback's source (inspect + ast) to warn about a generator that
# returns a value, each time its cache of bound methods lost the callback: 3.8% of the
# crawl's CPU in a profile (bench/). The spiders' callbacks return no value.
WARN_ON_GENERATOR_RETURN_VALUE = False

ITEM_PIPELINES = {
    "pipelines.normalize.NormalizePipeline": 100,
    # The archive's one writer runs in a child process (pipelines/writer.py): the crawl
    # goes on on one core while SQLite writes on the other.
    "pipelines.writer_client.ProcessArchivePipeline": 300,
}

# The archive's writer process runs this many steps of `nice` below the crawl: when the
# cores are busy, fetching and parsing go first and the writer catches up (its backlog
# is bounded by SCRAPER_SLOT_MAX_ACTIVE_SIZE below). 0: the same priority.
WRITER_NICENESS = 10
# Response bytes whose items wait for the writer before Scrapy pauses the downloads
# (Scrapy's default is 5,000,000). A waiting item holds its response, decoded text and
# the writer's frames (~100 KB for a 12 KB page, by estimate): at the default, a writer
# that fell behind for a moment left the crawl process 40 MB larger for good
# (bench/CHANGES.md).
SCRAPER_SLOT_MAX_ACTIVE_SIZE = 1_000_000

# The archive the pipelines write to.
ARCHIVE_PATH = "data/archive.db"

# Raw captures in WARC (crawler/warc.py). WARC_DIR empty: `warc/` next to ARCHIVE_PATH.
WARC_ENABLED = True
WARC_DIR = ""
WARC_MAX_SIZE = 1024**3
# Article pictures are fetched and kept (crawler/spiders/images.py): an archive whose
# pages show pictures from the live web loses them when the site moves or goes.
WARC_IMAGES = True
# A news picture is 50-500 KB; 5 MB keeps a large original and refuses a video or an
# endless body served as an image (per request, under DOWNLOAD_MAXSIZE's 10 MB).
IMAGE_MAXSIZE = 5 * 1024 * 1024
# Pictures fetched of one article: a gallery has a few dozen; a broken or hostile page
# with thousands of `<img>` stays one page's worth of requests.
IMAGES_PER_ARTICLE_MAX = 50
# Content-Encodings a crawl that keeps WARC asks servers for: those a WARC reader
# undoes on read (warcio: gzip, deflate, br), so every record reads back as the page.
WARC_ACCEPT_ENCODINGS = ["gzip", "deflate", "br"]
EXTENSIONS = {
    "crawler.warc.WarcCaptureExtension": 500,
    "crawler.progress.ProgressExtension": 510,
    "crawler.gctuning.GcThresholdExtension": 520,
    "crawler.limits.MaxDurationExtension": 530,
    "crawler.report.RunReportExtension": 540,
}
# Collect the youngest generation after 10,000 new container objects, not 700: 5% of
# the crawl's CPU went to collections that found little (crawler/gctuning.py).
GC_GEN0_THRESHOLD = 10_000
DOWNLOADER_MIDDLEWARES = {
    # Refusals (crawler/safety.py): offsite hosts and private addresses before anything
    # else (RobotsTxtMiddleware is 100), each Location before RedirectMiddleware (600),
    # cut or oversized bodies before HttpCompressionMiddleware (590) decompresses them.
    "crawler.safety.AddressGuardMiddleware": 50,
    "crawler.safety.RedirectGuardMiddleware": 640,
    "crawler.safety.BodyGuardMiddleware": 595,
    # Before RedirectMiddleware (600) so 3xx answers are seen and captured too.
    "crawler.warc.RedirectWatchMiddleware": 650,
    # The body as sent, for its WARC record: after BodyGuardMiddleware (595) accepted
    # it, before HttpCompressionMiddleware (590) decompresses it.
    "crawler.warc.RawBodyMiddleware": 592,
    # Crawl-delay and Retry-After (crawler/politeness.py): after RobotsTxtMiddleware
    # (100) has let a request through, and sees 429/503 before RetryMiddleware (550).
    "crawler.politeness.PolitenessMiddleware": 560,
}
SAFETY_ENABLED = True
# CIDRs a crawl may reach although they are private (a mirror on the LAN); loopback is
# allowed only when the start URL is loopback (the replica).
SAFETY_ALLOWED_NETWORKS: list[str] = []
# Longer chains are refused (Scrapy's default is 20).
REDIRECT_MAX_TIMES = 10
CRAWL_DELAY_MAX = 60.0
RETRY_AFTER_MAX = 300.0

# Scheduled crawls (crawler/spiders/portal.py, pipelines/frontier_store.py).
# Pages read past the first listing page that shows an archived article.
INCREMENTAL_OVERLAP_PAGES = 1
# Archived articles published in the last D days are revisited (conditional GET).
REVISIT_DAYS = 2.0
# A failed article is tried again in later runs until it has failed this often.
FRONTIER_MAX_ATTEMPTS = 3
# The run ledger's "degraded" thresholds (pipelines/ledger.py); a high fallback
# rate is "layout drift" (exit 4).
DEGRADED_ERROR_RATE = 0.05
DEGRADED_STALE_DAYS = 7.0
# A run that wrote articles ends by merging a search index that holds more segments
# than this into one (pipelines/fts.py: fewer segments, faster queries); 0: never.
FTS_MAX_SEGMENTS = 8
# Progress (crawler/progress.py): live line on a terminal, else a log line every N s.
PROGRESS_ENABLED = True
PROGRESS_LOG_INTERVAL = 30.0
# Scrapy's LogStats line ("Crawled N pages (at N pages/min)") is off: the progress line
# says the same and more, and two progress lines were one too many. With
# PROGRESS_ENABLED off, set LOGSTATS_INTERVAL = 60 for Scrapy's line back.
LOGSTATS_INTERVAL = 0.0
# Ask again for every archived article, linked or not, so removals are seen.
RECHECK_ARCHIVED = False
SPIDER_MIDDLEWARES = {
    "crawler.recheck.RecheckArchivedMiddleware": 50,
    # Before Scrapy's UrlLengthMiddleware (800), which drops a long URL with a log line
    # only: here it gets a crawl_errors row and its frontier entry a final state.
    "crawler.limits.UrlLengthGuardMiddleware": 850,
}

# Crawl bounds (crawler/limits.py): traps of a hostile or broken site end as a recorded,
# "degraded" run (exit 3), never as a run that holds the lock for ever. 0: no bound.
# Listing pages in a row that list no article not already listed in this run (an
# empty pager that always links ?page=N+1); a real listing brings 20 new ones a page.
CRAWL_MAX_EMPTY_PAGES = 10
# Listing pages read per category in one run: the largest real category is about
# 1,500 pages; a walk cut here resumes where it stopped in the next run.
CRAWL_MAX_LISTING_DEPTH = 5000
# Categories entered in one run beyond the portal's declared ones (Portal.category_roots):
# a site that grows a section is still read, one that makes a new path per page is not.
CRAWL_MAX_EXTRA_CATEGORIES = 50
# Seconds a run may take (`vnarchive crawl --max-duration`); 0: no bound. Scheduled
# runs set one (deploy/run-crawl.sh), so a trap cannot hold the lock past the next run.
CRAWL_MAX_DURATION = 0.0

# Discovery beyond the home page's links (crawler/spiders/discovery.py, issue 15 §4).
# Sitemaps (the portal's declared ones and those its robots.txt names) and feeds give
# every article with a date, so an incremental run fetches only what is new or changed;
# declared section listings are walked in their own paging style. Each can be turned
# off (a portal whose sitemap lies, a crawl that must read listings only).
DISCOVERY_SITEMAPS = True
DISCOVERY_ROBOTS_SITEMAPS = True
DISCOVERY_FEEDS = True
DISCOVERY_SECTIONS = True
# sitemaps.org caps a sitemap at 50 MB uncompressed; past it (a gzip bomb, an endless
# body) the sitemap is a `bad_sitemap` row. Also the download's own bound for sitemaps.
SITEMAP_MAX_SIZE = 50 * 1024 * 1024
# Children of sitemap indexes read in one run: twenty years of monthly archives is 240;
# a site that lists a child per article or per hour is cut here (a `bound_sitemap_children`
# row), and the next run reads the rest, since unread children are not remembered.
SITEMAP_MAX_CHILDREN = 1000
# Indexes nested in indexes: the standard allows one level; a loop stops here.
SITEMAP_MAX_DEPTH = 3
# A feed of the newest 50-200 items is well under 1 MB.
FEED_MAX_SIZE = 5 * 1024 * 1024

# The run's summary line on stderr at its end (crawler/report.py), for `scrapy crawl`
# and `vnarchive crawl` alike; `scrapy crawl` exits with the run's status through the
# project's own crawl command.
CRAWL_SUMMARY_ENABLED = True
COMMANDS_MODULE = "crawler.commands"

# Distributed workers (crawler/distributed/, `vnarchive crawl --redis`): the heartbeat's
# TTL, how often a worker polls Redis, and when idle leases count as leaked (seconds).
REDIS_WORKER_TTL = 10.0
# This worker's name in Redis and the ledger; `vnarchive crawl --redis` sets a unique one.
REDIS_WORKER_ID = "worker"
REDIS_TICK = 0.5
REDIS_STUCK_AFTER = 30.0

TELNETCONSOLE_ENABLED = False
# Scrapy (2.19) otherwise opens, in every crawl, an HTTP server on loopback that runs
# Python sent to it (token-guarded) and writes job files: not for an unattended archive
# job, and it costs each run an aiohttp import and a server start.
REMOTE_CONTROL_ENABLED = False
LOG_LEVEL = "INFO"
FEED_EXPORT_ENCODING = "utf-8"
