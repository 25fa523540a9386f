"""The contract client stays independent: it imports nothing from the project."""

import ast
from pathlib import Path

CLIENT = Path(__file__).with_name("client.py")


def test_the_client_imports_only_the_standard_library_httpx_and_jsonschema():
    tree = ast.parse(CLIENT.read_text(encoding="utf-8"))
    imported = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            imported |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            imported.add((node.module or "").split(".")[0])
    standard = {"__future__", "dataclasses", "hashlib", "hmac", "json", "time", "typing"}
    third_party = imported - standard
    assert third_party == {"httpx", "jsonschema"}
