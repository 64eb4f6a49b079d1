#!/usr/bin/env bash
# Regenerates dev.gatun.blas.generated.cblas_h (ffm-bindings/src/main/java/dev/gatun/blas/generated/cblas_h.java)
# with jextract, the build for JDK 25 from https://jdk.java.net/jextract/. jextract is not part of the Maven build:
# the generated source is checked in.
#
# Usage:
#   ffm-bindings/jextract/regenerate.sh            generate into a temporary directory and show the diff against
#                                                  the checked-in file (the diff is exactly the hand edits below)
#   ffm-bindings/jextract/regenerate.sh --replace  overwrite the checked-in file; then re-apply the hand edits
#
# Environment: JEXTRACT (default: jextract on PATH), OPENBLAS_INCLUDE (default: Debian's openblas-pthread headers;
# the headers of the bundled natives jar, org/bytedeco/openblas/linux-x86_64/include, give the same declarations).
#
# Hand edits after generation (each is marked "HAND EDIT" in cblas_h.java; keep them when regenerating):
#   1. SYMBOL_LOOKUP is an instance field set by a public constructor cblas_h(SymbolLookup). Stock jextract builds a
#      static SYMBOL_LOOKUP from --library options; Gatun chooses the library at run time (explicit path, system,
#      bundled) and tests and benchmarks bind several libraries in one JVM.
#   2. Each holder class keeps DESC and an address-less HANDLE = Linker.nativeLinker().downcallHandle(DESC): the
#      downcall stub depends only on the signature, so it is still linked lazily on first use, once for all bound
#      libraries. ADDR becomes a per-instance field <name>$ADDR resolved with findOrThrow in the constructor (a
#      missing symbol fails at bind time) and passed as the handle's first argument. Both handles are static finals,
#      so calls inline as in stock jextract.
#   3. The function wrappers and <name>$address() are instance methods; <name>$descriptor() and <name>$handle() stay
#      static.
#   4. Class and constructor javadoc; @SuppressWarnings({"unused", "restricted"}) for the -Xlint:all build.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
module=$(dirname "$here")
target="$module/src/main/java/dev/gatun/blas/generated/cblas_h.java"
include=${OPENBLAS_INCLUDE:-/usr/include/x86_64-linux-gnu/openblas-pthread}
jextract=${JEXTRACT:-jextract}
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

"$jextract" \
  --output "$out" \
  --target-package dev.gatun.blas.generated \
  --header-class-name cblas_h \
  --include-dir "$include" \
  --include-function cblas_sgemm \
  --include-function cblas_sgemv \
  --include-function cblas_saxpy \
  --include-function cblas_sdot \
  --include-function cblas_snrm2 \
  --include-function cblas_sscal \
  --include-function openblas_set_num_threads \
  --include-function openblas_get_num_threads \
  --include-function openblas_get_config \
  --include-function openblas_get_corename \
  --include-constant CblasRowMajor \
  --include-constant CblasColMajor \
  --include-constant CblasNoTrans \
  --include-constant CblasTrans \
  --include-constant CblasConjTrans \
  "$include/cblas.h" "$include/openblas_config.h"

generated="$out/dev/gatun/blas/generated/cblas_h.java"
if [[ "${1:-}" == "--replace" ]]; then
  cp "$generated" "$target"
  echo "replaced $target: now re-apply the hand edits listed in this script"
else
  diff -u "$generated" "$target" || true
  echo "(diff: stock jextract output -> checked-in file; run with --replace to overwrite)"
fi
