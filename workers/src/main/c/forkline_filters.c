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
 * FixedPoint.columnsFirst after its weights are quantized: src (w x h, opaque ARGB) to out (dstW x
 * dstH). Returns 0, or -1 when memory ran out (the Java path then runs).
 */
HOT static int resize(const jint *src, int w, const jint *ystart, const jint *ycount, int ystride,
                  const jint *cy, const jint *xstart, const jint *xcount, int xstride,
                  const jint *cx, jint *out, int dstW, int dstH, int cap, jint *mem) {
  /* mem: cap * 3 ring rows, then 3 accumulator rows, each w ints. */
  jint *ring = mem;
  jint *acc = mem + (size_t)cap * 3 * w;
  const jint half = 1 << (BITS - FRACTION - 1);
  int loaded = -1;
  for (int y = 0; y < dstH; y++) {
    int s = ystart[y];
    int n = ycount[y];
    while (loaded < s + n - 1) {
      loaded++;
      jint *r = ring + (size_t)(loaded % cap) * 3 * w;
      split(src + (size_t)loaded * w, r, r + w, r + 2 * (size_t)w, w);
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
    horizontal(acc, acc + w, acc + 2 * (size_t)w, xstart, xcount, xstride, cx,
               out + (size_t)y * dstW, dstW);
  }
  return 0;
}

JNIEXPORT jint JNICALL Java_dev_forkline_workers_image_filter_NativeFilters_resize0(
    JNIEnv *env, jclass cls, jintArray jsrc, jint w, jint h, jintArray jout, jint dstW, jint dstH,
    jintArray jystart, jintArray jycount, jint ystride, jintArray jcy, jintArray jxstart,
    jintArray jxcount, jint xstride, jintArray jcx) {
  (void)cls;
  (void)h;
  jsize ny = (*env)->GetArrayLength(env, jystart);
  jsize nx = (*env)->GetArrayLength(env, jxstart);
  jsize ncy = (*env)->GetArrayLength(env, jcy);
  jsize ncx = (*env)->GetArrayLength(env, jcx);
  int cap = 0;
  /* The weights first, copied out: small, and no JNI calls may come inside a critical region. */
  size_t small = (size_t)ny * 2 + (size_t)nx * 2 + (size_t)ncy + (size_t)ncx;
  jint *weights = malloc(small * sizeof(jint));
  if (weights == NULL) {
    return -1;
  }
  jint *ystart = weights, *ycount = ystart + ny, *cy = ycount + ny;
  jint *xstart = cy + ncy, *xcount = xstart + nx, *cx = xcount + nx;
  (*env)->GetIntArrayRegion(env, jystart, 0, ny, ystart);
  (*env)->GetIntArrayRegion(env, jycount, 0, ny, ycount);
  (*env)->GetIntArrayRegion(env, jcy, 0, ncy, cy);
  (*env)->GetIntArrayRegion(env, jxstart, 0, nx, xstart);
  (*env)->GetIntArrayRegion(env, jxcount, 0, nx, xcount);
  (*env)->GetIntArrayRegion(env, jcx, 0, ncx, cx);
  for (jsize i = 0; i < ny; i++) {
    if (ycount[i] > cap) {
      cap = ycount[i];
    }
  }
  cap += 1;
  jint *mem = malloc(((size_t)cap * 3 + 3) * (size_t)w * sizeof(jint));
  if (mem == NULL) {
    free(weights);
    return -1;
  }
  jint *src = (*env)->GetPrimitiveArrayCritical(env, jsrc, NULL);
  jint *out = src == NULL ? NULL : (*env)->GetPrimitiveArrayCritical(env, jout, NULL);
  int rc = -1;
  if (out != NULL) {
    rc = resize(src, w, ystart, ycount, ystride, cy, xstart, xcount, xstride, cx, out, dstW, dstH,
                cap, mem);
  }
  if (out != NULL) {
    (*env)->ReleasePrimitiveArrayCritical(env, jout, out, 0);
  }
  if (src != NULL) {
    (*env)->ReleasePrimitiveArrayCritical(env, jsrc, src, JNI_ABORT);
  }
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
 * FloatImage.convolveOpaque(in, k, k, sink) with Blur's (mode 0) or Sharpen's (mode 1) sink.
 * mem: cap * 3 ring rows of w, 3 padded rows of w + 2 * radius, 3 output rows of w (floats).
 */
HOT static void convolve(const jint *src, int w, int h, const float *k, int klen, int mode,
                     float amount, jint threshold, jint *out, float *mem) {
  int r = klen / 2;
  int cap = h < klen ? h : klen;
  int pw = w + 2 * r;
  float *ring = mem;
  float *padded = ring + (size_t)cap * 3 * w;
  float *acc = padded + (size_t)3 * pw;
  int loaded = 0;
  for (int y = 0; y < h; y++) {
    int last = y + r < h - 1 ? y + r : h - 1;
    for (; loaded <= last; loaded++) {
      const jint *row = src + (size_t)loaded * w;
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
      float *o = acc + (size_t)c * w;
      memset(o, 0, (size_t)w * sizeof(float));
      for (int t = 0; t < klen; t++) {
        int sy = y + t - r;
        sy = sy < 0 ? 0 : (sy > h - 1 ? h - 1 : sy);
        axpy(k[t], ring + ((size_t)(sy % cap) * 3 + c) * w, o, w);
      }
    }
    const float *br = acc, *bg = acc + w, *bb = acc + 2 * (size_t)w;
    const jint *in = src + (size_t)y * w;
    jint *o = out + (size_t)y * w;
    if (mode == MODE_BLUR) {
      for (int x = 0; x < w; x++) {
        o[x] = (jint)(0xFF000000u | (unsigned)clamp_float(br[x]) << 16 |
                      (unsigned)clamp_float(bg[x]) << 8 | (unsigned)clamp_float(bb[x]));
      }
    } else {
      for (int x = 0; x < w; x++) {
        unsigned c = (unsigned)in[x];
        jint rr = sharpen_channel((c >> 16) & 0xFF, br[x], amount, threshold);
        jint gg = sharpen_channel((c >> 8) & 0xFF, bg[x], amount, threshold);
        jint bb2 = sharpen_channel(c & 0xFF, bb[x], amount, threshold);
        o[x] = (jint)(0xFF000000u | (unsigned)rr << 16 | (unsigned)gg << 8 | (unsigned)bb2);
      }
    }
  }
}

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
  if (k == NULL || mem == NULL) {
    free(k);
    free(mem);
    return -1;
  }
  (*env)->GetFloatArrayRegion(env, jk, 0, klen, k);
  jint *src = (*env)->GetPrimitiveArrayCritical(env, jsrc, NULL);
  jint *out = src == NULL ? NULL : (*env)->GetPrimitiveArrayCritical(env, jout, NULL);
  int rc = -1;
  if (out != NULL) {
    convolve(src, w, h, k, klen, mode, amount, threshold, out, mem);
    rc = 0;
  }
  if (out != NULL) {
    (*env)->ReleasePrimitiveArrayCritical(env, jout, out, 0);
  }
  if (src != NULL) {
    (*env)->ReleasePrimitiveArrayCritical(env, jsrc, src, JNI_ABORT);
  }
  free(mem);
  free(k);
  return rc;
}
