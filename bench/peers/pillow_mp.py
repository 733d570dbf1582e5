#!/usr/bin/env python3
"""The image chain with Pillow and multiprocessing.Pool, the way the classic
threading-vs-multiprocessing tutorials do it: one task per file, a pool of N processes, each
JPEG drafted (decoded smaller by libjpeg) as Image.thumbnail() would.

    pillow_mp.py IN_DIR OUT_DIR [PROCESSES]

Chain (the same as forkline's bench config): auto-orient (EXIF), resize to 800 px wide with
Lanczos, an embedded ICC profile converted to sRGB, unsharp mask (radius 0.8, 60 %), JPEG quality
85. Prints the number of files written.
"""
import io
import multiprocessing
import os
import sys

from PIL import Image, ImageCms, ImageFilter, ImageOps

WIDTH = 800
SRGB = ImageCms.createProfile("sRGB")


def process(job):
    src, dst = job
    with Image.open(src) as im:
        # draft(): libjpeg's shrink-on-load, as Image.thumbnail() does it (reducing_gap=2: the
        # draft leaves at least twice the target for the resize), before anything loads the pixels
        w0, h0 = im.size
        turned = im.getexif().get(0x0112, 1) in (5, 6, 7, 8)
        uw, uh = (h0, w0) if turned else (w0, h0)
        h = max(1, round(uh * WIDTH / uw))
        im.draft("RGB", (2 * h, 2 * WIDTH) if turned else (2 * WIDTH, 2 * h))
        icc = im.info.get("icc_profile")
        im = ImageOps.exif_transpose(im)
        im = im.resize((WIDTH, h), Image.LANCZOS)
        if icc:  # an embedded profile: to sRGB after the resize, as libvips's thumbnail does
            im = ImageCms.profileToProfile(im, ImageCms.ImageCmsProfile(io.BytesIO(icc)), SRGB)
        im = im.filter(ImageFilter.UnsharpMask(radius=0.8, percent=60, threshold=0))
        im.save(dst, "JPEG", quality=85)
    return dst


def main():
    src_dir, dst_dir = sys.argv[1], sys.argv[2]
    n = int(sys.argv[3]) if len(sys.argv) > 3 else os.cpu_count()
    os.makedirs(dst_dir, exist_ok=True)
    jobs = [
        (os.path.join(src_dir, f), os.path.join(dst_dir, f))
        for f in sorted(os.listdir(src_dir))
        if f.lower().endswith((".jpg", ".jpeg"))
    ]
    with multiprocessing.Pool(n) as pool:
        done = pool.map(process, jobs, chunksize=1)
    print(len(done))


if __name__ == "__main__":
    main()
