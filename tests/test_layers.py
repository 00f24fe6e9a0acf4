"""The rule of dependency (README "How it is built"), enforced on every import.

    crawler.extract, crawler.portals   the extraction library: pure, no Scrapy, no storage
    crawler.protocol                   what the crawl declares for storage: plain Python
    crawler (the rest)                 the crawl: Scrapy; never storage, never the CLI
    pipelines                          storage: the extraction library and the protocol only
    vnarchive                          composes them all
    harness                            the verification harness tests/ and bench/ share

Every import counts: at module level, inside functions, and under TYPE_CHECKING.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("crawler", "pipelines", "vnarchive", "replica", "harness")

EXTRACTION = ("crawler.extract", "crawler.portals")
PROTOCOL = ("crawler.protocol",)
# Third-party packages that make a layer something else than what it says it is.
CRAWL_ONLY = ("scrapy", "twisted", "scrapy_redis")
STORAGE_ONLY = ("sqlite3", "sqlite_utils", "warcio", "redis")


def layer(module: str) -> str:
    if module.startswith(EXTRACTION):
        return "extraction"
    if module.startswith(PROTOCOL):
        return "protocol"
    return module.split(".")[0].replace("crawler", "crawl")


# layer -> the layers (of ours) it may import, and third-party roots it must not.
ALLOWED: dict[str, tuple[set[str], tuple[str, ...]]] = {
    "extraction": ({"extraction"}, CRAWL_ONLY + STORAGE_ONLY),
    "protocol": ({"extraction", "protocol"}, CRAWL_ONLY + STORAGE_ONLY),
    "crawl": ({"extraction", "protocol", "crawl"}, ("sqlite_utils", "warcio")),
    "pipelines": ({"extraction", "protocol", "pipelines"}, ()),
    "replica": ({"extraction", "replica"}, ()),
    "vnarchive": ({"extraction", "protocol", "crawl", "pipelines", "replica", "vnarchive"}, ()),
    "harness": (
        {"extraction", "protocol", "crawl", "pipelines", "replica", "vnarchive", "harness"},
        (),
    ),
}


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports(path: Path) -> list[tuple[int, str]]:
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.append((node.lineno, node.module))
    return found


def violations(path: Path) -> list[str]:
    own = layer(module_name(path))
    allowed, forbidden = ALLOWED[own]
    found = []
    for line, target in imports(path):
        root = target.split(".")[0]
        if root in PACKAGES:
            if layer(target) not in allowed:
                found.append(f"{path.relative_to(ROOT)}:{line}: {own} imports {target}")
        elif root in forbidden:
            found.append(f"{path.relative_to(ROOT)}:{line}: {own} imports {target}")
    return found


SOURCES = sorted(p for package in PACKAGES for p in (ROOT / package).rglob("*.py"))


@pytest.mark.parametrize("path", SOURCES, ids=lambda p: str(p.relative_to(ROOT)))
def test_every_import_follows_the_direction_of_dependency(path: Path) -> None:
    assert violations(path) == []


def test_the_check_sees_an_import_against_the_direction(tmp_path: Path) -> None:
    # The rule itself must be able to fail: an import inside a function counts too.
    rogue = ROOT / "crawler" / "spiders" / "_rogue_for_test.py"
    rogue.write_text(
        "def f():\n    from pipelines.archive import Archive\n    import sqlite_utils\n"
    )
    try:
        assert violations(rogue) == [
            "crawler/spiders/_rogue_for_test.py:2: crawl imports pipelines.archive",
            "crawler/spiders/_rogue_for_test.py:3: crawl imports sqlite_utils",
        ]
    finally:
        rogue.unlink()


def test_no_test_module_imports_another_and_nothing_else_imports_tests() -> None:
    """Shared helpers live in tests/*_support.py or tests/conftest.py (fixtures), and
    what bench/ shares with the tests in harness/: never in a test module."""
    found = []
    for folder in ("tests", "bench", "harness"):
        for path in sorted((ROOT / folder).rglob("*.py")):
            for line, target in imports(path):
                if not target.startswith("tests."):
                    continue
                if folder != "tests" or target.split(".")[-1].startswith("test_"):
                    found.append(f"{path.relative_to(ROOT)}:{line}: imports {target}")
    assert found == []
