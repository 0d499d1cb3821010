"""Data flows one way: landing -> base -> staging -> intermediate -> marts.

Read from the manifest dbt writes when it parses the project: no model reads
a model of a later layer, every dependency of a model is a ref() (or source())
written in the model's own file, no macro hides a ref(), and every model
before the marts feeds a model or an exposure (or says in its meta that it is
a view for consumers)."""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path

import pytest

from conftest import DBT, PROJECT_DIR

# The layer of a model is the first of these folders its path starts with.
LAYERS = [
    ("models/landing/", "landing"),
    ("models/staging/ses/base/", "base"),
    ("models/staging/", "staging"),
    ("models/intermediate/", "intermediate"),
    ("models/marts/", "marts"),
]
LAYER_ORDER = [layer for _, layer in LAYERS]


@pytest.fixture(scope="module")
def manifest(tmp_path_factory) -> dict:
    target = tmp_path_factory.mktemp("lineage") / "target"
    subprocess.run(
        [str(DBT), "parse", "--project-dir", str(PROJECT_DIR), "--profiles-dir", str(PROJECT_DIR),
         "--target-path", str(target), "--log-path", str(target / "logs")],
        cwd=PROJECT_DIR, check=True, capture_output=True,
    )
    return json.loads((target / "manifest.json").read_text())


def layer_of(node: dict) -> str:
    path = node["original_file_path"]
    return next(layer for prefix, layer in LAYERS if path.startswith(prefix))


def models(manifest: dict) -> dict[str, dict]:
    return {unique_id: node for unique_id, node in manifest["nodes"].items() if node["resource_type"] == "model"}


def test_every_model_has_a_layer(manifest) -> None:
    for node in models(manifest).values():
        assert layer_of(node) in LAYER_ORDER, node["original_file_path"]


# The schema each layer's models and the seeds are written to, after the
# ses_schema_prefix var (ses_) and the shipped profile's target schema (main).
LAYER_SCHEMAS = {
    "landing": "main_ses_landing", "base": "main_ses_staging", "staging": "main_ses_staging",
    "intermediate": "main_ses_staging", "marts": "main_ses_marts",
}


def test_every_model_is_written_to_its_layers_schema(manifest) -> None:
    misplaced = [
        f"{node['name']} ({layer_of(node)}) in {node['schema']}"
        for node in models(manifest).values() if node["schema"] != LAYER_SCHEMAS[layer_of(node)]
    ]
    seeds = {node["name"]: node["schema"] for node in manifest["nodes"].values() if node["resource_type"] == "seed"}
    assert misplaced == []
    assert set(seeds.values()) == {"main_ses_staging"}, seeds


def test_no_model_reads_a_later_layer(manifest) -> None:
    all_models = models(manifest)
    backward = [
        f"{node['name']} ({layer_of(node)}) reads {all_models[parent]['name']} ({layer_of(all_models[parent])})"
        for node in all_models.values()
        for parent in node["depends_on"]["nodes"]
        if parent in all_models and LAYER_ORDER.index(layer_of(all_models[parent])) > LAYER_ORDER.index(layer_of(node))
    ]
    assert backward == []


def test_every_dependency_is_written_in_the_model_file(manifest) -> None:
    all_models = models(manifest)
    hidden = []
    for node in all_models.values():
        code = node["raw_code"]
        for parent in node["depends_on"]["nodes"]:
            if parent in all_models:
                name = all_models[parent]["name"]
                written = re.search(r"ref\(\s*['\"]%s['\"]\s*\)" % re.escape(name), code)
                # a ref() generated from the ses_event_types var names its staging models in a loop
                generated = "ref(event_type.staging_model)" in code and name.startswith("stg_ses__")
                if not (written or generated):
                    hidden.append(f"{node['name']} -> {name}")
            elif parent.startswith("source."):
                assert "source(" in code, node["name"]
    assert hidden == []


def without_comments(text: str) -> str:
    return re.sub(r"--[^\n]*", "", re.sub(r"\{#.*?#\}", "", text, flags=re.S))


def test_no_macro_calls_ref() -> None:
    offenders = [
        str(path.relative_to(PROJECT_DIR))
        for path in (PROJECT_DIR / "macros").rglob("*.sql")
        if re.search(r"\bref\(", without_comments(path.read_text()))
    ]
    assert offenders == []


def test_every_model_before_the_marts_is_used(manifest) -> None:
    all_models = models(manifest)
    exposures = manifest["exposures"]
    unused = []
    for unique_id, node in all_models.items():
        if layer_of(node) == "marts" or node.get("meta", {}).get("consumer_view"):
            continue
        children = manifest["child_map"].get(unique_id, [])
        if not any(child in all_models or child in exposures for child in children):
            unused.append(node["name"])
    assert unused == []
