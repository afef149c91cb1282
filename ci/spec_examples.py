"""Every example of a published spec, with the schema it illustrates.

Shared by the CI checks that read the specs with other languages' tools. An example is
(location, schema, value): media-type `example`/`examples`, parameter and header
`example`/`examples`, and schema `example`s (components and inline), with `$ref`s to
`components/examples` resolved.
"""

import json


def load(path):
    with open(path, encoding="utf-8") as f:
        return json.load(f)


def _resolve(doc, node):
    while isinstance(node, dict) and "$ref" in node:
        ref = node["$ref"]
        assert ref.startswith("#/"), ref
        for part in ref[2:].split("/"):
            node = node[part.replace("~1", "/").replace("~0", "~")]
    return node


def _holder_examples(doc, at, holder):
    schema = holder.get("schema")
    if schema is None:
        return
    if "example" in holder:
        yield f"{at}.example", schema, holder["example"]
    for name, example in (holder.get("examples") or {}).items():
        example = _resolve(doc, example)
        if "value" in example:
            yield f"{at}.examples.{name}", schema, example["value"]


def _schema_examples(at, schema):
    """`example`s inside a schema and its subschemas."""
    if not isinstance(schema, dict) or "$ref" in schema:
        return
    if "example" in schema:
        yield f"{at}.example", schema, schema["example"]
    for key in ("properties",):
        for name, sub in (schema.get(key) or {}).items():
            yield from _schema_examples(f"{at}.{key}.{name}", sub)
    for key in ("items", "additionalProperties", "not"):
        if isinstance(schema.get(key), dict):
            yield from _schema_examples(f"{at}.{key}", schema[key])
    for key in ("allOf", "anyOf", "oneOf"):
        for i, sub in enumerate(schema.get(key) or []):
            yield from _schema_examples(f"{at}.{key}[{i}]", sub)


def _holders(doc):
    """(location, object with `schema`): parameters, headers, request and response media types."""
    components = doc.get("components", {})
    for name, param in components.get("parameters", {}).items():
        yield f"components.parameters.{name}", param
    for name, header in components.get("headers", {}).items():
        yield f"components.headers.{name}", header
    for name, response in components.get("responses", {}).items():
        for media, content in (response.get("content") or {}).items():
            yield f"components.responses.{name}.content.{media}", content
    operations = []
    for path, item in doc.get("paths", {}).items():
        operations.append((f"paths.{path}", item))
    for name, item in (doc.get("x-webhooks") or {}).items():
        operations.append((f"x-webhooks.{name}", item))
    for at, item in operations:
        for param in item.get("parameters", []):
            if "$ref" not in param:
                yield f"{at}.parameters.{param['name']}", param
        for method, op in item.items():
            if method == "parameters" or not isinstance(op, dict):
                continue
            where = f"{at}.{method}"
            for param in op.get("parameters", []):
                if "$ref" not in param:
                    yield f"{where}.parameters.{param['name']}", param
            body = op.get("requestBody")
            if body and "$ref" not in body:
                for media, content in (body.get("content") or {}).items():
                    yield f"{where}.requestBody.content.{media}", content
            for status, response in (op.get("responses") or {}).items():
                if "$ref" in response:
                    continue
                for media, content in (response.get("content") or {}).items():
                    yield f"{where}.responses.{status}.content.{media}", content
                for name, header in (response.get("headers") or {}).items():
                    if "$ref" not in header:
                        yield f"{where}.responses.{status}.headers.{name}", header


def examples(doc):
    """Yields (location, schema, value) for every example in `doc`."""
    for at, holder in _holders(doc):
        yield from _holder_examples(doc, at, holder)
    for name, schema in doc.get("components", {}).get("schemas", {}).items():
        yield from _schema_examples(f"components.schemas.{name}", schema)
