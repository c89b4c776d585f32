"""Debian's Chromium, headless and offline, for looking at the pages newsgraph writes.

The browser tests, the view benchmark (``bench/html_views.py``) and the README's screenshots
(``docs/screenshots.py``) all open pages this way. Playwright drives the system ``chromium``
(``apt-get install chromium``): newsgraph never lets a tool download a browser of its own. The
flags keep Chromium from reaching for the network on its own (updates, sync, first-run pages).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

__all__ = ["CHROMIUM", "CHROMIUM_ARGS", "launch_chromium"]

CHROMIUM = Path("/usr/bin/chromium")
"""Where Debian's ``chromium`` package puts the browser."""

CHROMIUM_ARGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
)


def launch_chromium(playwright: Any, executable: Path = CHROMIUM) -> Any:
    """A headless Chromium ``Browser`` from a running ``sync_playwright()`` context."""
    return playwright.chromium.launch(executable_path=str(executable), args=list(CHROMIUM_ARGS))
