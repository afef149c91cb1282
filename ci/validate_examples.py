"""Validates every example of the published specs with an independent OpenAPI 3.0 validator.

openapi-schema-validator's OAS30Validator reads schemas with OpenAPI 3.0.3 semantics (`nullable`
only beside `type`), the reading other languages' tools apply. One line per failing example;
exit status 1 if any fails.

usage: python ci/validate_examples.py openapi/published/razorpay.json ...
"""

import sys

from openapi_schema_validator import OAS30Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT4

import spec_examples


def main(paths):
    failures = 0
    total = 0
    for path in paths:
        doc = spec_examples.load(path)
        registry = Registry().with_resource(
            "urn:spec", Resource.from_contents(doc, default_specification=DRAFT4)
        )
        checked = 0
        for at, schema, value in spec_examples.examples(doc):
            # Relative `$ref`s in the schema resolve against the whole document.
            root = {"allOf": [schema]} if "$ref" not in schema else schema
            root = _rebase(root)
            validator = OAS30Validator(root, registry=registry)
            errors = sorted(validator.iter_errors(value), key=lambda e: list(e.absolute_path))
            checked += 1
            if errors:
                failures += 1
                first = errors[0]
                where = "/".join(str(p) for p in first.absolute_path)
                print(f"{path}: {at}: at /{where}: {first.message}")
        print(f"{path}: {checked} examples checked with OAS30Validator")
        total += checked
    print(f"validate_examples: {total} examples, {failures} failing")
    return 1 if failures else 0


def _rebase(schema):
    """Points `#/...` references at the registered document."""
    if isinstance(schema, dict):
        return {
            k: (f"urn:spec{v}" if k == "$ref" and isinstance(v, str) and v.startswith("#") else _rebase(v))
            for k, v in schema.items()
        }
    if isinstance(schema, list):
        return [_rebase(v) for v in schema]
    return schema


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
