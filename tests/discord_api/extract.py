"""Extract, from Discord's OpenAPI description, the request schema of the bulk-overwrite PUT of
application commands and every schema it refers to, into application_commands.json.

    python tests/discord_api/extract.py path/to/openapi.json

The input is specs/openapi.json of github.com/discord/discord-api-spec (MIT, LICENSE beside
this file). The output keeps the original `#/components/schemas/...` references, so it
validates as a JSON Schema 2020-12 document (OpenAPI 3.1's dialect) once registered.
"""

from __future__ import annotations

import hashlib
import json
import sys
from pathlib import Path

OPERATION = ("/applications/{application_id}/commands", "put")
GUILD_OPERATION = ("/applications/{application_id}/guilds/{guild_id}/commands", "put")
OUTPUT = Path(__file__).with_name("application_commands.json")
URI = "urn:discord-api-spec:application-commands"


def referenced(node: object, schemas: dict, found: dict) -> None:
    """Add to `found` every component schema `node` refers to, transitively."""
    if isinstance(node, dict):
        ref = node.get("$ref", "")
        name = ref.removeprefix("#/components/schemas/")
        if name != ref and name not in found:
            found[name] = schemas[name]
            referenced(schemas[name], schemas, found)
        for value in node.values():
            referenced(value, schemas, found)
    elif isinstance(node, list):
        for value in node:
            referenced(value, schemas, found)


def request_schema(spec: dict, path: str, method: str) -> dict:
    return spec["paths"][path][method]["requestBody"]["content"]["application/json"]["schema"]


def extract(spec_path: Path) -> dict:
    raw = spec_path.read_bytes()
    spec = json.loads(raw)
    path = OPERATION[0]
    request = request_schema(spec, *OPERATION)
    if request_schema(spec, *GUILD_OPERATION) != request:
        sys.exit("The global and guild bulk-overwrite requests differ now: extract both.")
    found: dict = {}
    referenced(request, spec["components"]["schemas"], found)
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": URI,
        "$comment": (
            f"Extracted by tests/discord_api/extract.py from Discord's OpenAPI description "
            f"(version {spec['info']['version']}, sha256 {hashlib.sha256(raw).hexdigest()[:16]}): "
            f"the request body of PUT {path} (the guild PUT takes the same). MIT licence: see LICENSE beside this file."
        ),
        "request": request,
        "components": {"schemas": dict(sorted(found.items()))},
    }


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: extract.py path/to/openapi.json")
    OUTPUT.write_text(json.dumps(extract(Path(sys.argv[1])), indent=1, ensure_ascii=False) + "\n")
    print(f"wrote {OUTPUT}")
