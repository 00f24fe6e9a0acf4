"""The replica's content model and truth: curated records, seed article, generator."""

from __future__ import annotations

import json
import re
import time
import unicodedata
from datetime import date, datetime
from pathlib import Path

from crawler.extract.text import normalize_text
from replica.curated import curated_articles
from replica.dates import VN_TZ
from replica.generator import FIRST_DAY, LAST_DAY
from replica.site import Site

ROOT = Path(__file__).resolve().parent.parent
BASE = "http://127.0.0.1:8800"
OLD_TODAY = date(2021, 1, 24)
SEED_ID = 127364
SEED_PATH = (
    "/nhip-cau-tuyen-giao/ban-tuyen-giao-tw/"
    "ban-chi-dao-cong-tac-thong-tin-doi-ngoai-trung-uong-hop-so-ket-cong-tac-6-thang-dau-nam-2020-127364"
)


def _truth(layout: str, generated: int = 0, seed: int = 1) -> dict[int, dict]:
    site = Site(layout, generated, seed, date(2021, 1, 24))
    return {r["article_id"]: r for r in site.truth(BASE + "/")}


def test_seed_article_truth():
    truth = _truth("old")[SEED_ID]
    assert truth["url"] == BASE + SEED_PATH
    assert truth["canonical_url"] == "https://www.tuyengiao.vn" + SEED_PATH
    assert truth["site"] == "tuyengiao.vn"
    assert truth["category"] == "nhip-cau-tuyen-giao/ban-tuyen-giao-tw"
    assert truth["title"] == (
        "Ban Chỉ đạo Công tác thông tin đối ngoại Trung ương họp sơ kết công tác "
        "6 tháng đầu năm 2020"
    )
    assert truth["lead"] is None
    assert len(truth["body"]) == 4 and truth["body"][0].startswith("Tham dự Kỳ họp")
    assert truth["body"][3].endswith("ngày càng chất lượng, sáng tạo, hấp dẫn hơn.")
    assert [(i["caption"], i["credit"]) for i in truth["images"]] == [
        ("Đồng chí Võ Văn Thưởng phát biểu chỉ đạo kỳ họp.", "PV"),
        ("Quang cảnh Kỳ họp", "PV"),
    ]
    # Stored on the portal, not on the replica that served them (issue 17.9).
    assert all(
        i["url"].startswith("https://www.tuyengiao.vn/Uploads/2020/7/17/") for i in truth["images"]
    )
    assert (truth["byline"], truth["authors"], truth["source"]) == (
        "Hay Nguyễn",
        ["Hay Nguyễn"],
        None,
    )
    assert truth["published_at"] == "2020-07-17T16:20:00+07:00"
    assert truth["published_text"] == "Thứ Sáu, 17/7/2020 - 16:20"
    assert (truth["updated_at"], truth["tags"], truth["layout"]) == (None, [], "old")
    new_truth = _truth("new")[SEED_ID]
    assert new_truth["published_text"] == "17/07/2020 - 16:20 GMT+7"
    assert new_truth["images"][0]["url"].startswith("https://cdn.tuyengiao.vn/uploads/2020/07/17/")


