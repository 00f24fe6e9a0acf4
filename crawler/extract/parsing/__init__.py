"""Extraction: a pure function from a page to an `Article` (no Scrapy import)."""

from crawler.extract.parsing.extract import ParsedPage, article_from_page, parse_article, read_page

__all__ = ["ParsedPage", "article_from_page", "parse_article", "read_page"]
