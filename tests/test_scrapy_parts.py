"""What Scrapy already does, the project uses: robots.txt is parsed once (Crawl-delay
comes with the `robots_parsed` signal), and one progress line, not two."""

import asyncio

import protego
from scrapy import signals
from scrapy.http import Request, TextResponse
from scrapy.robotstxt import ProtegoRobotParser
from scrapy.settings import Settings
from scrapy.utils.test import get_crawler

from crawler import settings as project_settings
from crawler.politeness import PolitenessMiddleware

ROBOTS = b"User-agent: *\nDisallow: /private\nCrawl-delay: 2.5\n"


def _project_settings() -> dict[str, object]:
    return {k: getattr(project_settings, k) for k in dir(project_settings) if k.isupper()}


def _send(crawler, parser, request):
    async def send():
        await crawler.signals.send_catch_log_async(
            signal=signals.robots_parsed, robotparser=parser, request=request
        )

    asyncio.run(send())


def test_crawl_delay_comes_from_scrapys_parser_and_robots_is_parsed_once(monkeypatch):
    parses = []
    real_parse = protego.Protego.parse

    def counting_parse(content):
        parses.append(content)
        return real_parse(content)

    monkeypatch.setattr(protego.Protego, "parse", staticmethod(counting_parse))
    crawler = get_crawler(settings_dict={"ROBOTSTXT_OBEY": True, "CRAWL_DELAY_MAX": 60.0})
    crawler.stats.open_spider()
    middleware = PolitenessMiddleware.from_crawler(crawler)
    page = Request("https://www.tuyengiao.vn/thoi-su/bai-130656")

    # What RobotsTxtMiddleware does: one parse, then the signal.
    parser = ProtegoRobotParser.from_crawler(crawler, ROBOTS)
    _send(crawler, parser, page)
    assert middleware.crawl_delays == {"www.tuyengiao.vn": 2.5}
    assert crawler.stats.get_value("vnarchive/politeness/crawl_delay") == 2.5

    # The robots.txt response passing through the middleware is not parsed again.
    robots = Request("https://www.tuyengiao.vn/robots.txt")
    response = TextResponse(robots.url, body=ROBOTS, request=robots)
    assert middleware.process_response(robots, response) is response
    assert len(parses) == 1


def test_crawl_delay_is_capped_and_absent_delay_is_none():
    crawler = get_crawler(settings_dict={"ROBOTSTXT_OBEY": True, "CRAWL_DELAY_MAX": 1.0})
    crawler.stats.open_spider()
    middleware = PolitenessMiddleware.from_crawler(crawler)
    _send(crawler, ProtegoRobotParser.from_crawler(crawler, ROBOTS), Request("https://a.vn/x"))
    _send(
        crawler,
        ProtegoRobotParser.from_crawler(crawler, b"User-agent: *\n"),
        Request("https://b.vn/"),
    )
    assert middleware.crawl_delays == {"a.vn": 1.0}


def test_a_parser_that_raises_is_logged_not_fatal(caplog):
    class Broken(ProtegoRobotParser):
        def crawl_delay(self, user_agent):
            raise ValueError("bad line")

    crawler = get_crawler(settings_dict={"ROBOTSTXT_OBEY": True})
    middleware = PolitenessMiddleware.from_crawler(crawler)
    _send(crawler, Broken.from_crawler(crawler, b""), Request("https://c.vn/"))
    assert middleware.crawl_delays == {}
    assert "robots.txt of c.vn: unreadable Crawl-delay (bad line)" in caplog.text


def test_logstats_is_off_where_the_progress_line_runs():
    crawler = get_crawler(settings_dict=_project_settings())
    crawler._apply_settings()
    names = {type(ext).__name__ for ext in crawler.extensions.middlewares}
    assert "ProgressExtension" in names
    assert "LogStats" not in names
    # Scrapy's own default has it on: the project turned it off, deliberately.
    assert Settings().getfloat("LOGSTATS_INTERVAL") > 0