def test_curated_records_are_clean():
    truth = _truth("old")
    raw = (ROOT / "replica/data/records-2020-11.jsonl").read_text(encoding="utf-8")
    records = [json.loads(line) for line in raw.splitlines()]
    assert {r["article_id"] for r in records} | {SEED_ID} == set(truth)
    for record in records:
        got = truth[record["article_id"]]
        assert got["title"] == normalize_text(record["title"])
        assert got["published_at"][:10] == record["published_date"]
        assert "06:00" <= got["published_at"][11:16] <= "22:59"
        assert "(TG)" not in (got["lead"] or "") and "__" not in (got["lead"] or "")
        assert not any(re.search(r"(^|\s)_|_($|\s)|\*\*|!\[|/\.$", p) for p in got["body"])
        assert all(
            re.search(r"/Uploads/.+\.(jpe?g|png|gif)$", i["url"], re.I) for i in got["images"]
        )
    by_id = truth
    assert (
        by_id[130693]["byline"] == "Phạm Việt Phong / Phó Trưởng ban, Ban Tuyên giáo Tỉnh ủy Cà Mau"
    )
    assert by_id[130693]["authors"] == ["Phạm Việt Phong"]
    assert (by_id[130796]["source"], by_id[130796]["authors"]) == ("TTXVN", [])
    assert (by_id[130784]["source"], by_id[130838]["source"]) == ("qdnd.com.vn", "nhandan.com.vn")
    assert (by_id[130731]["byline"], by_id[130731]["authors"], by_id[130731]["source"]) == (
        "TG", [], None,
    )  # fmt: skip
    assert by_id[130731]["lead"].endswith("phát biểu. Tiêu đề do Tạp chí Tuyên giáo đặt.")
    assert len(by_id[130827]["images"]) == 4  # the non-image URL was dropped
    hanoi = by_id[130813]["images"][0]
    assert hanoi["caption"].endswith("trước thềm Đại hội Đảng bộ Thành phố Hà Nội")
    assert hanoi["credit"] == "Chinhphu.vn"


def _all_strings(value):
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from _all_strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _all_strings(item)


def test_truth_text_is_normalised_nfc():
    for layout in ("old", "new"):
        for record in Site(layout, generated=400, seed=11, today=OLD_TODAY).truth("http://x"):
            for value in _all_strings(record):
                assert unicodedata.is_normalized("NFC", value)
                assert normalize_text(value) == value, value


def test_generator_is_deterministic():
    def truth(seed):
        return Site("mixed", generated=150, seed=seed, today=OLD_TODAY).truth("http://h")

    assert truth(5) == truth(5)
    assert truth(5) != truth(6)


def test_ten_thousand_articles_fast_unique_and_growing():
    started = time.perf_counter()
    site = Site("old", generated=10_000, seed=3, today=OLD_TODAY)
    assert time.perf_counter() - started < 5
    curated = {a.article_id for a in curated_articles()}
    generated = [site.entry(i) for i in site.ids() if i not in curated]
    assert len(generated) == 10_000 and len(site) == 10_021
    by_time = sorted(generated, key=lambda e: (e.published, e.article_id))
    ids = [e.article_id for e in by_time]
    assert ids == sorted(ids) and len(set(ids)) == len(ids)
    first, last = by_time[0].published, by_time[-1].published
    assert datetime(2014, 1, 1, tzinfo=VN_TZ) <= first and last.date() <= date(2026, 10, 31)
    assert (date(2014, 1, 1), date(2026, 10, 31)) == (FIRST_DAY, LAST_DAY)
    assert all(e.published.utcoffset().total_seconds() == 7 * 3600 for e in generated[:50])
    near = [
        e.article_id
        for e in by_time
        if date(2020, 11, 5) <= e.published.date() <= date(2020, 11, 23)
    ]
    assert all(130600 <= i <= 130900 for i in near)
    # Every byline form of PORTAL.md, every credit style, both markers.
    forms, styles, markers = set(), set(), set()
    for entry in generated[:3000]:
        article = site.article(entry.article_id)
        lines, authors = article.byline_lines, article.authors
        if not lines:
            forms.add("none")
        elif article.source:
            forms.add("agency")
        elif len(lines) == 2:
            forms.add("name+role")
        elif len(authors) == 2:
            forms.add("two names")
        elif lines[0] in ("TG", "PV", "BTV"):
            forms.add("code:" + lines[0])
        elif lines[0] == "Nhóm PV":
            forms.add("group")
        elif "." in lines[0]:
            forms.add("initials")
        else:
            forms.add("name")
        styles |= {(i.credit_style if i.credit else "no credit") for i in article.images}
        markers.add(article.marker)
    assert forms == {"none", "agency", "name+role", "two names", "code:TG", "code:PV", "code:BTV",
                     "group", "initials", "name"}  # fmt: skip
    assert styles >= {"paren", "plain", "dash", "source", "source_plain", "break", "no credit"}
    assert markers == {None, "/.", "./."}
