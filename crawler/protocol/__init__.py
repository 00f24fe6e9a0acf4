"""The interface the crawl declares for whatever stores what it fetches.

The crawl (`crawler/`) never imports storage (`pipelines/`). It states here what it
needs from a store and what it hands over, and storage implements it:

- `signals`: the crawl's own Scrapy signals (a page failed, a frontier is open, where
  captures go);
- `frontier`: the `Frontier` protocol the spiders ask (what is known, archived,
  pending; listing walks) and the plain records that cross it;
- `exchange`: a fetched response as plain data, which storage writes to WARC;
- `redis_keys`: the Redis key names a distributed crawl's workers and its one writer
  share.

Nothing here imports Scrapy or SQLite: the package is plain Python, so storage depends
on it without depending on the crawl.
"""
