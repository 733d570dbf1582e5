#!/usr/bin/env python3
"""The public libvips benchmark task with Pillow: load a TIFF, crop 100 px from each edge, shrink
by 10 % (bilinear, as the libvips benchmark's Pillow entry), 3x3 sharpen (-1 ... 16 ... -1, /8),
save as TIFF.

    libvips_task.py IN.tif OUT.tif
"""
import sys

from PIL import Image, ImageFilter

im = Image.open(sys.argv[1])
w, h = im.size
im = im.crop((100, 100, w - 100, h - 100))
w, h = im.size
im = im.resize((int(w * 0.9), int(h * 0.9)), Image.BILINEAR)
im = im.filter(ImageFilter.Kernel((3, 3), (-1, -1, -1, -1, 16, -1, -1, -1, -1), scale=8))
im.save(sys.argv[2])
