"""What the commands print: the rough edges of a first hour (issue 17) and two of issue 16."""

from __future__ import annotations

import argparse
import csv
import io
import re
import subprocess
import sys
from pathlib import Path

import pytest

from crawler.settings import DOWNLOAD_MAXSIZE
from pipelines.archive import Archive
from pipelines.ledger import run_columns
from replica.cli import run as run_replica
from tests.archive_support import searchable_archive
from vnarchive.cli import build_parser, main
from vnarchive.crawl import describe_run

PAGES = Path(__file__).parent / "fixtures" / "pages"
ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def db(tmp_path):
    searchable_archive(tmp_path).close()
    return str(tmp_path / "a.db")


# -- one duration (17.5) ---------------------------------------------------------------


def test_the_summary_line_and_status_show_the_same_duration(tmp_path, capsys):
    # The stats a crawl ends with: Scrapy's own clock says 5.94 s.
    stats = {"vnarchive/crawl_id": 1, "vnarchive/status": "ok", "vnarchive/exit_code": 0,
             "downloader/response_count": 3, "elapsed_time_seconds": 5.94}  # fmt: skip
    with Archive(tmp_path / "a.db") as archive:
        crawl_id = archive.start_crawl(spider="tuyengiao", start_url="http://127.0.0.1:1/")
        archive.finish_crawl(crawl_id, status="ok", exit_code=0, **run_columns(stats))
    summary = describe_run(stats, str(tmp_path / "a.db"))
    assert main(["status", "--db", str(tmp_path / "a.db")]) == 0
    shown = capsys.readouterr().out
    said = re.search(r" in (\d+\.\d) s ", summary)
    assert said and said.group(1) == "5.9", summary
    assert f" {said.group(1)} s " in shown.splitlines()[-1], shown


# -- status: newest first, a right plural ------------------------------------------------


def test_status_lists_the_newest_run_first_with_a_right_plural(tmp_path, capsys):
    path = tmp_path / "a.db"
    with Archive(path) as archive:
        first = archive.start_crawl(spider="tuyengiao", start_url="x")
        archive.finish_crawl(first, status="ok", exit_code=0)
    assert main(["status", "--db", str(path)]) == 0
    out = capsys.readouterr().out
    assert "last run:" in out and "1 runs" not in out
    with Archive(path) as archive:
        second = archive.start_crawl(spider="tuyengiao", start_url="x")
        archive.finish_crawl(second, status="degraded", exit_code=3)
    assert main(["status", "--db", str(path)]) == 3  # the newest run's code
    lines = capsys.readouterr().out.splitlines()
    at = lines.index("last 2 runs, newest first:")
    assert lines[at + 1].lstrip().startswith("#2") and "degraded" in lines[at + 1]
    assert lines[at + 2].lstrip().startswith("#1") and " ok " in lines[at + 2]


# -- help: names, texts, defaults ------------------------------------------------------


def test_vnarchive_replica_help_names_itself(capsys):
    assert main(["replica", "--help"]) == 0
    assert capsys.readouterr().out.startswith("usage: vnarchive replica ")
    assert run_replica(["--help"]) == 0
    assert capsys.readouterr().out.startswith("usage: python -m replica ")


def _parsers():
    parser = build_parser()
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, sub in action.choices.items():
                if name != "replica":  # listed only: replica.cli parses its own
                    yield name, sub
    from replica.cli import _parser

    yield "replica", _parser("vnarchive replica")


@pytest.mark.parametrize(("name", "parser"), list(_parsers()), ids=lambda v: str(v)[:20])
def test_every_option_explains_itself_and_its_default(name, parser):
    for action in parser._actions:
        if isinstance(action, argparse._HelpAction):
            continue
        label = f"{name} {'/'.join(action.option_strings) or action.dest}"
        assert action.help, f"{label}: no help text"
        if action.default not in (None, False, [], argparse.SUPPRESS):
            assert "default" in action.help, f"{label}: default {action.default!r} not shown"


def test_every_command_says_errors_in_one_form(tmp_path):
    """`vnarchive COMMAND: error: …`, argparse's own form, for every command."""
    missing = str(tmp_path / "none.db")
    for command, extra in (("status", []), ("gaps", []), ("search", ["x"]),
                           ("export", ["--format", "csv"]), ("optimize", []), ("reparse", []),
                           ("serve", []), ("publish", [str(tmp_path / "out.db")])):  # fmt: skip
        result = subprocess.run(
            [sys.executable, "-m", "vnarchive", command, "--db", missing, *extra],
            capture_output=True, text=True, timeout=120, cwd=ROOT,
        )  # fmt: skip
        assert result.returncode == 2
        assert result.stderr == f"vnarchive {command}: error: no archive at {missing}\n"


