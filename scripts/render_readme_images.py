"""Redraw the README's pictures from the database dbt built (`make images`):
run the notebook and keep the outputs of its cells tagged `readme-<name>`
(a chart as it is, a table drawn in headless Chromium), then screenshot the
notebook's lineage in the dbt docs site (`dbt docs generate --static` first).
Each picture is written small, as a 128-colour PNG, to docs/images/<name>.png."""

from __future__ import annotations

import argparse
import base64
import io
import sys
from pathlib import Path

import nbformat
from nbclient import NotebookClient
from PIL import Image

import ses_docs_site

PROJECT_DIR = Path(__file__).resolve().parents[1]
NOTEBOOK = PROJECT_DIR / "notebooks" / "ses_analytics.ipynb"
TAG_PREFIX = "readme-"
TABLE_STYLE = """
<style>
  body { margin: 0; background: white; }
  table { border-collapse: collapse; font: 13px sans-serif; }
  th, td { padding: 4px 10px; border-bottom: 1px solid #ddd; text-align: right; }
  th { background: #f4f4f4; }
</style>
"""
WIDEST_PIXELS = 1400
COLOURS = 128


def save_small_png(png: bytes, path: Path) -> None:
    """Shrink to at most WIDEST_PIXELS wide and a 128-colour palette: a README
    picture needs no more, and the repository stays small."""
    image = Image.open(io.BytesIO(png)).convert("RGB")
    if image.width > WIDEST_PIXELS:
        image = image.resize((WIDEST_PIXELS, round(image.height * WIDEST_PIXELS / image.width)), Image.LANCZOS)
    path.parent.mkdir(parents=True, exist_ok=True)
    image.quantize(colors=COLOURS).save(path, optimize=True)
    print(f"wrote {path.relative_to(PROJECT_DIR)} ({path.stat().st_size / 1024:.0f} KB)")


def html_table_png(html: str) -> bytes:
    with ses_docs_site.chromium_page() as page:
        page.set_content(TABLE_STYLE + html)
        return page.locator("table").first.screenshot()


def executed_notebook() -> nbformat.NotebookNode:
    notebook = nbformat.read(NOTEBOOK, as_version=4)
    NotebookClient(
        notebook, timeout=600, kernel_name="python3", resources={"metadata": {"path": str(NOTEBOOK.parent)}}
    ).execute()
    return notebook


def tagged_outputs(notebook: nbformat.NotebookNode) -> dict[str, dict]:
    """The last rich output of each cell tagged readme-<name>, by name."""
    outputs = {}
    for cell in notebook.cells:
        for tag in cell.get("metadata", {}).get("tags", []):
            if tag.startswith(TAG_PREFIX):
                rich = [output["data"] for output in cell.get("outputs", []) if "data" in output]
                outputs[tag.removeprefix(TAG_PREFIX)] = rich[-1]
    return outputs


def render_notebook_pictures(out_dir: Path) -> None:
    for name, data in tagged_outputs(executed_notebook()).items():
        png = base64.b64decode(data["image/png"]) if "image/png" in data else html_table_png(data["text/html"])
        save_small_png(png, out_dir / f"{name}.png")


def render_lineage_picture(target_dir: Path, out_dir: Path) -> None:
    server = ses_docs_site.serve(target_dir)
    try:
        raw = out_dir / "lineage.raw.png"
        page = ses_docs_site.node_page(ses_docs_site.site_address(server), "exposure", "ses_analytics_notebook")
        ses_docs_site.open_lineage(page, raw, full_screen=True)
        save_small_png(raw.read_bytes(), out_dir / "lineage.png")
        raw.unlink()
    finally:
        server.shutdown()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--out", type=Path, default=PROJECT_DIR / "docs" / "images")
    parser.add_argument("--target-dir", type=Path, default=PROJECT_DIR / "target", help="where `dbt docs generate` wrote")
    arguments = parser.parse_args()
    render_notebook_pictures(arguments.out)
    render_lineage_picture(arguments.target_dir, arguments.out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
