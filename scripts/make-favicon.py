"""Draws app/static/favicon.ico (a 32x32 PNG inside an ICO) from the shapes of favicon.svg, with
the standard library only: run it again after changing the SVG."""

import struct
import zlib
from pathlib import Path

SIZE, SAMPLES = 32, 4
BLUE, WHITE = (0x15, 0x42, 0x73), (0xFF, 0xFF, 0xFF)
PAGES = [[(5, 9), (15, 11), (15, 25), (5, 23)], [(17, 11), (27, 9), (27, 23), (17, 25)]]
LINES = [
    ((7, 13), (13, 14.2)),
    ((7, 16.5), (13, 17.7)),
    ((19, 14.2), (25, 13)),
    ((19, 17.7), (25, 16.5)),
]  # noqa: E501


def inside(x: float, y: float, polygon) -> bool:
    found = False
    for (x1, y1), (x2, y2) in zip(polygon, polygon[1:] + polygon[:1], strict=True):
        if (y1 > y) != (y2 > y) and x < x1 + (y - y1) * (x2 - x1) / (y2 - y1):
            found = not found
    return found


def near_line(x: float, y: float, line, width: float = 0.6) -> bool:
    (x1, y1), (x2, y2) = line
    dx, dy = x2 - x1, y2 - y1
    t = max(0.0, min(1.0, ((x - x1) * dx + (y - y1) * dy) / (dx * dx + dy * dy)))
    return (x - x1 - t * dx) ** 2 + (y - y1 - t * dy) ** 2 <= width * width


def in_rounded_square(x: float, y: float, radius: float = 6) -> bool:
    cx = min(max(x, radius), SIZE - radius)
    cy = min(max(y, radius), SIZE - radius)
    return (x - cx) ** 2 + (y - cy) ** 2 <= radius * radius


def pixel(px: int, py: int) -> bytes:
    totals, alpha = [0, 0, 0], 0
    for sx in range(SAMPLES):
        for sy in range(SAMPLES):
            x, y = px + (sx + 0.5) / SAMPLES, py + (sy + 0.5) / SAMPLES
            if not in_rounded_square(x, y):
                continue
            white = any(inside(x, y, p) for p in PAGES) and not any(
                near_line(x, y, line) for line in LINES
            )
            colour = WHITE if white else BLUE
            totals = [t + c for t, c in zip(totals, colour, strict=True)]
            alpha += 1
    if not alpha:
        return bytes(4)
    return bytes([t // alpha for t in totals] + [round(255 * alpha / SAMPLES**2)])


def png() -> bytes:
    rows = b"".join(b"\0" + b"".join(pixel(x, y) for x in range(SIZE)) for y in range(SIZE))

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", SIZE, SIZE, 8, 6, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows, 9))
        + chunk(b"IEND", b"")
    )


def ico(image: bytes) -> bytes:
    return (
        struct.pack("<HHH", 0, 1, 1)
        + struct.pack("<BBBBHHII", SIZE, SIZE, 0, 0, 1, 32, len(image), 6 + 16)
        + image
    )


if __name__ == "__main__":
    target = Path(__file__).resolve().parents[1] / "app" / "static" / "favicon.ico"
    target.write_bytes(ico(png()))
    print(f"wrote {target}")
