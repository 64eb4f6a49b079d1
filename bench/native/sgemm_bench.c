// Reference timing of the system OpenBLAS cblas_sgemm from C, to judge the cost of calling it through FFM
// (GemmBenchmark / FfmOverheadBenchmark): same library, same core type, one thread, row-major, alpha=1, beta=0.
//
// Build: gcc -O2 -o /tmp/sgemm_bench bench/native/sgemm_bench.c -l:libopenblas.so.0
// (the runtime library of Debian's libopenblas0-pthread, which Gatun itself loads: no -dev package, no cblas.h; the
// three functions used are declared below with CBLAS's ABI)
// Run:   /tmp/sgemm_bench [--coretype SKYLAKEX|auto] [--reps 21] [SIZE ...]      (default sizes 256 512)
//
// OpenBLAS picks its kernels when the library loads, before main(), so for --coretype NAME (default SKYLAKEX, what
// Gatun sets on AVX-512 CPUs) the program sets OPENBLAS_CORETYPE and re-executes itself once; --coretype auto leaves
// the environment alone (OpenBLAS's own detection). Prints one JSON line per size:
// {"impl":"c-cblas","core":"SkylakeX","threads":1,"m":256,"n":256,"k":256,"reps":21,"calls_per_rep":..,
//  "median_gflops":..,"best_gflops":..}
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

// From cblas.h: enum values of CBLAS_ORDER and CBLAS_TRANSPOSE, and the prototype of cblas_sgemm.
enum { CblasRowMajor = 101 };
enum { CblasNoTrans = 111 };
extern void cblas_sgemm(int order, int transa, int transb, int m, int n, int k, float alpha, const float *a, int lda,
                        const float *b, int ldb, float beta, float *c, int ldc);
extern char *openblas_get_corename(void);
extern void openblas_set_num_threads(int);

static double now_s(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec + t.tv_nsec * 1e-9;
}

static int cmp_double(const void *a, const void *b) {
    double x = *(const double *) a, y = *(const double *) b;
    return x < y ? -1 : x > y;
}

static void bench(int size, int reps) {
    int m = size, n = size, k = size;
    float *a = aligned_alloc(64, sizeof(float) * ((size_t) m * k + 16));
    float *b = aligned_alloc(64, sizeof(float) * ((size_t) k * n + 16));
    float *c = aligned_alloc(64, sizeof(float) * ((size_t) m * n + 16));
    for (size_t i = 0; i < (size_t) m * k; i++) a[i] = (float) ((i * 7919) % 1000) / 1000.0f - 0.5f;
    for (size_t i = 0; i < (size_t) k * n; i++) b[i] = (float) ((i * 104729) % 1000) / 1000.0f - 0.5f;
    double flops = 2.0 * m * n * k;
    // About 4 GFLOP per rep (40 ms at 100 GFLOP/s): long enough for the clock, short enough to dodge preemption.
    int calls = (int) (4e9 / flops);
    if (calls < 1) calls = 1;
    for (int i = 0; i < calls * 3; i++) {  // warm-up: caches, page faults, OpenBLAS's buffers
        cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, m, n, k, 1.0f, a, k, b, n, 0.0f, c, n);
    }
    double *gflops = malloc(sizeof(double) * reps);
    for (int r = 0; r < reps; r++) {
        double t0 = now_s();
        for (int i = 0; i < calls; i++) {
            cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, m, n, k, 1.0f, a, k, b, n, 0.0f, c, n);
        }
        gflops[r] = flops * calls / (now_s() - t0) / 1e9;
    }
    qsort(gflops, reps, sizeof(double), cmp_double);
    printf("{\"impl\":\"c-cblas\",\"core\":\"%s\",\"threads\":1,\"m\":%d,\"n\":%d,\"k\":%d,\"reps\":%d,"
           "\"calls_per_rep\":%d,\"median_gflops\":%.2f,\"best_gflops\":%.2f,\"check\":%.4f}\n",
           openblas_get_corename(), m, n, k, reps, calls, gflops[reps / 2], gflops[reps - 1],
           c[(size_t) m * n / 2 + 1]);
    fflush(stdout);
    free(gflops);
    free(a);
    free(b);
    free(c);
}

int main(int argc, char **argv) {
    const char *coretype = "SKYLAKEX";
    int reps = 21, sizes[16], nsizes = 0;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--coretype") && i + 1 < argc) {
            coretype = argv[++i];
        } else if (!strcmp(argv[i], "--reps") && i + 1 < argc) {
            reps = atoi(argv[++i]);
        } else if (nsizes < 16 && atoi(argv[i]) > 0) {
            sizes[nsizes++] = atoi(argv[i]);
        } else {
            fprintf(stderr, "usage: %s [--coretype NAME|auto] [--reps N] [SIZE ...]\n", argv[0]);
            return 2;
        }
    }
    if (strcmp(coretype, "auto") != 0) {
        const char *current = getenv("OPENBLAS_CORETYPE");
        if (current == NULL || strcmp(current, coretype) != 0) {
            setenv("OPENBLAS_CORETYPE", coretype, 1);
            execv("/proc/self/exe", argv);
            perror("execv");
            return 1;
        }
    }
    if (reps < 1) reps = 1;
    if (nsizes == 0) {
        sizes[nsizes++] = 256;
        sizes[nsizes++] = 512;
    }
    openblas_set_num_threads(1);
    for (int i = 0; i < nsizes; i++) bench(sizes[i], reps);
    return 0;
}
