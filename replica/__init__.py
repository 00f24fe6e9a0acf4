"""A local replica of tuyengiao.vn: deterministic content, both page layouts, and the
truth (expected parse) of every article, served on 127.0.0.1 for offline crawling.

    from replica import start_replica
    with start_replica(layout="old", generated=100, seed=1) as replica:
        crawl(replica.base_url)
        expected = replica.truth()

The real portals (VnExpress, Tuổi Trẻ, Dân trí, VietnamNet, CafeF, Pháp Luật TP.HCM),
each in its real page's markup, are `replica.press` (`start_press`, `start_portals`).
"""

from replica.model import ArticleImage, ReplicaArticle
from replica.server import ReplicaHandle, start_replica
from replica.site import Site

__all__ = ["ArticleImage", "ReplicaArticle", "ReplicaHandle", "Site", "start_replica"]
