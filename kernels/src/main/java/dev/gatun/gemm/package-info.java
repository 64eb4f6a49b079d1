/**
 * Float matrix products for Gatun: {@link dev.gatun.gemm.Gemm} (GEMM and GEMV with one entry point) over three
 * {@link dev.gatun.gemm.GemmProvider}s: OpenBLAS through FFM, a pure-Java GEMM on the Vector API (BLIS-style
 * packing and register tiles), and its scalar twin.
 */
package dev.gatun.gemm;
