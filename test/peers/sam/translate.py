#!/usr/bin/env python3
"""
Regenerates the SAM peer fixtures: translates every template in test/peers/sam/inputs/ with
aws-sam-translator, run from a source checkout of aws/serverless-application-model, and writes
the CloudFormation template it produces (or the error it raises) to test/peers/sam/outputs/.
The test command reads only the outputs, so it needs no Python.

  python3 test/peers/sam/translate.py --sam-source /path/to/serverless-application-model [--sam-revision <commit>]

The translator needs boto3, pydantic (1.10 or 2.x), jsonschema, PyYAML and typing_extensions:
Debian's python3-boto3 python3-pydantic python3-jsonschema python3-yaml python3-typing-extensions
are enough (docs/peer-scenarios.md says how the fixtures were made). The translator reads no AWS
account: the Region and partition of the ARNs it writes come from AWS_DEFAULT_REGION, which this
script sets to us-east-1, and no input uses `Policies` (the only property that asks IAM for
managed policy ARNs).
"""
import argparse
import logging
import json
import os
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent


class NoManagedPolicies:
    """The policy loader the translator asks for `Policies` by name: the inputs use none."""

    def load(self):
        raise RuntimeError("an input uses Policies by managed policy name, which needs IAM; write the ARN instead")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sam-source", required=True, help="a directory holding samtranslator/ (a checkout of aws/serverless-application-model)")
    parser.add_argument("--sam-revision", help="the commit of that checkout, recorded in each fixture (default: git rev-parse HEAD there)")
    args = parser.parse_args()

    os.environ.setdefault("AWS_DEFAULT_REGION", "us-east-1")
    # The translator logs its feature toggles and metrics; the fixtures are what matters.
    logging.disable(logging.WARNING)
    sys.path.insert(0, str(Path(args.sam_source).resolve()))
    import samtranslator  # noqa: E402  (from the checkout, not an installed package)
    from samtranslator.model.exceptions import InvalidDocumentException  # noqa: E402
    from samtranslator.translator.transform import transform  # noqa: E402
    from samtranslator.yaml_helper import yaml_parse  # noqa: E402

    if not Path(samtranslator.__file__).resolve().is_relative_to(Path(args.sam_source).resolve()):
        print(f"samtranslator was imported from {samtranslator.__file__}, not from {args.sam_source}", file=sys.stderr)
        return 1
    revision = args.sam_revision or subprocess.run(
        ["git", "-C", args.sam_source, "rev-parse", "HEAD"], capture_output=True, text=True, check=False).stdout.strip() or "unknown"

    for source in sorted((HERE / "inputs").glob("*.yaml")):
        template = yaml_parse(source.read_text())
        generated_by = {"translator": "aws-sam-translator", "version": samtranslator.__version__, "revision": revision, "input": f"inputs/{source.name}"}
        # The resources the input declares: the user's own, which the comparison calls by their ids.
        declared = sorted(template.get("Resources", {}).keys())
        try:
            output = {"generatedBy": generated_by, "declared": declared, "template": transform(template, {}, NoManagedPolicies())}
        except InvalidDocumentException as error:
            output = {"generatedBy": generated_by, "declared": declared, "error": "; ".join(sorted(cause.message for cause in error.causes))}
        target = HERE / "outputs" / f"{source.stem}.json"
        target.write_text(json.dumps(output, indent=2, sort_keys=True) + "\n")
        print(f"{source.name} -> outputs/{target.name}{' (error)' if 'error' in output else ''}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
