"""RFC 9497 OPRF, base mode (0x00), suite ristretto255-SHA512, on libsodium.

The client blinds its input with a random scalar, the server multiplies the blinded element
by its secret key, and the client removes the blind and hashes the result. The server learns
nothing about the input; the client learns nothing about the key beyond the one output.

libsodium comes from the ``rbcl`` wheel, which carries its own build of the library, so
nothing depends on the operating system having one. It is called through rbcl's ctypes handle
rather than its Python wrappers: the wrappers re-check types and lengths on every call, which
on the server's hot path costs a noticeable share of the group operation itself.
"""

from __future__ import annotations

import contextlib
import ctypes
import hashlib
import os
import sys
from collections.abc import Sequence
from dataclasses import dataclass

import rbcl

_sodium: ctypes.CDLL = rbcl._sodium
# rbcl writes its bundled library to a fresh temporary file on every import and loads it from
# there, leaving a few megabytes behind per process. Once loaded, the file is no longer needed
# (the mapping stays valid on POSIX), so remove it rather than fill the temporary directory.
if os.name == "posix":
    with contextlib.suppress(OSError, AttributeError):
        os.unlink(sys.modules["rbcl._sodium"].lib_path)

MODE_OPRF = 0x00
SUITE = b"ristretto255-SHA512"
CONTEXT = b"OPRFV1-" + bytes([MODE_OPRF]) + b"-" + SUITE
HASH_TO_GROUP_DST = b"HashToGroup-" + CONTEXT
HASH_TO_SCALAR_DST = b"HashToScalar-" + CONTEXT
DERIVE_KEY_PAIR_DST = b"DeriveKeyPair" + CONTEXT

ELEMENT_BYTES = 32
SCALAR_BYTES = 32
OUTPUT_BYTES = 64
_ZERO_SCALAR = bytes(SCALAR_BYTES)


class OprfError(ValueError):
    """An input, element or scalar the protocol must reject."""


def _i2osp(value: int, length: int) -> bytes:
    return value.to_bytes(length, "big")


