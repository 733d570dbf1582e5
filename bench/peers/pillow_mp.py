#!/usr/bin/env python3
"""The image chain with Pillow and multiprocessing.Pool, the way the classic
threading-vs-multiprocessing tutorials do it: one task per file, a pool of N processes.

    pillow_mp.py IN_DIR OUT_DIR [PROCESSES]

Chain (the same as forkline's bench config): auto-orient (EXIF), resize to 800 px wide with
Lanczos, unsharp mask (radius 0.8, 60 %), JPEG quality 85. Prints the number of files written.
"""
import multiprocessing
import os
import sys

from PIL import Image, ImageFilter, ImageOps

WIDTH = 800


def process(job):
    src, dst = job
    with Image.open(src) as im:
        im = ImageOps.exif_transpose(im)
        h = max(1, round(im.height * WIDTH / im.width))
        im = im.resize((WIDTH, h), Image.LANCZOS)
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
