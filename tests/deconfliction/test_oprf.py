"""RFC 9497 appendix A.1.1 (ristretto255-SHA512, OPRF mode) and the protocol's algebra."""

from __future__ import annotations

import pytest

from nohaven.deconfliction import oprf

SEED = bytes.fromhex("a3" * 32)
KEY_INFO = bytes.fromhex("74657374206b6579")
SK_SM = "5ebcea5ee37023ccb9fc2d2019f9d7737be85591ae8652ffa9ef0f4d37063b0e"
BLIND = "64d37aed22a27f5191de1c1d69fadb899d8862b58eb4220029e036ec4c1f6706"

VECTORS = [
    (
        "00",
        "609a0ae68c15a3cf6903766461307e5c8bb2f95e7e6550e1ffa2dc99e412803c",
        "7ec6578ae5120958eb2db1745758ff379e77cb64fe77b0b2d8cc917ea0869c7e",
        "527759c3d9366f277d8c6020418d96bb393ba2afb20ff90df23fb7708264e2f3"
        "ab9135e3bd69955851de4b1f9fe8a0973396719b7912ba9ee8aa7d0b5e24bcf6",
    ),
    (
        "5a" * 17,
        "da27ef466870f5f15296299850aa088629945a17d1f5b7f5ff043f76b3c06418",
        "b4cbf5a4f1eeda5a63ce7b77c7d23f461db3fcab0dd28e4e17cecb5c90d02c25",
        "f4a74c9c592497375e796aa837e907b1a045d34306a749db9f34221f7e750cb4"
        "f2a6413a6bf6fa5e19ba6348eb673934a722a7ede2e7621306d18951e7cf2c73",
    ),
]


def test_derive_key_pair_matches_rfc() -> None:
    assert oprf.derive_key_pair(SEED, KEY_INFO).secret.hex() == SK_SM


@pytest.mark.parametrize(("input_hex", "blinded", "evaluated", "output"), VECTORS)
def test_rfc_9497_vectors(input_hex: str, blinded: str, evaluated: str, output: str) -> None:
    key = oprf.derive_key_pair(SEED, KEY_INFO)
    private_input = bytes.fromhex(input_hex)
    r, blinded_element = oprf.blind(private_input, blind_scalar=bytes.fromhex(BLIND))
    assert blinded_element.hex() == blinded
    evaluated_element = oprf.blind_evaluate(key.secret, blinded_element)
    assert evaluated_element.hex() == evaluated
    assert oprf.finalize(private_input, r, evaluated_element).hex() == output
    assert oprf.evaluate(key.secret, private_input).hex() == output


def test_random_blinds_give_the_same_output_and_hide_the_input() -> None:
    key = oprf.generate_key_pair()
    r1, b1 = oprf.blind(b"v1|email||a@example.org")
    r2, b2 = oprf.blind(b"v1|email||a@example.org")
    assert b1 != b2  # the server sees unrelated elements for the same selector
    out1 = oprf.finalize(b"v1|email||a@example.org", r1, oprf.blind_evaluate(key.secret, b1))
    out2 = oprf.finalize(b"v1|email||a@example.org", r2, oprf.blind_evaluate(key.secret, b2))
    assert out1 == out2
    other = oprf.generate_key_pair()
    assert oprf.evaluate(other.secret, b"v1|email||a@example.org") != out1


def test_batch_evaluation_equals_single_and_rejects_bad_elements() -> None:
    key = oprf.generate_key_pair()
    blinded = [oprf.blind(bytes([i]))[1] for i in range(5)]
    assert oprf.blind_evaluate_batch(key.secret, blinded) == [
        oprf.blind_evaluate(key.secret, b) for b in blinded
    ]
    with pytest.raises(oprf.OprfError, match="element 1"):
        oprf.blind_evaluate_batch(key.secret, [blinded[0], bytes(32)])  # identity
    with pytest.raises(oprf.OprfError):
        oprf.blind_evaluate(key.secret, b"\xff" * 32)  # not canonical
    with pytest.raises(oprf.OprfError):
        oprf.blind_evaluate(key.secret, b"short")


def test_expand_message_xmd_rfc9380_vector() -> None:
    # RFC 9380 appendix K.3, expand_message_xmd(SHA-512), msg "", len 0x20.
    dst = b"QUUX-V01-CS02-with-expander-SHA512-256"
    assert (
        oprf.expand_message_xmd(b"", dst, 0x20).hex()
        == "6b9a7312411d92f921c6f68ca0b6380730a1a4d982c507211a90964c394179ba"
    )


def test_batch_finalize_equals_single_finalize() -> None:
    key = oprf.generate_key_pair()
    inputs = [f"v1|email||{i}@example.org".encode() for i in range(7)]
    blinded = [oprf.blind(x) for x in inputs]
    evaluated = oprf.blind_evaluate_batch(key.secret, [b for _, b in blinded])
    batch = oprf.finalize_batch(inputs, [r for r, _ in blinded], evaluated)
    assert batch == [oprf.evaluate(key.secret, x) for x in inputs]
    assert oprf.invert_all([]) == []
    with pytest.raises(oprf.OprfError):
        oprf.finalize_batch(inputs, [r for r, _ in blinded], evaluated[:-1])