def expand_message_xmd(msg: bytes, dst: bytes, length: int) -> bytes:
    """RFC 9380 section 5.3.1 with SHA-512 (b_in_bytes 64, s_in_bytes 128)."""
    if len(dst) > 255:
        raise OprfError("domain separation tag too long")
    ell = -(-length // 64)
    if ell > 255 or length > 65535:
        raise OprfError("requested too many bytes")
    dst_prime = dst + _i2osp(len(dst), 1)
    msg_prime = bytes(128) + msg + _i2osp(length, 2) + b"\x00" + dst_prime
    b0 = hashlib.sha512(msg_prime).digest()
    blocks = [hashlib.sha512(b0 + b"\x01" + dst_prime).digest()]
    for i in range(2, ell + 1):
        mixed = bytes(a ^ b for a, b in zip(b0, blocks[-1], strict=True))
        blocks.append(hashlib.sha512(mixed + _i2osp(i, 1) + dst_prime).digest())
    return b"".join(blocks)[:length]


def hash_to_group(msg: bytes, dst: bytes = HASH_TO_GROUP_DST) -> bytes:
    """hash_to_ristretto255 (RFC 9380 appendix B): 64 uniform bytes through the one-way map."""
    uniform = expand_message_xmd(msg, dst, 64)
    out = ctypes.create_string_buffer(ELEMENT_BYTES)
    _sodium.crypto_core_ristretto255_from_hash(out, uniform)
    return out.raw


def hash_to_scalar(msg: bytes, dst: bytes = HASH_TO_SCALAR_DST) -> bytes:
    """64 uniform bytes reduced modulo the group order (little-endian)."""
    uniform = expand_message_xmd(msg, dst, 64)
    out = ctypes.create_string_buffer(SCALAR_BYTES)
    _sodium.crypto_core_ristretto255_scalar_reduce(out, uniform)
    return out.raw


def scalar_mult(scalar: bytes, element: bytes) -> bytes:
    """scalar * element; rejects a non-canonical encoding and an identity result."""
    if len(scalar) != SCALAR_BYTES or len(element) != ELEMENT_BYTES:
        raise OprfError("scalar and element must be 32 bytes each")
    out = ctypes.create_string_buffer(ELEMENT_BYTES)
    if _sodium.crypto_scalarmult_ristretto255(out, scalar, element) != 0:
        raise OprfError("not a valid non-identity ristretto255 element")
    return out.raw


def scalar_mult_base(scalar: bytes) -> bytes:
    out = ctypes.create_string_buffer(ELEMENT_BYTES)
    if _sodium.crypto_scalarmult_ristretto255_base(out, scalar) != 0:
        raise OprfError("the scalar is zero")
    return out.raw


def scalar_invert(scalar: bytes) -> bytes:
    out = ctypes.create_string_buffer(SCALAR_BYTES)
    if _sodium.crypto_core_ristretto255_scalar_invert(out, scalar) != 0:
        raise OprfError("the zero scalar has no inverse")
    return out.raw


def random_scalar() -> bytes:
    """A uniformly random non-zero scalar (libsodium draws from its CSPRNG)."""
    out = ctypes.create_string_buffer(SCALAR_BYTES)
    while True:
        _sodium.crypto_core_ristretto255_scalar_random(out)
        if out.raw != _ZERO_SCALAR:
            return out.raw


def is_valid_element(element: bytes) -> bool:
    return (
        len(element) == ELEMENT_BYTES
        and _sodium.crypto_core_ristretto255_is_valid_point(element) == 1
        and element != bytes(ELEMENT_BYTES)
    )


@dataclass(frozen=True)
class KeyPair:
    secret: bytes  # skS, a little-endian scalar
    public: bytes  # pkS = skS * G


def derive_key_pair(seed: bytes, info: bytes) -> KeyPair:
    """DeriveKeyPair (RFC 9497 section 3.2.1)."""
    if len(seed) != 32:
        raise OprfError("the seed must be 32 bytes")
    if len(info) > 65535:
        raise OprfError("key info too long")
    derive_input = seed + _i2osp(len(info), 2) + info
    for counter in range(256):
        sk = hash_to_scalar(derive_input + _i2osp(counter, 1), DERIVE_KEY_PAIR_DST)
        if sk != _ZERO_SCALAR:
            return KeyPair(secret=sk, public=scalar_mult_base(sk))
    raise OprfError("DeriveKeyPair failed")  # pragma: no cover - probability ~2^-2000


def generate_key_pair() -> KeyPair:
    sk = random_scalar()
    return KeyPair(secret=sk, public=scalar_mult_base(sk))


def blind(private_input: bytes, *, blind_scalar: bytes | None = None) -> tuple[bytes, bytes]:
    """Blind(input) -> (blind, blindedElement). ``blind_scalar`` is for test vectors only."""
    r = blind_scalar if blind_scalar is not None else random_scalar()
    element = hash_to_group(private_input)
    if element == bytes(ELEMENT_BYTES):
        raise OprfError("the input maps to the identity element")  # pragma: no cover
    return r, scalar_mult(r, element)


def blind_evaluate(secret: bytes, blinded_element: bytes) -> bytes:
    """The server's step: skS * blindedElement. Rejects invalid or identity elements."""
    return scalar_mult(secret, blinded_element)


def blind_evaluate_batch(secret: bytes, blinded: Sequence[bytes]) -> list[bytes]:
    out = ctypes.create_string_buffer(ELEMENT_BYTES)
    mult = _sodium.crypto_scalarmult_ristretto255
    results = []
    for i, element in enumerate(blinded):
        if len(element) != ELEMENT_BYTES or mult(out, secret, element) != 0:
            raise OprfError(f"element {i} is not a valid non-identity ristretto255 element")
        results.append(out.raw)
    return results


def _finalize_hash(private_input: bytes, unblinded: bytes) -> bytes:
    hash_input = (
        _i2osp(len(private_input), 2)
        + private_input
        + _i2osp(len(unblinded), 2)
        + unblinded
        + b"Finalize"
    )
    return hashlib.sha512(hash_input).digest()


def finalize(private_input: bytes, blind_scalar: bytes, evaluated_element: bytes) -> bytes:
    """Finalize: remove the blind and hash to the 64-byte PRF output."""
    unblinded = scalar_mult(scalar_invert(blind_scalar), evaluated_element)
    return _finalize_hash(private_input, unblinded)


def invert_all(scalars: Sequence[bytes]) -> list[bytes]:
    """Invert many non-zero scalars with one inversion (Montgomery's trick): an inversion costs
    as much as a scalar multiplication, a scalar product almost nothing."""
    if not scalars:
        return []
    mul = _sodium.crypto_core_ristretto255_scalar_mul
    prefix = [scalars[0]]
    out = ctypes.create_string_buffer(SCALAR_BYTES)
    for scalar in scalars[1:]:
        mul(out, prefix[-1], scalar)
        prefix.append(out.raw)
    running = scalar_invert(prefix[-1])
    inverses: list[bytes] = [b""] * len(scalars)
    for i in range(len(scalars) - 1, 0, -1):
        mul(out, running, prefix[i - 1])
        inverses[i] = out.raw
        mul(out, running, scalars[i])
        running = out.raw
    inverses[0] = running
    return inverses


def finalize_batch(
    inputs: Sequence[bytes], blinds: Sequence[bytes], evaluated: Sequence[bytes]
) -> list[bytes]:
    """Finalize for many inputs at once; equal to ``finalize`` element by element."""
    if not len(inputs) == len(blinds) == len(evaluated):
        raise OprfError("inputs, blinds and evaluated elements differ in number")
    out = ctypes.create_string_buffer(ELEMENT_BYTES)
    mult = _sodium.crypto_scalarmult_ristretto255
    outputs = []
    for private_input, inverse, element in zip(inputs, invert_all(blinds), evaluated, strict=True):
        if len(element) != ELEMENT_BYTES or mult(out, inverse, element) != 0:
            raise OprfError("not a valid non-identity ristretto255 element")
        outputs.append(_finalize_hash(private_input, out.raw))
    return outputs


def evaluate(secret: bytes, private_input: bytes) -> bytes:
    """The unblinded PRF, for a holder of the key (tests and key checks)."""
    return _finalize_hash(private_input, scalar_mult(secret, hash_to_group(private_input)))
