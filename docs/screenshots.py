"""Take the README's screenshots of the HTML views, in headless Chromium.

    python docs/screenshots.py [--chromium /usr/bin/chromium]

Writes docs/graph-seeds.png (the page `newsgraph build` writes for seeds/, a node clicked),
docs/graph-everyday-ai.png (the whole everyday-ai corpus) and
docs/focus-facial-recognition-regulation.png (that focus, a node hovered), building the corpus
from ../shared/corpus/everyday-ai into a temporary folder. Pages are opened from disk with every
request blocked.
"""

from __future__ import annotations

import argparse
import os
import tempfile
from pathlib import Path
from typing import Any

import newsgraph
from newsgraph.browser import CHROMIUM, launch_chromium
from newsgraph.views import run_viz

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs"
CORPUS = ROOT.parent / "shared" / "corpus" / "everyday-ai"


def shoot(browser: Any, page_file: Path, png: Path, *, click: str = "", hover: str = "") -> None:
    page = browser.new_page(viewport={"width": 1400, "height": 860})
    url = page_file.resolve().as_uri()
    page.route("**/*", lambda r: r.continue_() if r.request.url == url else r.abort())
    page.goto(url)
    page.wait_for_function("window.newsgraph && window.newsgraph.ready")
    for text, action in ((click, page.mouse.click), (hover, page.mouse.move)):
        if text:
            index = page.evaluate(
                "t => window.newsgraph.data.nodes.findIndex(n => n.t === t)", text
            )
            point = page.evaluate("i => window.newsgraph.pagePoint(i)", index)
            action(point["x"], point["y"])
    page.wait_for_timeout(300)
    page.screenshot(path=str(png))
    page.close()
    print(f"wrote {png.relative_to(ROOT)}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--chromium", type=Path, default=CHROMIUM)
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    os.environ["SOURCE_DATE_EPOCH"] = "1767225600"  # 2026-01-01, so the headers do not change
    with tempfile.TemporaryDirectory() as tmp, sync_playwright() as playwright:
        seeds, corpus = Path(tmp) / "seeds", Path(tmp) / "corpus"
        # from these folders, the headers name the inputs seeds and shared/corpus/everyday-ai
        os.chdir(ROOT)
        newsgraph.run_build(["seeds"], seeds, formats=["html"])
        os.chdir(ROOT.parent)
        newsgraph.run_build([CORPUS.relative_to(ROOT.parent)], corpus, formats=["json", "html"])
        focus = corpus / "focus.html"
        run_viz(corpus, focus, focus="facial recognition regulation")
        browser = launch_chromium(playwright, args.chromium)
        globe = (
            "Civil liberties group urges Liberal Party to stop using facial recognition technology"
        )
        shoot(browser, seeds / "graph.html", DOCS / "graph-seeds.png", click=globe)
        shoot(browser, corpus / "graph.html", DOCS / "graph-everyday-ai.png")
        shoot(
            browser,
            focus,
            DOCS / "focus-facial-recognition-regulation.png",
            click="A Case for Banning Facial Recognition",
        )
        browser.close()


if __name__ == "__main__":
    main()
