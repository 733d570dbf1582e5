/*
 * The hot loops of forkline's opaque resize, blur and sharpen, for
 * dev.forkline.workers.image.filter.NativeFilters: the same arithmetic as the Java code they stand
 * in for (FixedPoint.columnsFirst, FloatImage.convolveOpaque with Blur's and Sharpen's row sinks),
 * in the same order, so the pixels are bit for bit the same (NativeFiltersTest compares them).
 *
 * Why native: in a fresh JVM, HotSpot's C2 spent 3.6 s compiling these loops (each several times:
 * on-stack replacement at more than one loop, then the whole method) during a 200-image run of 6 s
 * on 2 cores, and ran them in slower tiers until it was done. Each worker JVM of the process pool
 * pays that again. Compiled ahead of time, they run at full speed from the first image.
 *
 * Exactness: ints wrap as Java's do (-fwrapv) and shift right arithmetically (gcc); floats are
 * IEEE single precision with no fused multiply-add (-ffp-contract=off) and no reordering (no
 * -ffast-math), each sum taken in the Java code's order. Vectorizing across pixels keeps each
 * pixel's order of operations.
 *
 * Built by build.sh when Maven packages the workers module; needs only gcc and the JDK's headers.
 */
#include <jni.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__)
/* The two passes, with the loops inlined into them, in AVX2 where the CPU has it and in SSE2
 * elsewhere; chosen once at load (an ifunc). */
#define HOT __attribute__((target_clones("avx2", "default")))
#else
#define HOT
#endif

/* ------------------------------------------------------------------ resize (FixedPoint) */

#define BITS 15
#define FRACTION 6

static inline void split(const jint *p, jint *r, jint *g, jint *b, int n) {
  for (int x = 0; x < n; x++) {
    unsigned c = (unsigned)p[x];
    r[x] = (c >> 16) & 0xFF;
    g[x] = (c >> 8) & 0xFF;
    b[x] = c & 0xFF;
  }
}

static inline void sum4(jint w0, jint w1, jint w2, jint w3, const jint *restrict s0,
                     const jint *restrict s1, const jint *restrict s2, const jint *restrict s3,
                     jint *restrict d, int n) {
  for (int i = 0; i < n; i++) {
    d[i] += w0 * s0[i] + w1 * s1[i] + w2 * s2[i] + w3 * s3[i];
  }
}

static inline void sum1(jint w0, const jint *restrict s0, jint *restrict d, int n) {
  for (int i = 0; i < n; i++) {
    d[i] += w0 * s0[i];
  }
}

static inline jint clamp_int(jint v) { return v < 0 ? 0 : (v > 255 ? 255 : v); }

static inline void horizontal(const jint *r, const jint *g, const jint *b, const jint *xstart,
                       const jint *xcount, int xstride, const jint *cx, jint *out, int dstW) {
  const int shift = BITS + FRACTION;
  const jint half = 1 << (shift - 1);
  for (int x = 0; x < dstW; x++) {
    int s = xstart[x];
    const jint *c = cx + (size_t)x * xstride;
    jint sr = half, sg = half, sb = half;
    for (int k = 0, n = xcount[x]; k < n; k++) {
      sr += c[k] * r[s + k];
      sg += c[k] * g[s + k];
      sb += c[k] * b[s + k];
    }
    out[x] = (jint)(0xFF000000u | (unsigned)clamp_int(sr >> shift) << 16 |
                    (unsigned)clamp_int(sg >> shift) << 8 | (unsigned)clamp_int(sb >> shift));
  }
}

/*
 * FixedPoint.columnsFirst after its weights are quantized: jsrc (w x h, opaque ARGB) to jout (dstW
 * x dstH). Rows are copied in and out one at a time (Get/SetIntArrayRegion), never pinned: a pinned
 * array holds off the garbage collector of every other thread for as long as it is pinned. Returns
 * 0, or -1 with a Java exception pending.
 */
