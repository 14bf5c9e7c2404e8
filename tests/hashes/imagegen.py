"""Generated test images: textured noise, shapes and text (never real media)."""

from __future__ import annotations

import io

import numpy as np
from PIL import Image, ImageDraw


def textured(seed: int, width: int = 800, height: int = 600) -> Image.Image:
    """A busy image: smooth colour noise, filled shapes, text and fine grain.

    Pure gradients hash at low quality; this scores 100."""
    rng = np.random.default_rng(seed)
    coarse = rng.integers(0, 256, size=(9, 12, 3), dtype=np.uint8)
    image = Image.fromarray(coarse).resize((width, height), Image.Resampling.BICUBIC)
    draw = ImageDraw.Draw(image)
    for _ in range(20):
        x, y = int(rng.integers(0, width)), int(rng.integers(0, height))
        size = int(rng.integers(width // 30, width // 6))
        colour = tuple(int(c) for c in rng.integers(0, 256, 3))
        if rng.random() < 0.5:
            draw.ellipse([x, y, x + size, y + size], fill=colour)
        else:
            draw.rectangle([x, y, x + size, y + size // 2], fill=colour)
    for k in range(4):
        xy = (int(rng.integers(0, width * 3 // 4)), int(rng.integers(0, height * 9 // 10)))
        draw.text(xy, f"generated {seed}-{k}", fill=(255, 255, 255), font_size=width // 25)
    grain = rng.integers(-4, 5, size=(height, width, 3))
    pixels = np.clip(np.asarray(image).astype(np.int16) + grain, 0, 255).astype(np.uint8)
    return Image.fromarray(pixels)


def encode(image: Image.Image, fmt: str = "JPEG", **options: object) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, fmt, **options)
    return buffer.getvalue()


def crop_fraction(image: Image.Image, fraction: float) -> Image.Image:
    width, height = image.size
    dx, dy = int(width * fraction), int(height * fraction)
    return image.crop((dx, dy, width - dx, height - dy))
