"""`python -m bot try` end to end: the demo process, its page in headless Chromium, Ctrl-C.

The browser test skips when Chromium or Playwright is missing, except in CI (CI=true), where
a missing browser is a failure. UPDATE_DOCS_SCREENSHOT=1 also rewrites docs/quote-leike.png.
"""

from __future__ import annotations

import importlib.util
import io
import os
import re
import shutil
import signal
import sqlite3
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from bot.config import DEFAULT_STORY_PATH, Settings
from bot.demo import BOT_NAME, MODERATOR_NAME, PREVIEW_MODULES, READER_NAME, run_demo
from bot.story import load_story

ROOT = Path(__file__).resolve().parent.parent
IN_CI = os.environ.get("CI", "").lower() == "true"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking"]
DOCS_SCREENSHOT = ROOT / "docs" / "quote-leike.png"
URL = re.compile(r"http://127\.0\.0\.1:\d+/#\S+")
START_SECONDS = 60
STOP_SECONDS = 30
STEP_MS = 20_000
SETTINGS_VARIABLES = {
    "DISCORD_TOKEN",
    "DATABASE_PATH",
    "STORY_PATH",
    "DEV_GUILD_ID",
    "DISCORD_APPLICATION_ID",
}
UPDATE_TEXT = "Demo check: a moderator posts this update from the browser"


def unavailable(reason: str) -> None:
    """Skip on a developer's machine; in CI the demo must really be tested."""
    if IN_CI:
        pytest.fail(f"{reason} (CI=true, so this is a failure, not a skip)")
    pytest.skip(reason)


def require_preview() -> None:
    missing = [name for name in PREVIEW_MODULES if importlib.util.find_spec(name) is None]
    if missing:
        unavailable(f'simcord[preview] is not installed: pip install -e ".[test]" ({missing})')


def find_chromium() -> str | None:
    candidates = [os.environ.get("CHROMIUM_PATH"), "/usr/bin/chromium"]
    candidates += [shutil.which(name) for name in ("chromium", "chromium-browser")]
    return next((path for path in candidates if path and os.access(path, os.X_OK)), None)


@dataclass
class DemoProcess:
    process: subprocess.Popen
    lines: list[str] = field(default_factory=list)
    url: str | None = None

    @property
    def output(self) -> str:
        return "".join(self.lines)

    def interrupt(self) -> int:
        """Ctrl-C, as a person at the terminal would press it; returns the exit code."""
        self.process.send_signal(signal.SIGINT)
        return self.process.wait(timeout=STOP_SECONDS)


@pytest.fixture
def start_demo(tmp_path) -> Iterator:
    """Starts `python -m bot try --no-browser ...` and waits for the page's address."""
    started: list[DemoProcess] = []

    def start(*args: str, env: dict[str, str] | None = None) -> DemoProcess:
        require_preview()
        # Away from the project's .env and the developer's settings: the demo needs none.
        environ = {k: v for k, v in os.environ.items() if k not in SETTINGS_VARIABLES}
        pythonpath = os.pathsep.join(filter(None, [str(ROOT), environ.get("PYTHONPATH")]))
        environ.update(PYTHONPATH=pythonpath, PYTHONUNBUFFERED="1", LOG_LEVEL="WARNING")
        process = subprocess.Popen(
            [sys.executable, "-m", "bot", "try", "--no-browser", *args],
            cwd=tmp_path,
            env={**environ, **(env or {})},
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        demo = DemoProcess(process)
        started.append(demo)
        found = threading.Event()

        def read() -> None:  # keeps draining, so the demo never blocks on a full pipe
            for line in process.stdout:
                demo.lines.append(line)
                if demo.url is None and (match := URL.search(line)):
                    demo.url = match.group(0)
                    found.set()
            found.set()

        threading.Thread(target=read, daemon=True).start()
        if not found.wait(START_SECONDS) or demo.url is None:
            pytest.fail(f"the demo printed no address; it said:\n{demo.output}")
        return demo

    yield start
    for demo in started:
        if demo.process.poll() is None:
            demo.process.kill()
            demo.process.wait()


def test_demo_in_a_real_browser(start_demo, tmp_path):
    try:
        from playwright.sync_api import expect, sync_playwright
    except ImportError:
        unavailable('playwright is not installed: pip install -e ".[test]"')
    chromium = find_chromium()
    if chromium is None:
        unavailable(
            "no Chromium found: install it with `apt-get install chromium` "
            "(Debian, Ubuntu) or set CHROMIUM_PATH to one"
        )
    database = tmp_path / "demo.db"
    demo = start_demo("--database", str(database))
    assert "password" in demo.output  # the address is a credential, and the demo says so

    leike = [
        quote.text for quote in load_story(DEFAULT_STORY_PATH).quotes if quote.person == "leike"
    ]
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        try:
            # bypass_csp: Playwright's waits evaluate script, which the page's policy forbids.
            context = browser.new_context(viewport={"width": 960, "height": 800}, bypass_csp=True)
            page = context.new_page()
            page.set_default_timeout(STEP_MS)
            expect.set_options(timeout=STEP_MS)
            page.goto(demo.url)
            wait_ready(page, viewer_id(page, READER_NAME))

            # A member: /quote, then `leike` picked from the autocomplete, then Send.
            start_command(page, "quote")
            page.locator('.command-option-input[data-option="person"]').press_sequentially(
                "leike", delay=20
            )
            page.locator(".command-suggestion", has_text="Jan Leike").click()
            page.locator("#send-message").click()
            quote = page.locator(".channel-message", has_text="Quote 1 of")
            expect(quote).to_contain_text("Jan Leike")
            expect(quote).to_contain_text(BOT_NAME)
            shown = " ".join(quote.inner_text().split())
            assert any(" ".join(text.split())[:60] in shown for text in leike), shown
            page.screenshot(path=tmp_path / "1-quote-leike.png")
            if os.environ.get("UPDATE_DOCS_SCREENSHOT") == "1":
                save_docs_screenshot(quote.screenshot(animations="disabled"))

            # The moderator: /addupdate with `text`, announced here and in #news.
            page.select_option("#viewer-picker", label=MODERATOR_NAME)
            wait_ready(page, viewer_id(page, MODERATOR_NAME))
            start_command(page, "addupdate")
            page.locator(".command-ghost").click()  # "+6 options"
            page.locator('.command-suggestion[data-value="text"]').click()
            page.locator('.command-option-input[data-option="text"]').press_sequentially(
                UPDATE_TEXT, delay=5
            )
            page.locator("#send-message").click()
            report = page.locator(".channel-message", has_text="Announced in #news")
            expect(report).to_contain_text("is in this server's")
            expect(
                page.locator(".channel-message", has_text=f"Update: {UPDATE_TEXT}")
            ).to_be_visible()
            page.screenshot(path=tmp_path / "2-addupdate.png")

            # /timeline, then its last page: the newest event is the update just posted.
            start_command(page, "timeline")
            page.locator("#send-message").click()
            pager = page.locator(".channel-message").filter(
                has=page.get_by_role("button", name="Last »")
            )
            expect(pager).to_contain_text("Timeline")
            pager.get_by_role("button", name="Last »").click()
            expect(pager).to_contain_text(UPDATE_TEXT)
            page.screenshot(path=tmp_path / "3-timeline-last-page.png")
        finally:
            browser.close()

    assert demo.interrupt() == 0, demo.output
    assert "Stopped." in demo.output
    # Closed cleanly: SQLite removes the write-ahead log when the last connection closes.
    assert not Path(f"{database}-wal").exists()
    with sqlite3.connect(database) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)


