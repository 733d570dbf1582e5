/*
 * The JPEG decoder of forkline's image kernel on libjpeg-turbo (libjpeg62-turbo on Debian), for
 * dev.forkline.workers.image.codec.NativeJpeg. It decodes a JPEG held in a Java byte[] straight
 * to packed ARGB ints (libjpeg-turbo's BGRA output is ARGB in a little-endian int).
 *
 * It decodes only what it can decode exactly like the ImageIO path: grey or YCbCr/RGB data, and
 * nothing the library had to warn about (a truncated scan, a bad marker). Anything else returns
 * null and the Java side decodes with ImageIO, which has the full error reporting.
 *
 * Built by build.sh when Maven packages the workers module; see that script.
 */
#include <jni.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jpeglib.h>

#if !defined(__BYTE_ORDER__) || __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
#error "forkline_jpeg.c writes ARGB ints as BGRA bytes: little-endian only"
#endif

struct forkline_error {
  struct jpeg_error_mgr pub;
  jmp_buf jump;
  int max_scans;
  int too_many_scans;
};

static void on_error(j_common_ptr cinfo) {
  struct forkline_error *err = (struct forkline_error *)cinfo->err;
  longjmp(err->jump, 1);
}

/*
 * A progressive JPEG can hold thousands of tiny scans, each of which makes the decoder pass over
 * the whole image again: minutes of CPU from a few kilobytes. libjpeg-turbo's own tools stop at a
 * scan limit; so does this.
 */
static void on_progress(j_common_ptr cinfo) {
  struct forkline_error *err = (struct forkline_error *)cinfo->err;
  if (cinfo->is_decompressor &&
      ((j_decompress_ptr)cinfo)->input_scan_number > err->max_scans) {
    err->too_many_scans = 1;
    longjmp(err->jump, 1);
  }
}

/* Rows handed to libjpeg per call. */
#define ROWS 8

/* Points rows[] at up to ROWS rows of image, from row first on; returns how many. */
static JDIMENSION row_pointers(JSAMPROW rows[ROWS], unsigned char *image, size_t stride,
                               JDIMENSION first, JDIMENSION height) {
  JDIMENSION n = 0;
  for (; n < ROWS && first + n < height; n++) {
    rows[n] = image + (size_t)(first + n) * stride;
  }
  return n;
}

/* Counts warnings (level -1), as libjpeg's own handler does, and prints nothing. */
static void on_message(j_common_ptr cinfo, int level) {
  if (level < 0) {
    cinfo->err->num_warnings++;
  }
}

/*
 * int[] decode0(byte[] data, long maxPixels, int maxScans, int denom, int[] size): the pixels, row
 * by row, decoded at 1/denom scale in the DCT (denom 1, 2, 4 or 8: libjpeg's shrink-on-load, so a
 * photo bound for a thumbnail is never held at full size), with size[0..1] = the decoded width and
 * height and size[2..3] = the image's own; or null (not decodable here: let ImageIO do it); or an
 * empty array with size[0] = -1 when the image has more than maxScans scans (refused).
 *
 * The rows go through a buffer of ROWS rows into the Java array, never pinning it: a progressive
 * JPEG's scans run inside jpeg_start_decompress and jpeg_read_scanlines for seconds, which a
 * pinned array would hold the GC for.
 */
