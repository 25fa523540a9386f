"""Generated JSON Schemas: derived from the blocks, and every exported document validates."""

import json

import pytest
from jsonschema import Draft202012Validator

from cms.publishing.channels import load_channels
from cms.publishing.export import export_channels
from cms.publishing.schema import channel_schemas

from .conftest import read_bytes, read_json, verify_tree

DOCUMENT_SCHEMAS = {
    "index.json": "index.schema.json",
    "manifest.json": "manifest.schema.json",
    "changes.json": "changes.schema.json",
}


def validator(root, channel, name) -> Draft202012Validator:
    schema = read_json(root, channel, f"schema/{name}")
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema, format_checker=Draft202012Validator.FORMAT_CHECKER)


def validate_channel(root, channel) -> int:
    """Validate every file of a channel's export against its schema; return how many."""
    manifest = verify_tree(root, channel)
    checked = 0
    for path in [*manifest["files"], "manifest.json"]:
        if path.startswith("schema/"):
            continue
        name = path.rsplit("/", 1)[-1]
        schema = "article.schema.json" if "/articles/" in path else DOCUMENT_SCHEMAS[name]
        validator(root, channel, schema).validate(read_json(root, channel, path))
        checked += 1
    return checked


@pytest.mark.parametrize("channel", ["web", "app", "partner"])
def test_every_exported_document_validates_against_its_schema(bilingual, export_root, channel):
    export_channels([channel])
    # Articles, one index per locale, the journal and the manifest.
    expected = {"web": 4 + 2 + 2, "app": 4 + 2 + 2, "partner": 1 + 1 + 2}[channel]
    assert validate_channel(export_root, channel) == expected


def test_the_demo_export_validates(seeded, export_root):
    export_channels()  # as scripts/demo runs it
    for channel in ("web", "app", "partner"):
        assert validate_channel(export_root, channel) >= 4


def test_schemas_cover_only_the_channels_block_types():
    schema = channel_schemas(load_channels()["partner"])["article.schema.json"]
    blocks = {key for key in schema["$defs"] if key.endswith("Block")}
    assert blocks == {"IntroBlock", "SectionBlock", "SideEffectsBlock", "DisclaimerBlock"}
    assert "ThreadTypeRow" not in schema["$defs"]
    assert schema["properties"]["summary"]["minLength"] == 1
    assert schema["$id"] == "http://127.0.0.1:8000/exports/partner/schema/article.schema.json"


BREAKAGES = {
    "no disclaimer": lambda doc: doc["blocks"].pop(),
    "two disclaimers": lambda doc: doc["blocks"].append(doc["blocks"][-1]),
    "unknown block type": lambda doc: doc["blocks"][0].update(type="gallery"),
    "absorption above 120 months": lambda doc: doc["blocks"][2]["value"]["rows"][0].update(
        absorption_months_max=500
    ),
    "unknown material": lambda doc: doc["blocks"][2]["value"]["rows"][0].update(material="silk"),
    "empty required name": lambda doc: doc["blocks"][2]["value"]["rows"][0].update(name=""),
    "rich text not html": lambda doc: doc["blocks"][1]["value"].update(body=[]),
    "fallback without reason": lambda doc: doc.update(fallback={"from_locale": "ko"}),
    "no alternates": lambda doc: doc.pop("alternates"),
    "unexpected field": lambda doc: doc.update(author="someone"),
}


def test_schema_rejects_documents_that_break_the_contract(bilingual, export_root):
    export_channels(["web"])
    document = read_json(export_root, "web", "ko/articles/thread-lifting.json")
    assert document["blocks"][2]["type"] == "thread_types"
    check = validator(export_root, "web", "article.schema.json")
    check.validate(document)
    for name, breakage in BREAKAGES.items():
        broken = json.loads(json.dumps(document))
        breakage(broken)
        assert not check.is_valid(broken), name


def test_app_documents_carry_no_markup(bilingual, export_root):
    export_channels(["app"])
    text = read_bytes("app", "ko/articles/thread-lifting.json").decode()
    for tag in ("<p>", "<li>", "<ul>", "<b>", "<a ", "</"):
        assert tag not in text
