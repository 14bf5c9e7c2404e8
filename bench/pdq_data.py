"""Synthetic PDQ data for the matching benchmarks: random hashes, the hash of nothing at all.

Two shapes of list:

* uniform: independent random 256-bit hashes, 1 % of them planted near-duplicates of others;
* clustered: families of near-duplicates, as real lists hold (a picture and its crops,
  re-encodings and resizes). Each family has a random centre; each member is the centre with
  every bit flipped with probability 1/2**k (k = 3, 4 or 5 per family: on average 32, 16 or 8
  bits from the centre), so members of one family sit around the match threshold of each other.
  Family sizes are 1 + a geometric number (mean 5), so some families are large.

Hashes are (n, 4) uint64 words, bit for bit the big-endian reading of the 64-hex string.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

U64 = npt.NDArray[np.uint64]


def random_words(rng: np.random.Generator, n: int) -> U64:
    return rng.integers(0, 2**64 - 1, size=(n, 4), dtype=np.uint64, endpoint=True)


def flip_exact(rng: np.random.Generator, words: U64, distances: npt.NDArray[np.int64]) -> U64:
    """Copy of ``words`` with exactly distances[i] distinct random bits flipped in row i."""
    out = words.copy()
    for i, d in enumerate(distances.tolist()):
        for b in rng.choice(256, size=d, replace=False).tolist():
            out[i, b // 64] ^= np.uint64(1) << np.uint64(b % 64)
    return out


def uniform(size: int, seed: int) -> U64:
    rng = np.random.default_rng(seed)
    words = random_words(rng, size)
    planted = size // 100
    sources = rng.integers(0, size - planted, size=planted)
    words[size - planted :] = flip_exact(rng, words[sources], rng.integers(0, 41, size=planted))
    return words


def clustered(size: int, seed: int, block: int = 1 << 20) -> U64:
    rng = np.random.default_rng(seed)
    sizes = rng.geometric(0.2, size=size // 2 + 16)  # 1, 2, 3 … members, mean 5
    sizes = sizes[: int(np.searchsorted(np.cumsum(sizes), size)) + 1]
    families = len(sizes)
    centres = random_words(rng, families)
    sparseness = rng.integers(3, 6, size=families)
    family_of = np.repeat(np.arange(families), sizes)[:size]
    out = np.empty((size, 4), dtype=np.uint64)
    for start in range(0, size, block):
        fam = family_of[start : start + block]
        n = len(fam)
        noise = random_words(rng, n)
        # AND of k random words: each bit set with probability 2**-k
        for extra in range(1, 5):
            more = random_words(rng, n)
            need = sparseness[fam] > extra
            noise[need] &= more[need]
        out[start : start + n] = centres[fam] ^ noise
    # shuffle so families are not stored contiguously (ids carry no hint of the family)
    rng.shuffle(out, axis=0)
    return out


def queries(words: U64, count: int, seed: int) -> U64:
    """95 % stored hashes with 0-40 bits flipped (so most have real matches), 5 % random; in
    random order, so any prefix of the queries is a fair sample."""
    rng = np.random.default_rng(seed + 1)
    near = count - count // 20
    sources = rng.integers(0, len(words), size=near)
    flipped = flip_exact(rng, words[sources], np.arange(near) % 41)
    out = np.concatenate([flipped, random_words(rng, count - near)])
    rng.shuffle(out, axis=0)
    return out


def brute_force(words: U64, query: U64, threshold: int) -> list[int]:
    """Rows within ``threshold`` of one query (n=4 words), by a full scan: the ground truth."""
    hits: list[int] = []
    step = 1 << 20
    for start in range(0, len(words), step):
        d = np.bitwise_count(words[start : start + step] ^ query).sum(axis=1)
        hits.extend((start + np.flatnonzero(d <= threshold)).tolist())
    return sorted(hits)


def to_bytes(words: U64) -> npt.NDArray[np.uint8]:
    """(n, 32) uint8 codes in the hex string's byte order (FAISS binary indexes take these)."""
    return np.ascontiguousarray(words, dtype=">u8").view(np.uint8).reshape(len(words), 32)
