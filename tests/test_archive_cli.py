"""`vnarchive search`, `export` and `reparse`: output, and exit 2 with one clear line."""

import json

import pytest

from tests.archive_support import searchable_archive
from vnarchive.cli import main


@pytest.fixture
def db(tmp_path):
    searchable_archive(tmp_path).close()
    return str(tmp_path / "a.db")


def test_search_lists_exact_then_folded(db, capsys):
    assert main(["search", "Hà Nội", "--db", db]) == 0
    out, err = capsys.readouterr()
    marks = [line[0] for line in out.splitlines() if not line.startswith(" ")]
    assert marks == ["=", "=", "~"] and "3 results" in err


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["search", '"Hà Nội'], "unbalanced double quote"),
        (["search", "ha OR"], "malformed search query"),
        (["search", "x", "--since", "2020-13-01"], "not a date"),
        (["search", "x", "--limit", "0"], "not a positive whole number"),
        (["export", "--format", "xml"], "invalid choice"),
    ],
)
def test_bad_input_exits_2_with_a_message(db, capsys, argv, message):
    assert run([*argv, "--db", db]) == 2
    err = capsys.readouterr().err
    assert message in err and "Traceback" not in err


def run(argv):
    """The exit status, whether argparse exits (bad arguments) or the command returns."""
    try:
        return main(argv)
    except SystemExit as exit:
        return exit.code


def test_missing_archive_is_a_usage_error(tmp_path, capsys):
    assert main(["search", "x", "--db", str(tmp_path / "none.db")]) == 2
    assert "no archive at" in capsys.readouterr().err
    assert not (tmp_path / "none.db").exists()


def test_export_to_file_and_reparse_without_captures(db, tmp_path, capsys):
    out = tmp_path / "out.jsonl"
    assert main(["export", "--format", "jsonl", "--category", "the-gioi", "--db", db,
                 "-o", str(out)]) == 0  # fmt: skip
    rows = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert [r["article_id"] for r in rows] == [3] and rows[0]["capture"] is None
    assert "export: 1 articles (jsonl)" in capsys.readouterr().err
    assert main(["reparse", "--db", db]) == 0
    assert "0 articles" in capsys.readouterr().err