JNIEXPORT jintArray JNICALL Java_dev_forkline_workers_image_codec_NativeJpeg_decode0(
    JNIEnv *env, jclass cls, jbyteArray data, jlong maxPixels, jint maxScans, jint denom,
    jintArray size) {
  (void)cls;
  jsize length = (*env)->GetArrayLength(env, data);
  if (length <= 0 || !(denom == 1 || denom == 2 || denom == 4 || denom == 8)) {
    return NULL;
  }
  unsigned char *volatile in = malloc((size_t)length);
  unsigned char *volatile rows_buffer = NULL;
  if (in == NULL) {
    return NULL;
  }
  (*env)->GetByteArrayRegion(env, data, 0, length, (jbyte *)in);

  struct jpeg_decompress_struct cinfo;
  struct forkline_error err;
  cinfo.err = jpeg_std_error(&err.pub);
  err.pub.error_exit = on_error;
  err.pub.emit_message = on_message;
  err.max_scans = maxScans;
  err.too_many_scans = 0;
  struct jpeg_progress_mgr progress;
  progress.progress_monitor = on_progress;
  volatile jintArray result = NULL;
  if (setjmp(err.jump)) {
    jpeg_destroy_decompress(&cinfo);
    free(in);
    free(rows_buffer);
    if (err.too_many_scans) {
      jint refused[2] = {-1, -1};
      (*env)->SetIntArrayRegion(env, size, 0, 2, refused);
      return (*env)->NewIntArray(env, 0);
    }
    return NULL;
  }
  jpeg_create_decompress(&cinfo);
  cinfo.progress = &progress;
  jpeg_mem_src(&cinfo, in, (unsigned long)length);
  if (jpeg_read_header(&cinfo, TRUE) != JPEG_HEADER_OK) {
    longjmp(err.jump, 1);
  }
  int colour = cinfo.jpeg_color_space;
  if (!((cinfo.num_components == 1 && colour == JCS_GRAYSCALE) ||
        (cinfo.num_components == 3 && (colour == JCS_YCbCr || colour == JCS_RGB)))) {
    longjmp(err.jump, 1);
  }
  long long pixels = (long long)cinfo.image_width * cinfo.image_height;
  if (pixels <= 0 || pixels > maxPixels || pixels > 0x7FFFFFFF / 4) {
    longjmp(err.jump, 1);
  }
  cinfo.out_color_space = JCS_EXT_BGRA;
  cinfo.dct_method = JDCT_ISLOW;
  cinfo.do_fancy_upsampling = TRUE;
  cinfo.scale_num = 1;
  cinfo.scale_denom = (unsigned int)denom;
  jpeg_calc_output_dimensions(&cinfo);
  size_t width = cinfo.output_width;
  size_t height = cinfo.output_height;
  size_t stride = width * 4;
  rows_buffer = malloc(stride * ROWS);
  if (rows_buffer == NULL) {
    longjmp(err.jump, 1);
  }
  result = (*env)->NewIntArray(env, (jsize)(width * height));
  if (result == NULL) {
    longjmp(err.jump, 1);
  }
  jpeg_start_decompress(&cinfo);
  while (cinfo.output_scanline < cinfo.output_height) {
    JSAMPROW rows[ROWS];
    JDIMENSION first = cinfo.output_scanline;
    JDIMENSION n = row_pointers(rows, (unsigned char *)rows_buffer, stride, 0, ROWS);
    JDIMENSION got = jpeg_read_scanlines(&cinfo, rows, n);
    (*env)->SetIntArrayRegion(env, result, (jsize)(first * width), (jsize)(got * width),
                              (const jint *)(unsigned char *)rows_buffer);
  }
  jpeg_finish_decompress(&cinfo);
  int clean = err.pub.num_warnings == 0;
  if (clean) {
    jint dims[4] = {(jint)width, (jint)height, (jint)cinfo.image_width, (jint)cinfo.image_height};
    (*env)->SetIntArrayRegion(env, size, 0, 4, dims);
  } else {
    result = NULL;
  }
  jpeg_destroy_decompress(&cinfo);
  free(in);
  free(rows_buffer);
  return result;
}

/*
 * byte[] encode0(int[] argb, int width, int height, int quality): opaque ARGB pixels as a baseline
 * JFIF JPEG with libjpeg's defaults (4:2:0, standard Huffman tables), which are ImageIO's too; or
 * null if libjpeg failed.
 */
JNIEXPORT jbyteArray JNICALL Java_dev_forkline_workers_image_codec_NativeJpeg_encode0(
    JNIEnv *env, jclass cls, jintArray argb, jint width, jint height, jint quality) {
  (void)cls;
  size_t count = (size_t)width * (size_t)height;
  if (width <= 0 || height <= 0 || width > JPEG_MAX_DIMENSION || height > JPEG_MAX_DIMENSION ||
      (*env)->GetArrayLength(env, argb) < (jsize)count) {
    return NULL;
  }
  unsigned char *volatile in = malloc(count * 4);
  /* libjpeg's output buffer (jpeg_mem_dest allocates and grows it); volatile so that an error's
     longjmp still sees it to free. */
  unsigned char *volatile jpeg = NULL;
  unsigned long size = 0;
  if (in == NULL) {
    return NULL;
  }
  (*env)->GetIntArrayRegion(env, argb, 0, (jsize)count, (jint *)in);

  struct jpeg_compress_struct cinfo;
  struct forkline_error err;
  cinfo.err = jpeg_std_error(&err.pub);
  err.pub.error_exit = on_error;
  err.pub.emit_message = on_message;
  if (setjmp(err.jump)) {
    jpeg_destroy_compress(&cinfo);
    free(in);
    free(jpeg);
    return NULL;
  }
  jpeg_create_compress(&cinfo);
  jpeg_mem_dest(&cinfo, (unsigned char **)&jpeg, &size);
  cinfo.image_width = (JDIMENSION)width;
  cinfo.image_height = (JDIMENSION)height;
  cinfo.input_components = 4;
  cinfo.in_color_space = JCS_EXT_BGRA;
  jpeg_set_defaults(&cinfo);
  jpeg_set_quality(&cinfo, quality, TRUE);
  cinfo.dct_method = JDCT_ISLOW;
  jpeg_start_compress(&cinfo, TRUE);
  size_t stride = (size_t)width * 4;
  while (cinfo.next_scanline < cinfo.image_height) {
    JSAMPROW rows[ROWS];
    JDIMENSION n = row_pointers(rows, in, stride, cinfo.next_scanline, cinfo.image_height);
    jpeg_write_scanlines(&cinfo, rows, n);
  }
  jpeg_finish_compress(&cinfo);
  jpeg_destroy_compress(&cinfo);
  free(in);
  jbyteArray result = (*env)->NewByteArray(env, (jsize)size);
  if (result != NULL) {
    (*env)->SetByteArrayRegion(env, result, 0, (jsize)size, (const jbyte *)jpeg);
  }
  free(jpeg);
  return result;
}
