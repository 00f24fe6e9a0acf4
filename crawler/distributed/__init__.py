"""Distributed crawling on Redis (issue 7): many workers, one frontier, one writer.

    vnarchive ingest --redis redis://HOST:6379/0 --db data/archive.db   # the one writer
    vnarchive crawl  --redis redis://HOST:6379/0 --start-url ...        # any number, anywhere

Workers run the project's spiders with scrapy-redis's scheduler and dupefilter
(`scheduler.py`: thin subclasses, see there for what they adapt). Whatever a worker
would have written to the archive goes into one Redis stream instead
(`pipelines/redis_queue.py`); `vnarchive ingest` is its only reader and the archive's
only writer, and acknowledges a message only after its SQLite commit.

Keys, for spider S and site T (all under `vnarchive:`):

    S:requests        zset   scrapy-redis's request queue (priority order)
    S:dupefilter      set    fingerprints; an article's is its id (`article:<id>`)
    S:inflight:<w>    zset   requests worker w popped and has not finished (leases)
    S:workers         set    worker ids;  S:alive:<w>  a key with a TTL, w's heartbeat
    S:entered         set    categories whose listing reading a worker has claimed
    S:walks           hash   category -> listing walk progress (JSON)
    S:done            string set when the queue and every lease were empty: the crawl ended
    archived:T        set    article ids the archive holds (the ingest adds after commit)
    archived:T:ready  string the ingest loaded archived:T from SQLite once
    items             stream what workers send the writer; group `writer`
    writer            string the writer lock (TTL)
"""
