"""Hashing on the agency's machine: MD5, SHA-1, SHA-256 and, for images, PDQ with quality.

Each file is read once; the cryptographic digests and the image decode use the same bytes.
JPEGs are decoded at a reduced scale (``Image.draft``) and every image is shrunk to at most
512 px before PDQ, as the reference implementation does: PDQ resamples to 64x64 anyway, so
full-resolution decoding would only cost time.
"""

from __future__ import annotations

import hashlib
import io
import os
import stat
import warnings
from collections import deque
from collections.abc import Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pdqhash
from PIL import Image, UnidentifiedImageError

PDQ_MAX_SIDE = 512
# Bigger files are digested in streamed blocks and not decoded (no image is this large).
STREAM_ABOVE_BYTES = 256 * 1024 * 1024
_BLOCK = 8 * 1024 * 1024
NOT_AN_IMAGE = "not a supported image: no PDQ (MD5, SHA-1 and SHA-256 computed)"


@dataclass(frozen=True)
class FileHashes:
    """Hashes of one file. ``error`` says why something is missing: when the file could not be
    read at all every hash is None; when only PDQ is missing the digests are still set."""

    path: str
    size: int | None
    md5: str | None
    sha1: str | None
    sha256: str | None
    pdq: str | None
    pdq_quality: int | None
    error: str | None

    @property
    def readable(self) -> bool:
        return self.md5 is not None


def pdq_of_image_bytes(data: bytes) -> tuple[str, int]:
    """(PDQ hex, quality 0-100) of an encoded image, decoded in memory only.

    Raises ValueError if the bytes are not an image Pillow can decode."""
    try:
        with warnings.catch_warnings():
            # an oversized image is a real case on seized media, not an attack on this process
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as image:
                pixels = _prepared_pixels(image)
    except (UnidentifiedImageError, OSError, SyntaxError, Image.DecompressionBombError) as exc:
        raise ValueError(f"image could not be decoded: {exc}") from exc
    return _pdq(pixels)


def _prepared_pixels(image: Image.Image) -> np.ndarray:
    if image.format == "JPEG":
        # DCT-domain scaling: decodes at 1/2, 1/4 or 1/8 while staying >= 512 px
        image.draft("RGB", (PDQ_MAX_SIDE, PDQ_MAX_SIDE))
    image.load()
    if image.mode != "RGB":
        image = image.convert("RGBA" if "A" in image.getbands() else "RGB").convert("RGB")
    if max(image.size) > PDQ_MAX_SIDE:
        image.thumbnail((PDQ_MAX_SIDE, PDQ_MAX_SIDE), Image.Resampling.BILINEAR)
    return np.asarray(image)


def _pdq(pixels: np.ndarray) -> tuple[str, int]:
    bits, quality = pdqhash.compute(pixels)
    return np.packbits(np.asarray(bits, dtype=np.uint8)).tobytes().hex(), int(quality)


def hash_file(path: Path) -> FileHashes:
    """Hash one file; never raises for a bad file, the reason goes in ``error``."""
    name = str(path)
    try:
        info = path.stat()
        if not stat.S_ISREG(info.st_mode):
            return _failed(name, None, "not a regular file")
        if info.st_size > STREAM_ABOVE_BYTES:
            return _streamed(path, info.st_size)
        data = path.read_bytes()
    except OSError as exc:
        return _failed(name, None, f"unreadable: {exc.strerror or exc}")
    digests = (
        hashlib.md5(data, usedforsecurity=False).hexdigest(),
        hashlib.sha1(data, usedforsecurity=False).hexdigest(),
        hashlib.sha256(data).hexdigest(),
    )
    pdq: str | None = None
    quality: int | None = None
    error: str | None = None
    try:
        pdq, quality = pdq_of_image_bytes(data)
    except ValueError as exc:
        error = NOT_AN_IMAGE if "cannot identify image file" in str(exc) else str(exc)
    except Exception as exc:
        error = f"image could not be hashed: {type(exc).__name__}"
    return FileHashes(name, len(data), *digests, pdq, quality, error)


def _streamed(path: Path, size: int) -> FileHashes:
    md5 = hashlib.md5(usedforsecurity=False)
    sha1 = hashlib.sha1(usedforsecurity=False)
    sha256 = hashlib.sha256()
    try:
        with path.open("rb") as handle:
            while block := handle.read(_BLOCK):
                md5.update(block)
                sha1.update(block)
                sha256.update(block)
    except OSError as exc:
        return _failed(str(path), size, f"unreadable: {exc.strerror or exc}")
    return FileHashes(
        str(path),
        size,
        md5.hexdigest(),
        sha1.hexdigest(),
        sha256.hexdigest(),
        None,
        None,
        "file too large to be an image: no PDQ (MD5, SHA-1 and SHA-256 computed)",
    )


def _failed(path: str, size: int | None, reason: str) -> FileHashes:
    return FileHashes(path, size, None, None, None, None, None, reason)


def iter_files(paths: Iterable[Path]) -> Iterator[Path]:
    """Files under each path (directories walked recursively, sorted); missing paths too, so
    that hashing reports them."""
    for root in paths:
        if root.is_dir():
            for directory, subdirs, files in os.walk(root):
                subdirs.sort()
                for name in sorted(files):
                    yield Path(directory) / name
        else:
            yield root


def hash_files(paths: Iterable[Path], *, workers: int | None = None) -> Iterator[FileHashes]:
    """Hash every file under ``paths``, in walk order, on ``workers`` processes (all cores by
    default; 1 hashes in this process). Bad files yield a result with ``error`` set."""
    count = workers if workers is not None else (os.cpu_count() or 1)
    if count < 1:
        raise ValueError("workers must be at least 1")
    files = iter_files(paths)
    if count == 1:
        yield from map(hash_file, files)
        return
    with ProcessPoolExecutor(max_workers=count) as pool:
        # bounded look-ahead keeps memory flat on a folder of millions of files
        pending: deque[Future[FileHashes]] = deque()
        window = count * 4
        for file in files:
            pending.append(pool.submit(hash_file, file))
            if len(pending) >= window:
                yield pending.popleft().result()
        while pending:
            yield pending.popleft().result()
