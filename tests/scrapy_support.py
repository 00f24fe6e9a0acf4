"""Crawlers for tests, with the project's settings (`crawler/settings.py`) under the
test's own: components read each setting without a fallback of their own."""

from __future__ import annotations

from typing import Any

from scrapy.utils.test import get_crawler

from crawler import settings as project


def project_settings(**overrides: Any) -> dict[str, Any]:
    defaults = {name: getattr(project, name) for name in dir(project) if name.isupper()}
    return {**defaults, **overrides}


def project_crawler(spidercls: Any = None, **overrides: Any) -> Any:
    return get_crawler(spidercls, project_settings(**overrides))