def test_demo_uses_a_throwaway_database_and_stops_cleanly(start_demo, tmp_path):
    scratch = tmp_path / "tmp"
    scratch.mkdir()
    demo = start_demo(env={"TMPDIR": str(scratch)})
    assert demo.url.startswith("http://127.0.0.1:")
    page_url = demo.url.split("#", 1)[0]
    with urllib.request.urlopen(page_url, timeout=10) as response:
        assert response.status == 200
    assert list(scratch.glob("storybot-try-*/demo.db")), "the throwaway database is in TMPDIR"
    started = time.monotonic()
    assert demo.interrupt() == 0, demo.output
    assert time.monotonic() - started < STOP_SECONDS
    assert not list(scratch.glob("storybot-try-*")), "the throwaway database is removed"
    assert "Stopped." in demo.output


def test_without_the_try_extra_it_says_what_to_install(monkeypatch, capsys, tmp_path):
    real_find_spec = importlib.util.find_spec
    monkeypatch.setattr(
        importlib.util,
        "find_spec",
        lambda name, *args: None if name == "simcord" else real_find_spec(name, *args),
    )
    code = run_demo(Settings(database_path=tmp_path / "bot.db"), None, None, False)
    err = capsys.readouterr().err
    assert code == 2
    assert err.count("\n") == 1 and 'pip install -e ".[try]"' in err
    assert not (tmp_path / "bot.db").exists()


def start_command(page, name: str) -> None:
    """Type `/name` in the message box and pick the command from the list, as in Discord."""
    composer = page.locator("#channel-composer-input")
    composer.click()
    composer.press_sequentially(f"/{name}", delay=20)
    page.locator(".command-entry", has_text=f"/{name}").first.click()
    page.locator(".command-chip", has_text=f"/{name}").wait_for()


def wait_ready(page, viewer: str) -> None:
    """Wait until the page shows `viewer`'s view and has no action in flight."""
    page.wait_for_function(
        "viewer => window.simcordPreview?.ready && window.simcordPreview.viewerId === viewer",
        arg=viewer,
    )


def viewer_id(page, name: str) -> str:
    return page.locator("#viewer-picker option", has_text=name).get_attribute("value")


def save_docs_screenshot(png: bytes) -> None:
    """Write docs/quote-leike.png, palette-reduced to stay small."""
    from PIL import Image

    image = Image.open(io.BytesIO(png)).convert("RGB").quantize(colors=128)
    DOCS_SCREENSHOT.parent.mkdir(exist_ok=True)
    image.save(DOCS_SCREENSHOT, optimize=True)
    assert DOCS_SCREENSHOT.stat().st_size < 200_000