# -- parse -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "page", ["listing-old-thoi-su.html", "replica-new-listing-thoi-su-p2.html"]
)
@pytest.mark.parametrize(
    "url",
    [
        ("https://www.tuyengiao.vn/thoi-su",),
        # The replica is read as the portal it imitates only when told (the site is
        # the truth: issue 15).
        ("http://127.0.0.1:8800/thoi-su", "--portal", "tuyengiao"),
    ],
)
def test_parse_names_a_listing_page_alike_on_every_host(capsys, page, url):
    assert main(["parse", str(PAGES / page), "--url", *url]) == 2
    err = capsys.readouterr().err
    assert err.endswith(": a listing page of tuyengiao.vn, not an article [not_an_article]\n")


def test_parse_of_a_page_that_is_no_article_of_an_undeclared_host(tmp_path, capsys):
    # The generic reader reads any host's page; this one is no article, and says so.
    page = tmp_path / "other.html"
    page.write_text("<html><body><h2>Chợ quê</h2><p>Không phải bài báo.</p></body></html>")
    assert main(["parse", str(page), "--url", "http://127.0.0.1:8800/cho-que"]) == 2
    assert capsys.readouterr().err.endswith("[not_an_article]\n")


def test_parse_refuses_a_file_over_the_crawl_s_page_limit_unread(tmp_path, capsys):
    page = tmp_path / "huge.html"
    with open(page, "wb") as handle:
        handle.truncate(DOWNLOAD_MAXSIZE + 1)  # sparse: no disk, and never read
    assert main(["parse", str(page), "--url", "https://www.tuyengiao.vn/a-1"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "DOWNLOAD_MAXSIZE" in err and "not read" in err


# -- export and search: a category that does not exist; Excel ---------------------------


@pytest.mark.parametrize("command", [["export", "--format", "jsonl"], ["search", "ha noi"]])
def test_an_unknown_category_is_an_error_that_lists_the_known_ones(db, capsys, command):
    assert main([*command, "--db", db, "--category", "nope"]) == 2
    out, err = capsys.readouterr()
    assert out == "" and err.count("\n") == 1
    assert "'nope'" in err and "thoi-su (2)" in err and "the-gioi (1)" in err


def test_an_unknown_category_truncates_no_output_file(db, tmp_path, capsys):
    out = tmp_path / "keep.jsonl"
    out.write_text("earlier export\n", encoding="utf-8")
    assert main(["export", "--format", "jsonl", "--db", db, "--category", "nope",
                 "-o", str(out)]) == 2  # fmt: skip
    assert out.read_text(encoding="utf-8") == "earlier export\n"


def test_gaps_names_an_unknown_category(db, capsys):
    with Archive(db) as archive, archive.db.atomic():
        archive.db.execute(
            "INSERT INTO listing_entries (site, category, article_id, listed_on, url, "
            "first_listed_at) VALUES ('tuyengiao.vn', 'thoi-su', 9, '2020-11-01', 'u', 't')"
        )
    assert main(["gaps", "--db", db, "--category", "nope"]) == 2
    assert "'nope'" in capsys.readouterr().err
    assert main(["gaps", "--db", db, "--category", "thoi-su"]) == 0
    assert "ids 9" in capsys.readouterr().out


def test_excel_csv_has_a_bom_and_crlf_and_plain_csv_neither(db, tmp_path, capsys):
    excel, plain = tmp_path / "excel.csv", tmp_path / "plain.csv"
    assert main(["export", "--format", "csv", "--excel", "--db", db, "-o", str(excel)]) == 0
    assert main(["export", "--format", "csv", "--db", db, "-o", str(plain)]) == 0
    raw = excel.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf") and raw.count(b"\r\n") >= 4
    assert not plain.read_bytes().startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"), newline="")))
    assert "Hà Nội mùa thu" in {row["title"] for row in rows}
    assert main(["export", "--format", "jsonl", "--excel", "--db", db]) == 2
    assert "--excel goes with --format csv" in capsys.readouterr().err


def test_reparse_names_an_unknown_site(db, capsys):
    assert main(["reparse", "--db", db, "--site", "nope.vn"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "'nope.vn'" in err and "tuyengiao.vn" in err


@pytest.mark.parametrize("command", [["export", "--format", "jsonl"], ["search", "ha noi"]])
def test_a_date_range_that_is_empty_by_construction_is_an_error(db, capsys, command):
    assert main([*command, "--db", db, "--since", "2020-12-01", "--until", "2020-11-01"]) == 2
    assert "is after --until" in capsys.readouterr().err
