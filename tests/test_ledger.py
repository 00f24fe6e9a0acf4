"""The run summary's status and exit code, layout drift included."""

import pytest

from pipelines.ledger import EXIT_DEGRADED, EXIT_LAYOUT_DRIFT, EXIT_OK, crawl_summary


def stats(**counts: int) -> dict:
    return {"downloader/response_count": 100, **{f"vnarchive/{k}": v for k, v in counts.items()}}


@pytest.mark.parametrize(
    ("counts", "status", "code"),
    [
        ({"articles_parsed": 80, "fallback": 4, "no_date": 4}, "ok", EXIT_OK),
        ({"articles_parsed": 80, "fallback": 5}, "layout_drift", EXIT_LAYOUT_DRIFT),
        ({"articles_parsed": 80, "no_date": 5}, "layout_drift", EXIT_LAYOUT_DRIFT),
        ({"articles_parsed": 80, "errors": 6}, "degraded", EXIT_DEGRADED),
        ({"articles_parsed": 80, "errors": 6, "fallback": 80}, "layout_drift", EXIT_LAYOUT_DRIFT),
    ],
)
def test_status(counts, status, code):
    summary = crawl_summary(stats(**counts), "finished")
    assert (summary["status"], summary["exit_code"]) == (status, code)


def test_pictures_do_not_dilute_the_pages_error_rate():
    # 100 responses, 60 of them the articles' pictures: 3 failed pages of 40 is 7.5%.
    summary = crawl_summary(stats(errors=3, **{"images/responses": 60}), "finished")
    assert (summary["status"], summary["exit_code"]) == ("degraded", EXIT_DEGRADED)
    assert crawl_summary(stats(errors=3), "finished")["status"] == "ok"
