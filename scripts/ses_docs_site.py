"""Serve the generated dbt docs site on 127.0.0.1 (`prepare_site`: its
single-file page with its data kept inside its script, its lineage graphs
opening without test nodes) and look at it the way a person would, in headless Chromium: open a model's page, wait for its lineage
graph to draw, read the graph's nodes and take a screenshot.

    .venv/bin/python scripts/ses_docs_site.py --port 8080   # what `make docs` runs
"""

from __future__ import annotations

import argparse
import contextlib
import functools
import json
import os
import re
import shutil
import socket
import sys
import threading
from dataclasses import dataclass
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import TYPE_CHECKING, Iterator

if TYPE_CHECKING:
    import playwright.sync_api

PROJECT_DIR = Path(__file__).resolve().parents[1]
PROJECT_NAME = "ses_analytics"
# Without these Chromium keeps trying to reach Google's services, which this
# network refuses; --no-sandbox because CI runs as root.
CHROMIUM_ARGUMENTS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
    "--disable-component-update", "--disable-sync",
]
# Cytoscape keeps its instance on the container element (`_cyreg.cy`): the
# only way to read what the canvas drew. Only a container on screen counts:
# the page keeps a hidden graph of the whole project too.
LINEAGE_NODES_SCRIPT = """
() => {
  const containers = [...document.querySelectorAll('*')].filter(
    (element) => element._cyreg && element._cyreg.cy && element.offsetWidth > 0 && element.offsetHeight > 0
  );
  const drawn = containers.map((element) => element._cyreg.cy.nodes(':visible')).filter((nodes) => nodes.length > 0);
  if (drawn.length === 0) return null;
  return drawn[0].map((node) => ({id: node.id(), label: node.data('label') || ''}));
}
"""
# The page area the drawn graph covers, for a picture of the graph alone.
LINEAGE_BOX_SCRIPT = """
() => {
  const container = [...document.querySelectorAll('*')].find(
    (element) => element._cyreg && element._cyreg.cy && element.offsetWidth > 0
  );
  const box = container._cyreg.cy.elements(':visible').renderedBoundingBox();
  const frame = container.getBoundingClientRect();
  return {x: frame.left + box.x1, y: frame.top + box.y1, width: box.w, height: box.h};
}
"""
GRAPH_MARGIN_PIXELS = 24
# dbt-docs draws singular data tests and unit tests as nodes of the lineage
# graph (generic tests it leaves out) and starts every graph with all resource
# types: 43 of the full graph's 84 nodes were tests. This script, added to the
# generated pages, starts each graph without those two types, as the graph's
# "resources" menu would after unticking them, and leaves them in that menu;
# a test's own page still draws the test.
TEST_RESOURCE_TYPES = ("test", "unit_test")
HIDE_TESTS_SCRIPT_ID = "ses-lineage-without-tests"
HIDE_TESTS_SCRIPT = """<script id="%(id)s">
(function () {
  var testTypes = %(types)s;
  function withoutTests(types) {
    return types.filter(function (type) { return testTypes.indexOf(type) < 0; });
  }
  function showsATest(selector) {
    var node = selector.getViewNode();
    return Boolean(node) && testTypes.indexOf(node.resource_type) >= 0;
  }
  function dropTestsFromSelection(selector) {
    ["clean", "dirty"].forEach(function (state) {
      selector.selection[state].resource_types = withoutTests(selector.selection[state].resource_types);
    });
  }
  angular.module("dbt").config(["$provide", function ($provide) {
    $provide.decorator("selectorService", ["$delegate", function (selector) {
      var resetSelection = selector.resetSelection;
      selector.resetSelection = function () {
        var reset = resetSelection.apply(this, arguments);
        if (!showsATest(selector)) dropTestsFromSelection(selector);
        return reset;
      };
      dropTestsFromSelection(selector);
      return selector;
    }]);
    // A graph opened from a page is drawn with every type the menu offers.
    $provide.decorator("graph", ["$delegate", "selectorService", function (graph, selector) {
      ["showFullGraph", "showVerticalGraph"].forEach(function (name) {
        var draw = graph[name];
        graph[name] = function () {
          if (showsATest(selector)) return draw.apply(this, arguments);
          var everyType = selector.options.resource_types;
          selector.options.resource_types = withoutTests(everyType);
          try { return draw.apply(this, arguments); } finally { selector.options.resource_types = everyType; }
        };
      });
      return graph;
    }]);
  }]);
})();
</script>""" % {"id": HIDE_TESTS_SCRIPT_ID, "types": json.dumps(list(TEST_RESOURCE_TYPES))}
SITE_PAGES = ("index.html", "static_index.html")
# `dbt docs generate --static` writes static_index.html by pasting
# manifest.json and catalog.json into a script of index.html as they are: a
# "</script>" in any of their texts (a send log's column name in a model's
# compiled SQL, say) ends the script there, and what follows runs as the
# page's own. `write_single_file_site` writes the page again from the same
# files, with every <, > and & of the JSON as \u003c, \u003e, \u0026: the
# same strings to JavaScript, no tag or comment to the HTML parser.
INLINE_DATA_PLACEHOLDER = re.compile(r'"(MANIFEST|CATALOG)\.JSON INLINE DATA"')
SCRIPT_SAFE_ESCAPES = {"<": "\\u003c", ">": "\\u003e", "&": "\\u0026"}


class QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args) -> None:  # noqa: A002 - the base class names it so
        pass


def serve(directory: Path, port: int = 0) -> ThreadingHTTPServer:
    """Serve `directory` on 127.0.0.1 from a background thread (port 0: any free port)."""
    handler = functools.partial(QuietHandler, directory=str(directory))
    server = ThreadingHTTPServer(("127.0.0.1", port), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def script_safe_json(text: str) -> str:
    """JSON text that can stand inside an HTML <script> element: < > & only
    occur inside JSON strings, where their \\u escapes mean the same."""
    return re.sub("[<>&]", lambda match: SCRIPT_SAFE_ESCAPES[match.group(0)], text)


def write_single_file_site(target_dir: Path) -> None:
    """Write static_index.html again from index.html (dbt's page, which
    loads the JSON files when served) and manifest.json and catalog.json,
    each inlined through `script_safe_json`, both in one pass, so that no
    inlined text is read as a placeholder. Only where `dbt docs generate
    --static` wrote the page."""
    if not (target_dir / "static_index.html").exists():
        return
    inlined = {
        name: script_safe_json((target_dir / f"{name.lower()}.json").read_text(encoding="utf-8"))
        for name in ("MANIFEST", "CATALOG")
    }
    template = (target_dir / "index.html").read_text(encoding="utf-8")
    if sorted(INLINE_DATA_PLACEHOLDER.findall(template)) != sorted(inlined):
        raise ValueError(
            f"{target_dir / 'index.html'}: not the page of dbt docs generate this script knows"
            " (one MANIFEST and one CATALOG inline-data placeholder): run dbt docs generate --static again"
        )
    page = INLINE_DATA_PLACEHOLDER.sub(lambda match: inlined[match.group(1)], template)
    (target_dir / "static_index.html").write_text(page, encoding="utf-8")


def prepare_site(target_dir: Path) -> None:
    """What `make docs` serves: the single-file page written again with its
    data safe inside its script, then the test-free lineage script added to
    both pages."""
    write_single_file_site(target_dir)
    hide_tests_in_lineage(target_dir)


def hide_tests_in_lineage(target_dir: Path) -> None:
    """Add HIDE_TESTS_SCRIPT at the end of the pages `dbt docs generate`
    wrote (once: a page that has it is left as it is)."""
    for name in SITE_PAGES:
        page = target_dir / name
        if not page.exists():
            continue
        html = page.read_text(encoding="utf-8")
        if HIDE_TESTS_SCRIPT_ID in html:
            continue
        before, body_end, after = html.rpartition("</body>")
        patched = before + HIDE_TESTS_SCRIPT + body_end + after if body_end else html + HIDE_TESTS_SCRIPT
        page.write_text(patched, encoding="utf-8")


def free_port_near(port: int, tries: int = 20) -> int:
    """The first port after `port` that 127.0.0.1 can listen on now, or one
    the system picks: a suggestion for the user, not a reservation."""
    candidates = [candidate for candidate in range(port + 1, port + 1 + tries) if candidate < 65536] + [0]
    for candidate in candidates:
        with contextlib.suppress(OSError), socket.socket() as probe:
            probe.bind(("127.0.0.1", candidate))
            return probe.getsockname()[1]
    return 0


def serve_until_interrupted(directory: Path, port: int, what: str, make_setting: str, *notes: str) -> int:
    """What `make docs` and `make dashboard` run: serve `directory` on
    127.0.0.1:`port`, print its address (and `notes`), wait for Ctrl+C.
    A port in use is one line on stderr naming a free port to pass as
    `make_setting` (`make docs DOCS_PORT`), and exit status 1."""
    try:
        server = serve(directory, port)
    except OSError as error:
        # One line instead of a traceback: the usual cause is an earlier
        # `make` still serving, or another program on the port.
        print(
            f"{Path(sys.argv[0]).name}: cannot serve on 127.0.0.1:{port} ({error.strerror}):"
            f" stop what holds it, or pick another port: {make_setting}={free_port_near(port)}",
            file=sys.stderr,
        )
        return 1
    print(f"{what} at {site_address(server)}  (Ctrl+C to stop)", flush=True)
    for note in notes:
        print(note, flush=True)
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        pass
    finally:
        server.shutdown()
    return 0


def site_address(server: ThreadingHTTPServer) -> str:
    host, port = server.server_address[:2]
    return f"http://{host}:{port}/"


@contextlib.contextmanager
def opened_site(target_dir: Path, *, single_file: bool = False) -> Iterator[str]:
    """The site's address: served on 127.0.0.1 while in use, or with
    `single_file` the single-file page, static_index.html."""
    if single_file:
        yield (target_dir / "static_index.html").as_uri()
        return
    server = serve(target_dir)
    try:
        yield site_address(server)
    finally:
        server.shutdown()


def chromium_path() -> str:
    """Debian's Chromium (`apt-get install chromium`), or CHROMIUM_PATH."""
    path = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or shutil.which("chromium-browser")
    if not path:
        raise FileNotFoundError("Chromium not found: `apt-get install chromium`, or set CHROMIUM_PATH")
    return path


@dataclass
class LineageView:
    """What the lineage graph of one model's page drew."""

    node_ids: list[str]
    labels: list[str]
    page_text: str


def node_page(site: str, resource_type: str, name: str) -> str:
    """The docs page of a model, source, exposure, ... (`#!/model/model.<project>.<name>`)."""
    return f"{site}#!/{resource_type}/{resource_type}.{PROJECT_NAME}.{name}"


@contextlib.contextmanager
def chromium_page(width: int = 1400, height: int = 900) -> Iterator["playwright.sync_api.Page"]:
    """A page in headless Debian Chromium, closed on exit."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGUMENTS)
        try:
            yield browser.new_page(viewport={"width": width, "height": height})
        finally:
            browser.close()


def open_lineage(
    page_address: str, screenshot: Path, *, full_screen: bool = False, timeout_seconds: float = 60
) -> LineageView:
    """Open a node's docs page in headless Chromium, open its lineage graph
    (the page's graph button), wait until the graph has drawn nodes, and
    screenshot the page (with `full_screen`, the expanded graph alone)."""
    with chromium_page() as page:
        page.goto(page_address)
        page.click("[ng-click='onLauncherClick()']")
        if full_screen:
            page.click("[ng-click='showExpanded()']")
        # Off the buttons, so no tooltip covers the graph.
        page.mouse.move(1, 1)
        page.wait_for_function(f"({LINEAGE_NODES_SCRIPT})() !== null", timeout=timeout_seconds * 1000)
        # Let the graph's layout settle before the picture.
        page.wait_for_timeout(1500)
        nodes = page.evaluate(LINEAGE_NODES_SCRIPT)
        screenshot.parent.mkdir(parents=True, exist_ok=True)
        clip = None
        if full_screen:
            box = page.evaluate(LINEAGE_BOX_SCRIPT)
            clip = {
                "x": max(box["x"] - GRAPH_MARGIN_PIXELS, 0), "y": max(box["y"] - GRAPH_MARGIN_PIXELS, 0),
                "width": box["width"] + 2 * GRAPH_MARGIN_PIXELS, "height": box["height"] + 2 * GRAPH_MARGIN_PIXELS,
            }
        page.screenshot(path=str(screenshot), clip=clip)
        text = page.inner_text("body")
    return LineageView([node["id"] for node in nodes], [node["label"] for node in nodes], text)


def main() -> int:
    parser = argparse.ArgumentParser(description="Serve the generated dbt docs site on 127.0.0.1.")
    parser.add_argument("--target-dir", type=Path, default=PROJECT_DIR / "target", help="where `dbt docs generate` wrote")
    parser.add_argument("--port", type=int, default=8080, help="0 picks any free port")
    arguments = parser.parse_args()
    if not (arguments.target_dir / "index.html").exists():
        parser.error(f"no {arguments.target_dir / 'index.html'}: run `dbt docs generate --static` first")
    prepare_site(arguments.target_dir)
    return serve_until_interrupted(
        arguments.target_dir, arguments.port, "dbt docs", "make docs DOCS_PORT",
        f"single-file site: {arguments.target_dir / 'static_index.html'}",
    )


if __name__ == "__main__":
    raise SystemExit(main())
