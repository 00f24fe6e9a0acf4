"""Extraction: a pure function from a page to an `Article` (no Scrapy import)."""

from crawler.parsing.extract import parse_article

__all__ = ["parse_article"]
