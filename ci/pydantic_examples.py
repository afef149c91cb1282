"""Generates Python (pydantic v2) models from each published spec with datamodel-code-generator,
then validates every example whose schema is a component against the generated model.

A second language's generator reading the specs as we mean them: an example the models reject
means the spec says something other generators read differently. One line per failure; exit
status 1 if any fails.

usage: python ci/pydantic_examples.py <out dir> openapi/published/razorpay.json ...
"""

import importlib.util
import pathlib
import subprocess
import sys

import pydantic

import spec_examples

COMPONENT = "#/components/schemas/"


def generate(spec, out):
    subprocess.run(
        [
            sys.executable, "-m", "datamodel_code_generator",
            "--input", str(spec), "--input-file-type", "openapi",
            "--output", str(out), "--output-model-type", "pydantic_v2.BaseModel",
            "--disable-timestamp", "--formatters", "black",
        ],
        check=True,
    )
    module_spec = importlib.util.spec_from_file_location(out.stem, out)
    module = importlib.util.module_from_spec(module_spec)
    sys.modules[out.stem] = module
    module_spec.loader.exec_module(module)
    return module


def model_for(schema, at):
    """The component a schema names: a `$ref`, or the component whose own example this is."""
    ref = schema.get("$ref", "")
    if ref.startswith(COMPONENT):
        return ref[len(COMPONENT):]
    parts = at.split(".")
    if parts[:2] == ["components", "schemas"] and len(parts) == 4 and parts[3] == "example":
        return parts[2]
    return None


def main(out_dir, paths):
    out_dir = pathlib.Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    failures = checked = skipped = 0
    for path in paths:
        spec = pathlib.Path(path)
        module = generate(spec, out_dir / f"{spec.stem}_models.py")
        doc = spec_examples.load(spec)
        here = 0
        for at, schema, value in spec_examples.examples(doc):
            name = model_for(schema, at)
            if name is None:
                skipped += 1  # an inline schema: datamodel-code-generator names no model for it
                continue
            model = getattr(module, name, None)
            if model is None:
                failures += 1
                print(f"{path}: {at}: no generated model named {name}")
                continue
            here += 1
            try:
                # A TypeAdapter validates every kind of generated type alike: models, root
                # models and the `Enum` classes made for closed string sets.
                pydantic.TypeAdapter(model).validate_python(value)
            except pydantic.ValidationError as e:  # every error listed
                failures += 1
                first = str(e).splitlines()[:3]
                print(f"{path}: {at}: {name}: {' | '.join(first)}")
        checked += here
        print(f"{path}: {here} examples validated with generated pydantic models")
    print(f"pydantic_examples: {checked} examples, {failures} failing, {skipped} with inline schemas not checked")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2:]))
