"""The replica's change controls: publish, edit, remove, throttle, conditional GETs."""

from __future__ import annotations

import json
import urllib.error
import urllib.request

import pytest

from replica.server import ReplicaHandle, start_replica


def post(replica: ReplicaHandle, path: str) -> dict:
    request = urllib.request.Request(replica.url(path), method="POST")
    with urllib.request.urlopen(request, timeout=10) as response:
        return json.loads(response.read())


def get(replica: ReplicaHandle, path: str, **headers: str) -> tuple[int, dict, bytes]:
    request = urllib.request.Request(replica.url(path), headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        with error:
            return error.code, dict(error.headers), error.read()


@pytest.fixture
def replica():
    with start_replica(layout="old", generated=30) as handle:
        yield handle


def test_published_articles_head_the_listings_and_the_truth(replica):
    before = {r["article_id"] for r in replica.truth()}
    ids = post(replica, "/__replica__/publish?n=3")["published"]
    assert min(ids) > max(before)
    truth = {r["article_id"]: r for r in replica.truth()}
    assert set(truth) == before | set(ids)
    entry = replica.site.entry(ids[-1])
    assert entry is not None
    listing = get(replica, "/" + entry.category.split("/")[0])[2].decode()
    assert listing.index(f"-{ids[-1]}") < min(
        listing.index(f"-{other}") for other in before if f'-{other}"' in listing
    )


def test_edit_changes_page_etag_and_truth_and_answers_304_until_then(replica):
    article_id = replica.site.ids()[-1]
    path = replica.site.entry(article_id).path
    status, headers, body = get(replica, path)
    assert status == 200 and headers["ETag"] and headers["Last-Modified"]
    assert get(replica, path, **{"If-None-Match": headers["ETag"]})[0] == 304
    assert get(replica, path, **{"If-Modified-Since": headers["Last-Modified"]})[0] == 304
    assert post(replica, f"/__replica__/edit?id={article_id}")["revision"] == 1
    status, after, changed = get(replica, path, **{"If-None-Match": headers["ETag"]})
    assert status == 200 and after["ETag"] != headers["ETag"] and changed != body
    record = next(r for r in replica.truth() if r["article_id"] == article_id)
    assert record["body"][0].startswith("Bài viết được cập nhật lần thứ 1")


def test_removed_article_is_404_and_unlisted(replica):
    article_id = replica.site.ids()[0]
    entry = replica.site.entry(article_id)
    post(replica, f"/__replica__/remove?id={article_id}")
    assert get(replica, entry.path)[0] == 404
    assert article_id not in {r["article_id"] for r in replica.truth()}
    assert post_error(replica, f"/__replica__/edit?id={article_id}") == 400


def post_error(replica: ReplicaHandle, path: str) -> int:
    try:
        post(replica, path)
    except urllib.error.HTTPError as error:
        with error:
            return error.code
    return 200


def test_throttle_answers_the_next_pages_but_not_robots(replica):
    post(replica, "/__replica__/throttle?status=429&count=2&retry_after=7")
    assert get(replica, "/robots.txt")[0] == 200
    status, headers, _ = get(replica, "/")
    assert (status, headers["Retry-After"]) == (429, "7")
    assert get(replica, "/thoi-su")[0] == 429
    assert get(replica, "/thoi-su")[0] == 200
    assert post_error(replica, "/__replica__/throttle?status=500") == 400
