"""GC_GEN0_THRESHOLD: raised while the engine runs, restored after, off at 0."""

from __future__ import annotations

import gc

import pytest
from scrapy.exceptions import NotConfigured
from scrapy.utils.test import get_crawler

from crawler.gctuning import GcThresholdExtension


def test_the_threshold_is_raised_while_the_engine_runs_and_restored_after():
    before = gc.get_threshold()
    extension = GcThresholdExtension.from_crawler(
        get_crawler(settings_dict={"GC_GEN0_THRESHOLD": 12_345})
    )
    extension.engine_started()
    try:
        assert gc.get_threshold() == (12_345, *before[1:])
    finally:
        extension.engine_stopped()
    assert gc.get_threshold() == before


def test_zero_keeps_cpythons_thresholds():
    with pytest.raises(NotConfigured):
        GcThresholdExtension.from_crawler(get_crawler(settings_dict={"GC_GEN0_THRESHOLD": 0}))


def test_the_project_enables_it():
    from crawler import settings

    assert "crawler.gctuning.GcThresholdExtension" in settings.EXTENSIONS
    assert settings.GC_GEN0_THRESHOLD > 700
