/**
 * OpenBLAS through the Foreign Function and Memory API.
 *
 * <ul>
 *   <li>{@link dev.gatun.blas.Blas}: the static facade the kernels use (checked row-major float BLAS on native
 *       segments, decided once which library to use);</li>
 *   <li>{@link dev.gatun.blas.BlasLibrary}: one loaded library, for holding several side by side;</li>
 *   <li>{@link dev.gatun.blas.BlasInfo}: which library, from where, with which core type and threads;</li>
 *   <li>{@link dev.gatun.blas.BlasChecks}: the argument checks, shared with the pure-Java GEMM.</li>
 * </ul>
 *
 * <p>The raw bindings are generated ({@code dev.gatun.blas.generated.cblas_h}); this package owns library loading,
 * arenas and validation.
 */
package dev.gatun.blas;
