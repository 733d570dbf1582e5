/*
 * SHA-256 on the CPU's SHA extensions (x86-64 SHA-NI), for dev.forkline.workers.html.Sha256: the
 * hash of every page body forkline parses.
 *
 * Why native: HotSpot computes SHA-256 with these instructions only in code compiled by C2. The
 * JVMs that parse (a scrape's driver, its worker JVMs) run C1 alone, since C2's compile time costs
 * more than it saves over a run; there SHA-256 ran as plain Java at about 25 ns a byte, 0.5 ms of
 * CPU for a 20 KB page, 13 % of a scrape's Java samples. Here: about 1 ns a byte.
 *
 * A CPU without SHA-NI (or another architecture) gets 0 from available0 and the JDK's
 * MessageDigest does the work. NativeSha256Test compares the two on every length from 0 to 300
 * bytes and on large inputs.
 *
 * Built by build.sh when Maven packages the workers module; needs only gcc and the JDK's headers.
 */
#include <jni.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#if defined(__x86_64__) && defined(__GNUC__)
#include <cpuid.h>
#include <immintrin.h>

static const uint32_t K[64] = {
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
    0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
    0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
    0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
    0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
    0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
    0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
    0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2};

/*
 * Compresses `blocks` 64-byte blocks into state. The message schedule in groups of four words,
 * X[k] = W[4k..4k+3], is kept in four registers:
 *   X[k] = msg2(msg1(X[k-4], X[k-3]) + alignr(X[k-1], X[k-2], 4), X[k-1]),
 * where msg1 is applied to X[k-4]'s register at the end of group k-2, once nothing reads it.
 */
__attribute__((target("sha,sse4.1,ssse3"))) static void compress(uint32_t state[8],
                                                                  const uint8_t *data,
                                                                  size_t blocks) {
  const __m128i bswap = _mm_set_epi64x(0x0c0d0e0f08090a0bULL, 0x0405060700010203ULL);
  __m128i tmp = _mm_loadu_si128((const __m128i *)&state[0]);
  __m128i s1 = _mm_loadu_si128((const __m128i *)&state[4]);
  tmp = _mm_shuffle_epi32(tmp, 0xB1);      /* CDAB */
  s1 = _mm_shuffle_epi32(s1, 0x1B);        /* EFGH */
  __m128i s0 = _mm_alignr_epi8(tmp, s1, 8); /* ABEF */
  s1 = _mm_blend_epi16(s1, tmp, 0xF0);     /* CDGH */
  for (; blocks > 0; blocks--, data += 64) {
    __m128i abef = s0;
    __m128i cdgh = s1;
    __m128i x[4];
    for (int i = 0; i < 4; i++) {
      x[i] = _mm_shuffle_epi8(_mm_loadu_si128((const __m128i *)(data + 16 * i)), bswap);
    }
    for (int g = 0; g < 16; g++) {
      if (g >= 4) {
        __m128i t = _mm_alignr_epi8(x[(g - 1) & 3], x[(g - 2) & 3], 4);
        x[g & 3] = _mm_sha256msg2_epu32(_mm_add_epi32(x[g & 3], t), x[(g - 1) & 3]);
      }
      __m128i msg = _mm_add_epi32(x[g & 3], _mm_loadu_si128((const __m128i *)&K[4 * g]));
      s1 = _mm_sha256rnds2_epu32(s1, s0, msg);
      msg = _mm_shuffle_epi32(msg, 0x0E);
      s0 = _mm_sha256rnds2_epu32(s0, s1, msg);
      if (g >= 2 && g <= 13) {
        x[(g - 2) & 3] = _mm_sha256msg1_epu32(x[(g - 2) & 3], x[(g - 1) & 3]);
      }
    }
    s0 = _mm_add_epi32(s0, abef);
    s1 = _mm_add_epi32(s1, cdgh);
  }
  tmp = _mm_shuffle_epi32(s0, 0x1B);       /* FEBA */
  s1 = _mm_shuffle_epi32(s1, 0xB1);        /* DCHG */
  s0 = _mm_blend_epi16(tmp, s1, 0xF0);     /* DCBA */
  s1 = _mm_alignr_epi8(s1, tmp, 8);        /* ABEF */
  _mm_storeu_si128((__m128i *)&state[0], s0);
  _mm_storeu_si128((__m128i *)&state[4], s1);
}

static int has_sha_ni(void) {
  unsigned a, b, c, d;
  if (!__get_cpuid(1, &a, &b, &c, &d)) {
    return 0;
  }
  int sse41 = (c >> 19) & 1;
  int ssse3 = (c >> 9) & 1;
  if (!__get_cpuid_count(7, 0, &a, &b, &c, &d)) {
    return 0;
  }
  return sse41 && ssse3 && ((b >> 29) & 1);
}

static void sha256(const uint8_t *data, size_t len, uint8_t out[32]) {
  uint32_t state[8] = {0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
                       0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19};
  size_t full = len / 64;
  compress(state, data, full);
  /* The tail, 0x80, zeros and the bit length: one block, or two when the tail has 56 or more. */
  uint8_t last[128];
  size_t rest = len - full * 64;
  memcpy(last, data + full * 64, rest);
  last[rest] = 0x80;
  size_t padded = rest < 56 ? 64 : 128;
  memset(last + rest + 1, 0, padded - rest - 1);
  uint64_t bits = (uint64_t)len * 8;
  for (int i = 0; i < 8; i++) {
    last[padded - 1 - i] = (uint8_t)(bits >> (8 * i));
  }
  compress(state, last, padded / 64);
  for (int i = 0; i < 8; i++) {
    out[4 * i] = (uint8_t)(state[i] >> 24);
    out[4 * i + 1] = (uint8_t)(state[i] >> 16);
    out[4 * i + 2] = (uint8_t)(state[i] >> 8);
    out[4 * i + 3] = (uint8_t)state[i];
  }
}

JNIEXPORT jboolean JNICALL Java_dev_forkline_workers_html_Sha256_available0(JNIEnv *env,
                                                                           jclass cls) {
  (void)env;
  (void)cls;
  return has_sha_ni() ? JNI_TRUE : JNI_FALSE;
}

/* The SHA-256 of data[off, off + len) into out (32 bytes); the caller checked the bounds. */
JNIEXPORT void JNICALL Java_dev_forkline_workers_html_Sha256_digest0(JNIEnv *env, jclass cls,
                                                                    jbyteArray jdata, jint off,
                                                                    jint len, jbyteArray jout) {
  (void)cls;
  uint8_t digest[32];
  uint8_t *data = (*env)->GetPrimitiveArrayCritical(env, jdata, NULL);
  if (data == NULL) {
    return; /* OutOfMemoryError pending */
  }
  sha256(data + off, (size_t)len, digest);
  (*env)->ReleasePrimitiveArrayCritical(env, jdata, data, JNI_ABORT);
  (*env)->SetByteArrayRegion(env, jout, 0, 32, (const jbyte *)digest);
}

#else

JNIEXPORT jboolean JNICALL Java_dev_forkline_workers_html_Sha256_available0(JNIEnv *env,
                                                                           jclass cls) {
  (void)env;
  (void)cls;
  return JNI_FALSE;
}

JNIEXPORT void JNICALL Java_dev_forkline_workers_html_Sha256_digest0(JNIEnv *env, jclass cls,
                                                                    jbyteArray jdata, jint off,
                                                                    jint len, jbyteArray jout) {
  (void)env;
  (void)cls;
  (void)jdata;
  (void)off;
  (void)len;
  (void)jout;
}

#endif