HOT static int resize(JNIEnv *env, jintArray jsrc, int w, const jint *ystart, const jint *ycount,
                      int ystride, const jint *cy, const jint *xstart, const jint *xcount,
                      int xstride, const jint *cx, jintArray jout, int dstW, int dstH, int cap,
                      jint *mem) {
  /* mem: cap * 3 ring rows, 3 accumulator rows and a source row, each w ints; an output row. */
  jint *ring = mem;
  jint *acc = mem + (size_t)cap * 3 * w;
  jint *row = acc + (size_t)3 * w;
  jint *orow = row + w;
  const jint half = 1 << (BITS - FRACTION - 1);
  int loaded = -1;
  for (int y = 0; y < dstH; y++) {
    int s = ystart[y];
    int n = ycount[y];
    while (loaded < s + n - 1) {
      loaded++;
      (*env)->GetIntArrayRegion(env, jsrc, (jsize)loaded * w, w, row);
      if ((*env)->ExceptionCheck(env)) {
        return -1;
      }
      jint *r = ring + (size_t)(loaded % cap) * 3 * w;
      split(row, r, r + w, r + 2 * (size_t)w, w);
    }
    const jint *wy = cy + (size_t)y * ystride;
    for (int c = 0; c < 3; c++) {
      jint *a = acc + (size_t)c * w;
      for (int i = 0; i < w; i++) {
        a[i] = half;
      }
      int k = 0;
      for (; k + 4 <= n; k += 4) {
        const jint *rows[4];
        for (int j = 0; j < 4; j++) {
          rows[j] = ring + ((size_t)((s + k + j) % cap) * 3 + c) * w;
        }
        sum4(wy[k], wy[k + 1], wy[k + 2], wy[k + 3], rows[0], rows[1], rows[2], rows[3], a, w);
      }
      for (; k < n; k++) {
        sum1(wy[k], ring + ((size_t)((s + k) % cap) * 3 + c) * w, a, w);
      }
      for (int i = 0; i < w; i++) {
        a[i] >>= BITS - FRACTION;
      }
    }
    horizontal(acc, acc + w, acc + 2 * (size_t)w, xstart, xcount, xstride, cx, orow, dstW);
    (*env)->SetIntArrayRegion(env, jout, (jsize)y * dstW, dstW, orow);
    if ((*env)->ExceptionCheck(env)) {
      return -1;
    }
  }
  return 0;
}

/*
 * NativeFilters.resize0. The Java side has checked every index against the image (NativeFilters
 * .fits): starts and counts for dstH rows and dstW columns, weights for dst x stride.
 */
JNIEXPORT jint JNICALL Java_dev_forkline_workers_image_filter_NativeFilters_resize0(
    JNIEnv *env, jclass cls, jintArray jsrc, jint w, jint h, jintArray jout, jint dstW, jint dstH,
    jintArray jystart, jintArray jycount, jint ystride, jintArray jcy, jintArray jxstart,
    jintArray jxcount, jint xstride, jintArray jcx) {
  (void)cls;
  (void)h;
  size_t ncy = (size_t)dstH * ystride;
  size_t ncx = (size_t)dstW * xstride;
  size_t small = (size_t)dstH * 2 + (size_t)dstW * 2 + ncy + ncx;
  jint *weights = malloc(small * sizeof(jint));
  if (weights == NULL) {
    return -1;
  }
  jint *ystart = weights, *ycount = ystart + dstH, *cy = ycount + dstH;
  jint *xstart = cy + ncy, *xcount = xstart + dstW, *cx = xcount + dstW;
  (*env)->GetIntArrayRegion(env, jystart, 0, dstH, ystart);
  (*env)->GetIntArrayRegion(env, jycount, 0, dstH, ycount);
  (*env)->GetIntArrayRegion(env, jcy, 0, (jsize)ncy, cy);
  (*env)->GetIntArrayRegion(env, jxstart, 0, dstW, xstart);
  (*env)->GetIntArrayRegion(env, jxcount, 0, dstW, xcount);
  (*env)->GetIntArrayRegion(env, jcx, 0, (jsize)ncx, cx);
  if ((*env)->ExceptionCheck(env)) {
    free(weights);
    return -1;
  }
  int cap = 0;
  for (jint i = 0; i < dstH; i++) {
    if (ycount[i] > cap) {
      cap = ycount[i];
    }
  }
  cap += 1;
  jint *mem = malloc((((size_t)cap * 3 + 4) * (size_t)w + (size_t)dstW) * sizeof(jint));
  if (mem == NULL) {
    free(weights);
    return -1;
  }
  int rc = resize(env, jsrc, w, ystart, ycount, ystride, cy, xstart, xcount, xstride, cx, jout,
                  dstW, dstH, cap, mem);
  free(mem);
  free(weights);
  return rc;
}

/* ------------------------------------------------- blur and sharpen (convolveOpaque) */

static inline void axpy(float a, const float *restrict src, float *restrict dst, int n) {
  for (int i = 0; i < n; i++) {
    dst[i] += a * src[i];
  }
}

static inline jint clamp_float(float v) {
  if (!(v > 0.0f)) {
    return 0;
  }
  if (v >= 254.5f) {
    return 255;
  }
  return (jint)(v + 0.5f);
}

/* Sharpen.channel: v pushed away from its blurred value by amount, unless within threshold. */
static inline jint sharpen_channel(jint v, float blurred, float amount, jint threshold) {
  float diff = (float)v - blurred;
  if (isnan(diff) || fabsf(diff) < (float)threshold) {
    return v;
  }
  return clamp_float((float)v + amount * diff);
}

#define MODE_BLUR 0
#define MODE_SHARPEN 1

/*
 * FloatImage.convolveOpaque(in, k, k, sink) with Blur's (mode 0) or Sharpen's (mode 1) sink, from
 * jsrc (w x h) into jout. Rows are copied in and out one at a time, never pinned (see resize).
 * mem: cap * 3 ring rows of w, 3 padded rows of w + 2 * radius, 3 sum rows of w (floats); rows:
 * a source row and an output row (ints). Returns 0, or -1 with a Java exception pending.
 */
