"""HTML view figures: the time to write pages of 500, 1,500 and 5,000 nodes, their size, and how
soon headless Chromium has them drawn, stable and answering.

    python bench/html_views.py CORPUS_OR_EXPORT [--sizes 500 1500 5000] [--size-by degree]
                         [--chromium /usr/bin/chromium]

Builds the graph of CORPUS (e.g. a synthetic corpus from bench/generate.py), or reads it from an
export folder's graph.json, then for each size N draws the view of its N most central nodes
(``newsgraph viz --max-nodes N``) and prints:

- select: choosing the view (centrality over the whole graph, the cap);
- layout: the force layout (part of write);
- write: the whole page written (layout, data, inlined vis-network), and its size;
- drawn: from navigation to the first complete drawing (``window.newsgraph.ready``, measured by
  the page's own clock), the page opened from disk with every request blocked (none is made);
- stable: whether any node moved in the second after that (physics is off: none should);
- hover: the wall time from navigation until hovering the most central node shows its tooltip
  (the page is usable);
- filter, zoom: how long hiding all providers, and a zoom step, take to redraw.
"""

from __future__ import annotations

import argparse
import os
import platform
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

# Run as a script, this file's folder comes first on sys.path, where this file's name would hide
# the standard library's html module from newsgraph.
HERE = Path(__file__).resolve().parent
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != HERE]

import newsgraph  # noqa: E402
from newsgraph.browser import CHROMIUM, launch_chromium  # noqa: E402
from newsgraph.export.html import write_view  # noqa: E402
from newsgraph.layout import force_layout  # noqa: E402
from newsgraph.views import select_view  # noqa: E402

ROUND_TRIP = """() => new Promise(done => {
  const g = window.newsgraph, start = performance.now();
  g.network.once("afterDrawing", () => done(performance.now() - start));
  ACTION;
})"""


def measure_page(browser: Any, path: Path) -> dict[str, Any]:
    page = browser.new_page(viewport={"width": 1400, "height": 900})
    url = path.resolve().as_uri()
    requests: list[str] = []
    page.route("**/*", lambda r: r.continue_() if r.request.url == url else r.abort())
    page.on("request", lambda r: requests.append(r.url) if r.url != url else None)
    start = time.perf_counter()
    page.goto(url)
    page.wait_for_function("window.newsgraph && window.newsgraph.ready", timeout=600_000)
    drawn_ms = page.evaluate("window.newsgraph.readyAt")
    top = page.evaluate("window.newsgraph.data.nodes.length - 1")
    point = page.evaluate("i => window.newsgraph.pagePoint(i)", top)
    page.mouse.move(point["x"], point["y"])
    page.wait_for_selector("#tooltip:not([hidden])", timeout=600_000)
    hover = time.perf_counter() - start
    page.mouse.move(1, 1)
    before = page.evaluate("JSON.stringify(window.newsgraph.network.getPositions())")
    page.wait_for_timeout(1000)
    after = page.evaluate("JSON.stringify(window.newsgraph.network.getPositions())")
    zoom = page.evaluate(
        ROUND_TRIP.replace("ACTION", "g.network.moveTo({scale: g.network.getScale() * 1.5})")
    )
    hide = (
        "document.getElementById('kind-provider').checked = false;"
        "g.applyFilters(); g.network.redraw()"
    )
    filtered = page.evaluate(ROUND_TRIP.replace("ACTION", hide))
    drawn = page.evaluate("window.newsgraph.drawnNodes().length")
    page.close()
    return {
        "drawn": drawn_ms / 1000,
        "stable": before == after,
        "hover": hover,
        "zoom": zoom / 1000,
        "filter": filtered / 1000,
        "requests": len(requests),
        "drawn_after_filter": drawn,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("corpus", type=Path)
    parser.add_argument("--sizes", type=int, nargs="+", default=[500, 1500, 5000])
    parser.add_argument("--size-by", default="degree")
    parser.add_argument("--chromium", type=Path, default=CHROMIUM)
    args = parser.parse_args()
    print(
        f"newsgraph {newsgraph.__version__}, Python {platform.python_version()}, "
        f"{os.cpu_count()} cores; corpus {args.corpus}"
    )
    start = time.perf_counter()
    if (args.corpus / "graph.json").is_file():
        graph = newsgraph.read_json(args.corpus / "graph.json")
        print(f"  read graph.json: {time.perf_counter() - start:.2f} s")
    else:
        graph = newsgraph.build([args.corpus]).graph
        print(f"  build graph: {time.perf_counter() - start:.2f} s")
    print(f"  {newsgraph.count_kinds(graph)}")
    from playwright.sync_api import sync_playwright

    header = (
        f"{'nodes':>6} {'edges':>7} {'select':>7} {'layout':>7} {'write':>7} {'size MB':>8} "
        f"{'drawn':>6} {'stable':>6} {'hover':>6} {'filter':>7} {'zoom':>6} {'requests':>8}"
    )
    print(header)
    with sync_playwright() as playwright, tempfile.TemporaryDirectory() as tmp:
        browser = launch_chromium(playwright, args.chromium)
        for size in args.sizes:
            start = time.perf_counter()
            view = select_view(graph, max_nodes=size, size_by=args.size_by)
            select = time.perf_counter() - start
            start = time.perf_counter()
            force_layout(sorted(view.graph), view.graph.edges())
            layout = time.perf_counter() - start
            path = Path(tmp) / f"view-{size}.html"
            start = time.perf_counter()
            write_view(view, path)
            write = time.perf_counter() - start
            figures = measure_page(browser, path)
            print(
                f"{view.graph.number_of_nodes():>6,} {view.graph.number_of_edges():>7,} "
                f"{select:>7.2f} {layout:>7.2f} {write:>7.2f} {path.stat().st_size / 1e6:>8.2f} "
                f"{figures['drawn']:>6.2f} {'yes' if figures['stable'] else 'NO':>6} "
                f"{figures['hover']:>6.2f} {figures['filter']:>7.2f} {figures['zoom']:>6.2f} "
                f"{figures['requests']:>8}",
                flush=True,
            )
        browser.close()
    print("(seconds; write includes the layout; hover: navigation to an answered hover)")


if __name__ == "__main__":
    main()
