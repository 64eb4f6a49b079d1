/**
 * Generated OpenBLAS bindings (jextract output plus the hand edits listed in {@code cblas_h}). Not edited otherwise;
 * regenerate with {@code ffm-bindings/jextract/regenerate.sh}. The hand-written {@code dev.gatun.blas} package owns
 * library loading, arenas and argument checks.
 */
package dev.gatun.blas.generated;