HOT static int convolve(JNIEnv *env, jintArray jsrc, int w, int h, const float *k, int klen,
                        int mode, float amount, jint threshold, jintArray jout, float *mem,
                        jint *rows) {
  int r = klen / 2;
  int cap = h < klen ? h : klen;
  int pw = w + 2 * r;
  float *ring = mem;
  float *padded = ring + (size_t)cap * 3 * w;
  float *acc = padded + (size_t)3 * pw;
  jint *row = rows;
  jint *o = rows + w;
  int loaded = 0;
  for (int y = 0; y < h; y++) {
    int last = y + r < h - 1 ? y + r : h - 1;
    for (; loaded <= last; loaded++) {
      (*env)->GetIntArrayRegion(env, jsrc, (jsize)loaded * w, w, row);
      if ((*env)->ExceptionCheck(env)) {
        return -1;
      }
      float *p0 = padded, *p1 = padded + pw, *p2 = padded + 2 * (size_t)pw;
      for (int x = 0; x < w; x++) {
        unsigned c = (unsigned)row[x];
        p0[r + x] = (float)((c >> 16) & 0xFF);
        p1[r + x] = (float)((c >> 8) & 0xFF);
        p2[r + x] = (float)(c & 0xFF);
      }
      for (int c = 0; c < 3; c++) {
        float *p = padded + (size_t)c * pw;
        for (int i = 0; i < r; i++) {
          p[i] = p[r];
          p[r + w + i] = p[r + w - 1];
        }
        float *d = ring + ((size_t)(loaded % cap) * 3 + c) * w;
        memset(d, 0, (size_t)w * sizeof(float));
        for (int t = 0; t < klen; t++) {
          axpy(k[t], p + t, d, w);
        }
      }
    }
    for (int c = 0; c < 3; c++) {
      float *sum = acc + (size_t)c * w;
      memset(sum, 0, (size_t)w * sizeof(float));
      for (int t = 0; t < klen; t++) {
        int sy = y + t - r;
        sy = sy < 0 ? 0 : (sy > h - 1 ? h - 1 : sy);
        axpy(k[t], ring + ((size_t)(sy % cap) * 3 + c) * w, sum, w);
      }
    }
    const float *br = acc, *bg = acc + w, *bb = acc + 2 * (size_t)w;
    if (mode == MODE_BLUR) {
      for (int x = 0; x < w; x++) {
        o[x] = (jint)(0xFF000000u | (unsigned)clamp_float(br[x]) << 16 |
                      (unsigned)clamp_float(bg[x]) << 8 | (unsigned)clamp_float(bb[x]));
      }
    } else {
      (*env)->GetIntArrayRegion(env, jsrc, (jsize)y * w, w, row); /* the row being sharpened */
      if ((*env)->ExceptionCheck(env)) {
        return -1;
      }
      for (int x = 0; x < w; x++) {
        unsigned c = (unsigned)row[x];
        jint rr = sharpen_channel((c >> 16) & 0xFF, br[x], amount, threshold);
        jint gg = sharpen_channel((c >> 8) & 0xFF, bg[x], amount, threshold);
        jint bb2 = sharpen_channel(c & 0xFF, bb[x], amount, threshold);
        o[x] = (jint)(0xFF000000u | (unsigned)rr << 16 | (unsigned)gg << 8 | (unsigned)bb2);
      }
    }
    (*env)->SetIntArrayRegion(env, jout, (jsize)y * w, w, o);
    if ((*env)->ExceptionCheck(env)) {
      return -1;
    }
  }
  return 0;
}

/* NativeFilters.convolve0; the Java side has checked the kernel (odd length) and the arrays. */
JNIEXPORT jint JNICALL Java_dev_forkline_workers_image_filter_NativeFilters_convolve0(
    JNIEnv *env, jclass cls, jintArray jsrc, jint w, jint h, jfloatArray jk, jint mode,
    jfloat amount, jint threshold, jintArray jout) {
  (void)cls;
  jsize klen = (*env)->GetArrayLength(env, jk);
  int r = klen / 2;
  int cap = h < klen ? h : klen;
  float *k = malloc((size_t)klen * sizeof(float));
  float *mem = malloc(((size_t)cap * 3 * w + (size_t)3 * (w + 2 * (size_t)r) + (size_t)3 * w) *
                      sizeof(float));
  jint *rows = malloc((size_t)2 * w * sizeof(jint));
  if (k == NULL || mem == NULL || rows == NULL) {
    free(k);
    free(mem);
    free(rows);
    return -1;
  }
  (*env)->GetFloatArrayRegion(env, jk, 0, klen, k);
  int rc = (*env)->ExceptionCheck(env)
               ? -1
               : convolve(env, jsrc, w, h, k, klen, mode, amount, threshold, jout, mem, rows);
  free(rows);
  free(mem);
  free(k);
  return rc;
}
