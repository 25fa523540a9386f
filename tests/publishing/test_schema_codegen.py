"""Channels generate types from the published schemas: clean, named, no empty or placeholder types.

Runs the generators channel developers use, over the schema files a real export publishes:
datamodel-code-generator (Python, pydantic) and json-schema-to-typescript (npm, installed by
scripts/test into .venv/node). The generated pydantic models then load every exported document.
"""

from __future__ import annotations

import ast
import importlib.util
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from cms.publishing.export import export_channels

from .conftest import read_bytes, read_json

ROOT = Path(__file__).resolve().parents[2]
JSON2TS = ROOT / ".venv" / "node" / "node_modules" / ".bin" / "json2ts"
CHANNELS = ("web", "app", "partner")
SCHEMAS = ("article", "index", "manifest", "changes")


@pytest.fixture
def published(bilingual, export_root, tmp_path):
    """One export of the three channels (on either storage); its schema files copied to a
    folder per channel, as a channel developer downloads them for their generator."""
    export_channels(list(CHANNELS))
    for channel in CHANNELS:
        folder = tmp_path / "downloaded" / channel / "schema"
        folder.mkdir(parents=True)
        for name in SCHEMAS:
            path = f"schema/{name}.schema.json"
            (folder / f"{name}.schema.json").write_bytes(read_bytes(channel, path))
    return tmp_path / "downloaded"


def named_types(schema: dict) -> set[str]:
    """The names a generator should produce: the document's title and every $defs title."""
    titles = {schema["title"], *(d["title"] for d in schema.get("$defs", {}).values())}
    assert set(schema.get("$defs", {})) <= titles, "every $defs key is its own title"
    return titles


def test_schemas_name_every_type_once_without_dots(published):
    for channel in CHANNELS:
        for name in SCHEMAS:
            schema = read_json(published, channel, f"schema/{name}.schema.json")
            definitions = schema.get("$defs", {})
            for key, definition in definitions.items():
                assert re.fullmatch(r"[A-Z][A-Za-z]*", key), key
                assert definition["title"] == key
            text = json.dumps(schema)
            for enum in re.findall(r'"enum": \[([^]]*)\]', text):
                assert '""' not in enum and "null" not in enum, enum
            # Titles only name types: a titled field would become a type of its own.
            titles = re.findall(r'"title": "([^"]*)"', text)
            assert sorted(titles) == sorted(named_types(schema))


@pytest.mark.parametrize("channel", CHANNELS)
def test_datamodel_code_generator_makes_clean_named_models_that_load_the_documents(
    published, channel, tmp_path
):
    schemas = published / channel / "schema"
    output = tmp_path / "models"
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "datamodel_code_generator",
            "--input",
            str(schemas),
            "--input-file-type",
            "jsonschema",
            "--output",
            str(output),
            "--output-model-type",
            "pydantic_v2.BaseModel",
            "--formatters",
            "ruff-format",
            "--disable-timestamp",
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    for name in SCHEMAS:
        schema = json.loads((schemas / f"{name}.schema.json").read_text(encoding="utf-8"))
        module_path = output / f"{name}.schema.py"
        if not module_path.exists():
            module_path = output / f"{name}_schema.py"
        tree = ast.parse(module_path.read_text(encoding="utf-8"))
        classes = [node for node in tree.body if isinstance(node, ast.ClassDef)]
        assert {cls.name for cls in classes} == named_types(schema), name
        for cls in classes:
            assert not re.search(r"\d$", cls.name), f"numbered duplicate {cls.name}"
            fields = [
                node
                for node in cls.body
                if isinstance(node, (ast.AnnAssign, ast.Assign))
                and not (isinstance(node, ast.Assign) and node.targets[0].id == "model_config")
                and not (isinstance(node, ast.AnnAssign) and node.target.id == "model_config")
            ]
            is_root = any("RootModel" in ast.unparse(base) for base in cls.bases)
            assert fields or is_root, f"empty model {cls.name} in {name}"
            for node in fields:
                assert not re.search(r"\bAny\b", ast.unparse(node)), f"untyped: {cls.name}"
                if isinstance(node, ast.Assign):  # enum members
                    assert ast.literal_eval(node.value) not in ("", None), cls.name

    # The models accept what the export published.
    models = {}
    for name in SCHEMAS:
        path = output / f"{name}.schema.py"
        if not path.exists():
            path = output / f"{name}_schema.py"
        spec = importlib.util.spec_from_file_location(f"generated_{channel}_{name}", path)
        module = importlib.util.module_from_spec(spec)
        sys.modules[spec.name] = module  # pydantic resolves the annotations through it
        spec.loader.exec_module(module)
        models[name] = module
    manifest = read_json(published, channel, "manifest.json")
    models["manifest"].Manifest.model_validate(manifest)
    models["changes"].ChangeJournal.model_validate(read_json(published, channel, "changes.json"))
    documents = [path for path in manifest["files"] if "/articles/" in path]
    assert documents
    for path in documents:
        models["article"].Article.model_validate(read_json(published, channel, path))
    for path in manifest["files"]:
        if path.endswith("/index.json"):
            models["index"].LocaleIndex.model_validate(read_json(published, channel, path))


def test_json_schema_to_typescript_makes_clean_named_types(published, tmp_path):
    if not JSON2TS.exists():
        pytest.fail(f"{JSON2TS} is missing: scripts/test installs it (npm, project-local)")
    for channel in CHANNELS:
        for name in SCHEMAS:
            path = published / channel / "schema" / f"{name}.schema.json"
            result = subprocess.run(
                [str(JSON2TS), "--input", str(path)],
                capture_output=True,
                text=True,
                timeout=120,
            )
            assert result.returncode == 0, result.stderr
            typescript = re.sub(r"/\*.*?\*/", "", result.stdout, flags=re.S)  # no comments
            schema = json.loads(path.read_text(encoding="utf-8"))
            declared = re.findall(r"^export (?:type|interface) (\w+)", typescript, re.M)
            assert sorted(declared) == sorted(named_types(schema)), (channel, name)
            assert not re.search(r"\bunknown\b|\bany\b", typescript), (channel, name)
            assert "{}" not in typescript, (channel, name)
