#!/bin/sh
# Regenerates the FlatBuffers test binaries from their JSON with flatc (Debian: flatbuffers-compiler).
# Usage: tools/make_flatbuffers_fixtures.sh   (from anywhere)
set -eu
dir="$(cd "$(dirname "$0")/../Jit.Tests/fixtures/flatbuffers" && pwd)"
command -v flatc >/dev/null || { echo "flatc not found: apt-get install -y flatbuffers-compiler" >&2; exit 1; }
cd "$dir"
for json in full defaults deep; do
  flatc --binary -o "$dir" test.fbs "$json.json"
done
flatc --binary -o "$dir" struct_union.fbs struct_union.json
# Every default spelled out in the JSON and, with --force-defaults, stored in the binary.
mkdir -p "$dir/forced"
flatc --binary --force-defaults -o "$dir/forced" test.fbs defaults_explicit.json
mv "$dir/forced/defaults_explicit.bin" "$dir/defaults_forced.bin"
rmdir "$dir/forced"
ls -l "$dir"/*.bin
