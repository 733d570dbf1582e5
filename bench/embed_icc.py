#!/usr/bin/env python3
"""Copy JPEGs with an ICC profile embedded (APP2 ICC_PROFILE chunks after SOI), as cameras write.

usage: embed_icc.py PROFILE.icc SRC_DIR DST_DIR
"""
import os
import sys

CHUNK = 65519  # 65535 less length (2), "ICC_PROFILE\0" (12) and sequence bytes (2)


def segments(profile):
    parts = [profile[i:i + CHUNK] for i in range(0, len(profile), CHUNK)]
    for seq, part in enumerate(parts, 1):
        body = b"ICC_PROFILE\0" + bytes([seq, len(parts)]) + part
        yield b"\xff\xe2" + (len(body) + 2).to_bytes(2, "big") + body


def main():
    if len(sys.argv) != 4:
        sys.exit(__doc__.strip())
    profile = open(sys.argv[1], "rb").read()
    app2 = b"".join(segments(profile))
    os.makedirs(sys.argv[3], exist_ok=True)
    count = 0
    for name in sorted(os.listdir(sys.argv[2])):
        if not name.lower().endswith((".jpg", ".jpeg")):
            continue
        data = open(os.path.join(sys.argv[2], name), "rb").read()
        if data[:2] != b"\xff\xd8":
            sys.exit(f"{name}: not a JPEG")
        with open(os.path.join(sys.argv[3], name), "wb") as out:
            out.write(data[:2] + app2 + data[2:])
        count += 1
    print(f"{count} JPEGs with {os.path.basename(sys.argv[1])} ({len(profile)} bytes) in {sys.argv[3]}")


if __name__ == "__main__":
    main()
