"""The JSON Schema (draft 2020-12) of the claim record, kept next to the code as
`claim.schema.json`: `claimx schema` prints it, and the tests validate every record they see
against it. Loaded on demand; nothing here runs at import time."""
from __future__ import annotations

import json
from importlib import resources

FILENAME = "claim.schema.json"


def claim_schema_text() -> str:
    """The schema file exactly as shipped (UTF-8 text)."""
    return resources.files(__name__).joinpath(FILENAME).read_text(encoding="utf-8")


def claim_schema() -> dict:
    """The schema as a dict, ready for `jsonschema`."""
    return json.loads(claim_schema_text())
