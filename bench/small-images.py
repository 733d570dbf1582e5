#!/usr/bin/env python3
"""bench/small-images.py OUT N: N small PNGs (32x24, random pixels for the first 200, then one
repeated) in 50 folders under OUT: a folder of many files, for listing and --resume figures."""
import sys, zlib, struct, os, random
out, n = sys.argv[1], int(sys.argv[2])
def png(w, h, seed):
    r = random.Random(seed)
    raw = b''.join(b'\x00' + bytes(r.randrange(256) for _ in range(w * 3)) for _ in range(h))
    def chunk(t, d): return struct.pack('>I', len(d)) + t + d + struct.pack('>I', zlib.crc32(t + d) & 0xffffffff)
    return b'\x89PNG\r\n\x1a\n' + chunk(b'IHDR', struct.pack('>IIBBBBB', w, h, 8, 2, 0, 0, 0)) + chunk(b'IDAT', zlib.compress(raw)) + chunk(b'IEND', b'')
base = png(32, 24, 1)
for i in range(n):
    d = os.path.join(out, 'd%02d' % (i % 50))
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, 'img-%05d.png' % i), 'wb') as f:
        f.write(png(32, 24, i) if i < 200 else base)
