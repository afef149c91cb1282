#!/usr/bin/env bash
# What building paygate costs, from scratch and after typical edits, in a private target
# directory (the checkout's own `target/` is left alone). Prints a markdown table for
# BENCHMARKS.md. Takes several minutes: it builds everything from nothing twice.
#
#   bash scripts/build-cost.sh
set -euo pipefail
cd "$(dirname "$0")/.."
scratch=$(mktemp -d)
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$scratch/target}"
# The two files edited below are put back as they were, uncommitted changes included.
saved=$(mktemp -d)
cp openapi/razorpay.yaml src/lib.rs "$saved/"
trap 'cp "$saved/razorpay.yaml" openapi/razorpay.yaml; cp "$saved/lib.rs" src/lib.rs; rm -rf "$scratch" "$saved"' EXIT

seconds() { local start=$SECONDS; "$@" >/dev/null 2>&1; echo $((SECONDS - start)); }

clean_lib=$(seconds cargo build -p paygate)
# The same from nothing with rustls on ring instead of aws-lc (the `rustls-ring` feature).
ring_target="$scratch/ring"
clean_lib_ring=$(CARGO_TARGET_DIR="$ring_target" seconds cargo build -p paygate \
  --no-default-features --features razorpay,ippopay,rustls-ring)
rm -rf "$ring_target"
# A one-line spec edit (a description): build.rs regenerates and the crate recompiles.
sed -i '0,/description: Unique id of the payment/s//description: Unique id of the payment (edited)/' openapi/razorpay.yaml
spec_edit=$(seconds cargo build -p paygate)
cp "$saved/razorpay.yaml" openapi/razorpay.yaml
cargo build -p paygate >/dev/null 2>&1
echo '// edited' >> src/lib.rs
src_edit=$(seconds cargo build -p paygate)
cp "$saved/lib.rs" src/lib.rs
rm -rf "$CARGO_TARGET_DIR"
clean_tests=$(seconds cargo test --workspace --no-run)
razorpay_lines=$(wc -l < "$(ls -t "$CARGO_TARGET_DIR"/debug/build/paygate-*/out/razorpay.rs | head -1)")
ippopay_lines=$(wc -l < "$(ls -t "$CARGO_TARGET_DIR"/debug/build/paygate-*/out/ippopay.rs | head -1)")

echo "| what | result |"
echo "| --- | ---: |"
echo "| clean build of the library (\`cargo build -p paygate\`) | ${clean_lib} s |"
echo "| the same with \`--no-default-features --features razorpay,ippopay,rustls-ring\` | ${clean_lib_ring} s |"
echo "| rebuild after a one-line spec edit | ${spec_edit} s |"
echo "| rebuild after a one-line \`src/\` edit | ${src_edit} s |"
echo "| clean \`cargo test --workspace --no-run\` | ${clean_tests} s |"
echo "| generated lines, razorpay.yaml / ippopay.yaml | ${razorpay_lines} / ${ippopay_lines} |"
