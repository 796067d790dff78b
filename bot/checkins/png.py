"""A tiny pure-Python PNG line chart of readiness levels (no plotting library needed)."""

from __future__ import annotations

import struct
import zlib
from collections.abc import Sequence

from bot.checkins.trend import TrendPoint

WIDTH, HEIGHT, PAD = 360, 180, 16
BACKGROUND = (255, 255, 255)
GRID = (225, 225, 225)
# One colour per dimension, in rubric order; the Slack message names them.
COLOURS = (
    (214, 39, 40),
    (31, 119, 180),
    (44, 160, 44),
    (255, 127, 14),
    (148, 103, 189),
    (140, 86, 75),
)
COLOUR_NAMES = ("red", "blue", "green", "orange", "purple", "brown")


class Canvas:
    """An RGB pixel buffer with just enough drawing for a line chart."""

    def __init__(self, width: int, height: int) -> None:
        self.width, self.height = width, height
        self.px = bytearray(bytes(BACKGROUND) * (width * height))

    def dot(self, x: int, y: int, colour: tuple[int, int, int], r: int = 1) -> None:
        """A filled square of radius r."""
        for yy in range(y - r, y + r + 1):
            for xx in range(x - r, x + r + 1):
                if 0 <= xx < self.width and 0 <= yy < self.height:
                    i = 3 * (yy * self.width + xx)
                    self.px[i : i + 3] = bytes(colour)

    def line(self, a: tuple[int, int], b: tuple[int, int], colour: tuple[int, int, int]) -> None:
        """A line two pixels thick (Bresenham)."""
        (x0, y0), (x1, y1) = a, b
        dx, dy = abs(x1 - x0), -abs(y1 - y0)
        sx, sy = (1 if x0 < x1 else -1), (1 if y0 < y1 else -1)
        err = dx + dy
        while True:
            self.dot(x0, y0, colour, 1)
            if (x0, y0) == (x1, y1):
                return
            e2 = 2 * err
            if e2 >= dy:
                err, x0 = err + dy, x0 + sx
            if e2 <= dx:
                err, y0 = err + dx, y0 + sy

    def png(self) -> bytes:
        """Encode as a PNG (8-bit RGB, no filter)."""
        stride = 3 * self.width
        raw = b"".join(b"\x00" + bytes(self.px[y * stride : (y + 1) * stride]) for y in range(self.height))
        header = struct.pack(">IIBBBBB", self.width, self.height, 8, 2, 0, 0, 0)
        return b"".join(
            [
                b"\x89PNG\r\n\x1a\n",
                _chunk(b"IHDR", header),
                _chunk(b"IDAT", zlib.compress(raw, 9)),
                _chunk(b"IEND", b""),
            ]
        )


def _chunk(kind: bytes, data: bytes) -> bytes:
    crc = zlib.crc32(kind + data) & 0xFFFFFFFF
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", crc)


def _xy(i: int, n: int, level: int) -> tuple[int, int]:
    x = PAD + (i * (WIDTH - 2 * PAD)) // max(1, n - 1)
    y = HEIGHT - PAD - ((level - 1) * (HEIGHT - 2 * PAD)) // 4
    return x, y


def trend_png(points: Sequence[TrendPoint], dimensions: Sequence[str]) -> bytes:
    """Levels 1-5 per dimension over time; grid lines mark the five levels."""
    canvas = Canvas(WIDTH, HEIGHT)
    for level in range(1, 6):
        y = _xy(0, 1, level)[1]
        for x in range(PAD, WIDTH - PAD):
            canvas.dot(x, y, GRID, 0)
    n = len(points)
    for k, dim in enumerate(dimensions):
        colour = COLOURS[k % len(COLOURS)]
        # a small vertical offset per dimension keeps equal lines visible
        xy = [
            (x, y + (k - len(dimensions) // 2))
            for i, p in enumerate(points)
            if (lv := p.levels.get(dim))
            for x, y in [_xy(i, n, lv)]
        ]
        for a, b in zip(xy, xy[1:], strict=False):
            canvas.line(a, b, colour)
        for x, y in xy:
            canvas.dot(x, y, colour, 2)
    return canvas.png()


def legend(dimensions: Sequence[str]) -> str:
    """Which colour is which dimension, for the message that carries the image."""
    return ", ".join(f"{COLOUR_NAMES[k % len(COLOUR_NAMES)]}: {d}" for k, d in enumerate(dimensions))
