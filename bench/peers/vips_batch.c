/*
 * The libvips peer of bench/compare.sh's image batch, as a libvips user writes a batch: one
 * process works through a list of files (one path per line on stdin), each through the chain
 * forkline runs: vips_thumbnail to a width (auto-rotate, shrink-on-load, lanczos3, an embedded
 * profile exported as sRGB), an RGB unsharp
 * mask (image + amount x (image - gaussblur(sigma))), JPEG save at a quality. compare.sh starts
 * one such process per core, each with its share of the files.
 *
 *   vips_batch OUT_DIR WIDTH SIGMA AMOUNT QUALITY < list
 *
 * Build: cc -O2 -o vips_batch vips_batch.c $(pkg-config --cflags --libs vips)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <vips/vips.h>

static int one(const char *in, const char *dir, int width, double sigma, double amount,
               int quality) {
  VipsImage *thumb = NULL, *blur = NULL, *diff = NULL, *sharp = NULL, *out = NULL;
  int status = -1;
  /* A photo with an embedded profile goes to sRGB (libvips keeps its colours as they are unless
   * asked), as forkline and sharp do. The header alone is read here. */
  VipsImage *header = vips_image_new_from_file(in, NULL);
  int profiled = header && vips_image_get_typeof(header, VIPS_META_ICC_NAME) != 0;
  if (header) g_object_unref(header);
  if (vips_thumbnail(in, &thumb, width, profiled ? "export_profile" : NULL, "srgb", NULL) ||
      vips_gaussblur(thumb, &blur, sigma, "precision", VIPS_PRECISION_INTEGER, NULL) ||
      vips_subtract(thumb, blur, &diff, NULL) ||
      vips_linear1(diff, &sharp, amount, 0.0, NULL) ||
      vips_add(thumb, sharp, &out, NULL)) {
    goto done;
  }
  VipsImage *cast = NULL;
  if (vips_cast_uchar(out, &cast, NULL)) {
    goto done;
  }
  const char *base = strrchr(in, '/');
  base = base ? base + 1 : in;
  char path[4096];
  snprintf(path, sizeof path, "%s/%s", dir, base);
  status = vips_jpegsave(cast, path, "Q", quality, "strip", TRUE, NULL);
  g_object_unref(cast);
done:
  if (status) {
    fprintf(stderr, "vips_batch: %s: %s\n", in, vips_error_buffer());
    vips_error_clear();
  }
  if (out) g_object_unref(out);
  if (sharp) g_object_unref(sharp);
  if (diff) g_object_unref(diff);
  if (blur) g_object_unref(blur);
  if (thumb) g_object_unref(thumb);
  return status;
}

int main(int argc, char **argv) {
  if (argc != 6) {
    fprintf(stderr, "usage: vips_batch OUT_DIR WIDTH SIGMA AMOUNT QUALITY < list\n");
    return 2;
  }
  if (VIPS_INIT(argv[0])) {
    vips_error_exit(NULL);
  }
  int width = atoi(argv[2]);
  double sigma = atof(argv[3]);
  double amount = atof(argv[4]);
  int quality = atoi(argv[5]);
  char line[4096];
  int failed = 0;
  while (fgets(line, sizeof line, stdin)) {
    line[strcspn(line, "\n")] = 0;
    if (*line && one(line, argv[1], width, sigma, amount, quality)) {
      failed++;
    }
  }
  vips_shutdown();
  return failed ? 1 : 0;
}
