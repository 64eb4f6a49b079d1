#!/usr/bin/env bash
# Rebuilds the text `gatun demo` trains on by default: the README and a selection of Gatun's own Java sources,
# about 250 KB, so the demo needs no download. Run from the repository root; commit the result.
set -euo pipefail
out=cli/src/main/resources/dev/gatun/cli/train/demo-corpus.txt
limit=250000
tmp=$(mktemp)
cat README.md > "$tmp"
for f in $(find autograd/src/main/java/dev/gatun/autograd kernels/src/main/java/dev/gatun/kernels -name '*.java' \
             -not -path '*/generated/*' | sort); do
  [ "$(wc -c < "$tmp")" -ge "$limit" ] && break
  printf '\n' >> "$tmp"
  cat "$f" >> "$tmp"
done
head -c "$limit" "$tmp" | sed '$d' > "$out"   # whole lines: never cut a UTF-8 character
rm -f "$tmp"
echo "wrote $out ($(wc -c < "$out") bytes)"
