"""Hashing: nohaven's hash_files against threatexchange's PDQ file hashing, same files.

    python bench/hashes_hashing.py --images 40

Generates large textured JPEGs (3000x2000 by default) in a temporary folder, then times
``hash_files`` (MD5 + SHA-1 + SHA-256 + PDQ, all cores) and threatexchange's ``PdqSignal``
file hashing (PDQ only, one process, as its CLI does). Prints one JSON line.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import tempfile
import time
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw

from nohaven.hashes.hashing import hash_files
from nohaven.hashes.pdq import hamming


def textured(seed: int, width: int, height: int) -> Image.Image:
    rng = np.random.default_rng(seed)
    coarse = rng.integers(0, 256, size=(9, 12, 3), dtype=np.uint8)
    image = Image.fromarray(coarse).resize((width, height), Image.Resampling.BICUBIC)
    draw = ImageDraw.Draw(image)
    for _ in range(30):
        x, y = int(rng.integers(0, width)), int(rng.integers(0, height))
        size = int(rng.integers(width // 30, width // 6))
        draw.ellipse(
            [x, y, x + size, y + size], fill=tuple(int(c) for c in rng.integers(0, 256, 3))
        )
    grain = rng.integers(-6, 7, size=(height, width, 3))
    return Image.fromarray(np.clip(np.asarray(image) + grain, 0, 255).astype(np.uint8))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--images", type=int, default=40)
    parser.add_argument("--width", type=int, default=3000)
    parser.add_argument("--height", type=int, default=2000)
    parser.add_argument("--workers", type=int, default=None)
    args = parser.parse_args()

    from threatexchange.signal_type.pdq.signal import PdqSignal

    with tempfile.TemporaryDirectory(prefix="nohaven-bench-") as tmp:
        folder = Path(tmp)
        for i in range(args.images):
            textured(i, args.width, args.height).save(folder / f"{i:04d}.jpg", quality=90)
        files = sorted(folder.iterdir())
        total_bytes = sum(f.stat().st_size for f in files)

        # one untimed pass each so both read from the page cache
        list(hash_files(files[:2], workers=1))
        PdqSignal.hash_from_file(files[0])

        started = time.perf_counter()
        ours = list(hash_files([folder], workers=args.workers))
        ours_s = time.perf_counter() - started

        started = time.perf_counter()
        ours_one = list(hash_files([folder], workers=1))
        ours_one_s = time.perf_counter() - started

        started = time.perf_counter()
        theirs = [PdqSignal.hash_from_file(f) for f in files]
        theirs_s = time.perf_counter() - started

    distances = [hamming(o.pdq, t) for o, t in zip(ours, theirs, strict=True) if o.pdq is not None]
    result = {
        "bench": "hashes_hashing",
        "machine": f"{platform.machine()} {os.cpu_count()} cores, {platform.python_version()}",
        "images": args.images,
        "size": f"{args.width}x{args.height}",
        "mean_file_bytes": total_bytes // args.images,
        "errors": sum(1 for o in ours if o.error),
        "ours_images_per_s": round(args.images / ours_s, 2),
        "ours_one_process_images_per_s": round(args.images / ours_one_s, 2),
        "ours_computes": "md5+sha1+sha256+pdq",
        "tx_images_per_s": round(args.images / theirs_s, 2),
        "tx_computes": "pdq",
        "speedup_vs_tx": round(theirs_s / ours_s, 1),
        "speedup_vs_tx_one_process": round(theirs_s / ours_one_s, 1),
        "pdq_distance_to_tx_median": statistics.median(distances),
        "pdq_distance_to_tx_max": max(distances),
        "identical_results_one_vs_all_cores": ours == ours_one,
    }
    print(json.dumps(result))


if __name__ == "__main__":
    main()
