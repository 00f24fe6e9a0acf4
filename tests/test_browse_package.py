"""The browse plugin as a package of its own (issue 18.3): `packages/vnarchive-browse`
holds the plugin and the few modules it reads, through symlinks into this tree, and a
`datasette package` or `publish cloudrun` of an archive installs it and needs no
metadata file."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from tests.browse_helpers import HOSTILE_ID, SITE, build_archive

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "packages" / "vnarchive-browse"
HEAVY = ("scrapy", "twisted", "trafilatura", "redis", "lxml", "dateparser", "warcio")

# Run with only the package's own tree on the path: every module the plugin imports,
# even on a request, must be in the package, and none of the crawl's.
PROBE = """
import asyncio, json, sys
from datasette.app import Datasette
db = sys.argv[1]
ds = Datasette([db])
async def main():
    paths = ["/", "/archive", "/archive/articles?_search=ha+noi", "/archive.json",
             "/archive/articles.json?_size=0", f"/-/article/archive/{sys.argv[2]}/{sys.argv[3]}"]
    return [(p, (await ds.client.get(p)).status_code) for p in paths]
statuses = asyncio.run(main())
queries = asyncio.run(ds.client.get("/archive.json")).json()["queries"]
facets = asyncio.run(ds.client.get("/archive/articles.json?_size=0")).json()["facet_results"]
print(json.dumps({
    "statuses": statuses,
    "queries": len(queries),
    "facets": sorted(facets),
    "files": sorted({m.__file__ for n, m in sys.modules.items()
                     if n.split(".")[0] in ("crawler", "pipelines", "vnarchive")
                     and getattr(m, "__file__", None)}),
    "heavy": [m for m in HEAVY if m in sys.modules],
}))
""".replace("HEAVY", repr(HEAVY))


@pytest.fixture(scope="module")
def archive_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    db = tmp_path_factory.mktemp("package") / "archive.db"
    build_archive(db, generated=5)
    return db


def test_the_package_alone_serves_the_archive_without_the_crawls_dependencies(archive_db):
    src = PACKAGE / "src"
    # Loaded as a plugin module, as the entry point would (the main install's entry
    # point is left out: -I isolates from PYTHONPATH, the path is set by hand).
    code = (
        f"import sys; sys.path.insert(0, {str(src)!r})\n"
        "import vnarchive.browse\n"
        "from datasette.plugins import pm\n"
        "pm.is_registered(vnarchive.browse) or pm.register(vnarchive.browse, 'vnarchive')\n" + PROBE
    )
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    result = subprocess.run(
        [sys.executable, "-c", code, str(archive_db), SITE, str(HOSTILE_ID)],
        capture_output=True, text=True, env=env, cwd=archive_db.parent,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr[-2000:]
    report = json.loads(result.stdout.splitlines()[-1])
    assert all(status == 200 for _, status in report["statuses"]), report["statuses"]
    assert report["queries"] > 0
    assert {"category", "author", "year"} <= set(report["facets"])
    assert report["heavy"] == []
    # Every project module it ran came from the package's tree, none from elsewhere.
    assert report["files"]
    assert all(f.startswith(str(src)) for f in report["files"]), report["files"]


def test_the_package_declares_the_entry_point_and_only_light_dependencies():
    text = (PACKAGE / "pyproject.toml").read_text(encoding="utf-8")
    assert '[project.entry-points.datasette]\nvnarchive = "vnarchive.browse"' in text
    dependencies = text.split("dependencies = [", 1)[1].split("]", 1)[0]
    assert all(heavy not in dependencies.lower() for heavy in ("scrapy", "trafilatura", "redis"))
    # No symlink of the package points at nothing (a module moved in the main tree).
    for link in (PACKAGE / "src").rglob("*"):
        assert link.exists(), f"dangling symlink {link}"


def test_every_module_of_the_package_is_the_main_trees_own():
    # A copy drifts from the tree it was taken from (two did, silently): every module
    # but the empty package markers is a symlink into the main tree.
    copies = [
        path.relative_to(PACKAGE)
        for path in (PACKAGE / "src").rglob("*.py")
        if not any(p.is_symlink() for p in (path, *path.parents)) and path.stat().st_size > 0
    ]
    assert copies == []


# Stand-ins for the tools `datasette package` and `datasette publish cloudrun` call:
# each keeps the build folder the command generated (its working directory), offline.
STAND_INS = {
    "package": ("docker", 'cp -r . "$KEEP"\n'),
    "cloudrun": (
        "gcloud",
        'case "$*" in\n'
        '  "config get-value project") echo test-project ;;\n'
        '  "run services list"*) echo "[]" ;;\n'
        '  "builds submit"*) cp -r . "$KEEP" ;;\n'
        "esac\n",
    ),
}


@pytest.mark.parametrize("how", ["package", "cloudrun"])
def test_datasette_package_and_publish_install_the_plugin_and_need_no_metadata(
    archive_db, tmp_path, how
):
    tool, script = STAND_INS[how]
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    kept = tmp_path / "context"
    stand_in = bin_dir / tool
    stand_in.write_text("#!/bin/sh\n" + script, encoding="utf-8")
    stand_in.chmod(stand_in.stat().st_mode | stat.S_IEXEC)
    env = {**os.environ, "PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}", "KEEP": str(kept)}
    command = ["package"] if how == "package" else ["publish", "cloudrun", "--service", "news"]
    result = subprocess.run(
        [sys.executable, "-m", "datasette", *command, str(archive_db),
         "--install", "vnarchive-browse"],
        env=env, capture_output=True, text=True, cwd=tmp_path,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr[-2000:]
    dockerfile = (kept / "Dockerfile").read_text(encoding="utf-8")
    assert "pip install -U datasette vnarchive-browse" in dockerfile
    command_line = next(line for line in dockerfile.splitlines() if line.startswith("CMD"))
    assert "--metadata" not in command_line and "-i archive.db" in command_line
    assert not (kept / "metadata.json").exists()
