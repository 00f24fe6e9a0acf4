"""tuyengiao.vn: `scrapy crawl tuyengiao [-a start_url=...]`."""

from __future__ import annotations

from crawler.portals import TUYENGIAO
from crawler.spiders.portal import PortalSpider


class TuyengiaoSpider(PortalSpider):
    name = "tuyengiao"
    portal = TUYENGIAO
