"""Schemas the outputs are checked against: JSON Feed 1.1 as a JSON Schema, written from the specification."""

from __future__ import annotations

import json

import jsonschema_rs

from tests.support.paths import FIXTURES

#: JSON Feed 1.1 (https://www.jsonfeed.org/version/1.1/): required members, their types, RFC 3339 dates,
#: absolute URLs, and no member outside the specification but extensions (``_name``).
JSON_FEED = jsonschema_rs.validator_for(
    json.loads((FIXTURES / "schemas" / "jsonfeed-1.1.schema.json").read_text(encoding="utf-8"))
)
