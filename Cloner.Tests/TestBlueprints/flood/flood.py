"""Writes 200-byte lines to stdout without a pause until it is stopped (or blocks)."""
import sys

LINE = b"flood " + b"x" * 193 + b"\n"
CHUNK = LINE * 64

out = sys.stdout.buffer
while True:
    out.write(CHUNK)
