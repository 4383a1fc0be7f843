/* Times OpenBLAS cblas_sgemm on N x N x N float32 (row-major, no transposes) and prints
 * "N GFLOP/s" with the median of several runs, the measure Jit.Benchmarks' `gemm` mode takes.
 * Thread count comes from OPENBLAS_NUM_THREADS, set by tools/bench_gemm_openblas.sh. */
#include <cblas.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec * 1e-9;
}

static int cmp(const void *x, const void *y)
{
    double a = *(const double *)x, b = *(const double *)y;
    return (a > b) - (a < b);
}

int main(int argc, char **argv)
{
    int runs = 7;
    for (int arg = 1; arg < argc; arg++) {
        if (argv[arg][0] == 'r') { runs = atoi(argv[arg] + 1); continue; }
        int n = atoi(argv[arg]);
        float *a = malloc(sizeof(float) * n * n), *b = malloc(sizeof(float) * n * n), *c = malloc(sizeof(float) * n * n);
        srand(1);
        for (long i = 0; i < (long)n * n; i++) {
            a[i] = rand() / (float)RAND_MAX * 2 - 1;
            b[i] = rand() / (float)RAND_MAX * 2 - 1;
        }
        double flops = 2.0 * n * n * n;
        int reps = flops >= 2e8 ? 1 : (int)(2e8 / flops);
        double samples[64];
        if (runs > 64) runs = 64;
        cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, n, n, n, 1.0f, a, n, b, n, 0.0f, c, n);
        for (int r = 0; r < runs; r++) {
            double t0 = now();
            for (int i = 0; i < reps; i++)
                cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, n, n, n, 1.0f, a, n, b, n, 0.0f, c, n);
            samples[r] = flops * reps / (now() - t0) / 1e9;
        }
        qsort(samples, runs, sizeof(double), cmp);
        printf("%d %.1f\n", n, samples[runs / 2]);
        free(a); free(b); free(c);
    }
    return 0;
}
