"""Installed anywhere: the story ships inside the package, the database has a home of its own,
and a non-editable install works from any folder."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import sysconfig
import tomllib
from pathlib import Path

from bot.story import shipped_story_path

ROOT = Path(__file__).resolve().parent.parent
SHIPPED = ROOT / "data" / "story.json"


def run(command: list, cwd: Path, **env: str) -> subprocess.CompletedProcess:
    """A command with only the given settings: no PYTHONPATH, no .env, a HOME of its own."""
    environ = {"PATH": os.environ.get("PATH", ""), "PYTHONIOENCODING": "utf-8", **env}
    return subprocess.run(
        [str(part) for part in command],
        cwd=cwd,
        env=environ,
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=120,
    )


def ok(result: subprocess.CompletedProcess) -> str:
    assert result.returncode == 0, result.stderr
    return result.stdout


def shipped_counts() -> tuple[int, int]:
    raw = json.loads(SHIPPED.read_text(encoding="utf-8"))
    return len(raw["entries"]), len(raw["quotes"])


def test_pyproject_lists_every_package_under_bot():
    setuptools = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"][
        "setuptools"
    ]
    on_disk = {".".join(p.parent.relative_to(ROOT).parts) for p in (ROOT / "bot").rglob("*.py")}
    missing = on_disk - set(setuptools["packages"])
    assert not missing, f"add {sorted(missing)} to [tool.setuptools] packages in pyproject.toml"
    assert set(setuptools["packages"]) == on_disk | {"bot.story_data"}
    assert setuptools["package-dir"] == {"bot.story_data": "data"}


def test_a_checkout_runs_on_the_story_in_data():
    """One file in git: what editors change in data/story.json is what the bot loads."""
    assert shipped_story_path() == SHIPPED
    assert not (ROOT / "bot" / "story_data").exists()  # no second copy to drift


def test_the_database_defaults_to_the_users_data_folder_from_any_folder(tmp_path):
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    home = tmp_path / "home"

    out = ok(run([sys.executable, "-m", "bot", "db", "init"], elsewhere, HOME=str(home)))

    database = home / ".local" / "share" / "storybot" / "bot.db"
    assert out.splitlines()[0].startswith(f"database: {database} ")
    assert database.is_file()
    assert list(elsewhere.iterdir()) == []  # nothing in the working folder


def test_a_database_where_earlier_versions_kept_it_stops_the_bot_untouched(tmp_path):
    old = tmp_path / "data" / "bot.db"
    old.parent.mkdir()
    old.write_bytes(b"not read")
    home = tmp_path / "home"

    result = run([sys.executable, "-m", "bot", "db", "check"], tmp_path, HOME=str(home))

    assert result.returncode == 2
    assert result.stderr.count("\n") == 1
    assert result.stderr.startswith("error: found data/bot.db, where earlier versions kept")
    assert "DATABASE_PATH=data/bot.db" in result.stderr
    assert not home.exists()  # no new, empty database in its place
    assert old.read_bytes() == b"not read"


def test_a_non_editable_install_works_from_any_folder(tmp_path):
    """`pip install .` into a fresh venv, then the CLI from elsewhere: story, migrations and all.

    Offline: the wheel is built with this venv's setuptools (no build isolation), and the fresh
    venv borrows this venv's dependencies through a .pth file, after the install."""
    source = tmp_path / "source"  # a copy: building in place would write build/ into the checkout
    source.mkdir()
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(ROOT / name, source)
    for name in ("bot", "data"):
        shutil.copytree(
            ROOT / name, source / name, ignore=shutil.ignore_patterns("__pycache__", "*.db*")
        )
    pip = [sys.executable, "-m", "pip", "--disable-pip-version-check", "--no-input", "-q"]
    offline = ["--no-deps", "--no-index"]
    ok(run([*pip, "wheel", *offline, "--no-build-isolation", "-w", tmp_path, source], tmp_path))
    (wheel,) = tmp_path.glob("storybot-*.whl")
    venv = tmp_path / "venv"
    ok(run([sys.executable, "-m", "venv", "--without-pip", venv], tmp_path))
    python = venv / "bin" / "python"
    ok(run([*pip, "--python", python, "install", *offline, wheel], tmp_path))
    site = Path(sysconfig.get_path("purelib", vars={"base": venv, "platbase": venv}))
    ours = sysconfig.get_paths()
    (site / "storybot-test-dependencies.pth").write_text(
        f"{ours['purelib']}\n{ours['platlib']}\n", encoding="utf-8"
    )

    def installed(folder: Path) -> set[str]:
        return {
            p.relative_to(folder.parent).as_posix()
            for p in folder.rglob("*")
            if p.suffix in (".py", ".sql") and "__pycache__" not in p.parts
        }

    assert installed(site / "bot") == installed(ROOT / "bot")
    assert (site / "bot" / "story_data" / "story.json").read_bytes() == SHIPPED.read_bytes()

    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    home = tmp_path / "home"
    init = ok(run([python, "-m", "bot", "db", "init"], elsewhere, HOME=str(home)))
    database = home / ".local" / "share" / "storybot" / "bot.db"
    entries, quotes = shipped_counts()
    assert f"database: {database} " in init
    assert f"shipped entries: {entries}\nshipped quotes: {quotes}\n" in init

    check = ok(run([venv / "bin" / "storybot", "db", "check"], elsewhere, HOME=str(home)))
    assert "integrity: ok\n" in check

    seeded = ok(run([python, "-m", "bot", "db", "seed"], elsewhere, HOME=str(home)))
    assert (
        seeded == f"seeded from {site / 'bot' / 'story_data' / 'story.json'}: 0 added, 0 updated\n"
    )

    # From a source tree, the same install runs on that tree's data/story.json.
    from_source = ok(
        run(
            [python, "-m", "bot", "db", "seed"], source, HOME=str(home), DATABASE_PATH=str(database)
        )
    )
    assert from_source == f"seeded from {source / 'data' / 'story.json'}: 0 added, 0 updated\n"
