"""Canonical forms: the same real-world selector gives the same bytes; bad values are refused."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone

import pytest
from embit import bech32  # type: ignore[import-untyped]

from nohaven.deconfliction.keccak import keccak256
from nohaven.deconfliction.selectors import InvalidSelector, normalise

DAY = date(2026, 11, 23)


def canon(kind: str, value: str, **kw: object) -> str:
    return normalise(kind, value, **kw).canonical  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("kind", "value", "kw", "expected"),
    [
        ("email", " Alice.Smith@Example.ORG ", {}, "v1|email||alice.smith@example.org"),
        ("email", "ALICE.SMITH@example.org", {}, "v1|email||alice.smith@example.org"),
        ("phone", "020 7946 0958", {}, "v1|phone||+442079460958"),
        ("phone", "+44 (0)20 7946 0958", {}, "v1|phone||+442079460958"),
        ("phone", "0491 570 156", {"region": "AU"}, "v1|phone||+61491570156"),
        ("phone", "+1 202-555-0143", {"region": "au"}, "v1|phone||+12025550143"),
        ("username", "@Ｆｏｏ_Bar", {"platform": "Telegram"}, "v1|username|telegram|foo_bar"),
        ("username", "foo_bar", {"platform": "telegram"}, "v1|username|telegram|foo_bar"),
        ("ip", "198.51.100.7", {"seen": DAY}, "v1|ip|2026-11-23|198.51.100.7"),
        ("ip", "::ffff:198.51.100.7", {"seen": DAY}, "v1|ip|2026-11-23|198.51.100.7"),
        ("ip", "2001:DB8:0:0:0:0:0:1", {"seen": DAY}, "v1|ip|2026-11-23|2001:db8::1"),
        ("ip", "[2001:db8::1]", {"seen": DAY}, "v1|ip|2026-11-23|2001:db8::1"),
        (
            "ip",
            "203.0.113.9",
            {"seen": datetime(2026, 11, 23, 23, 30, tzinfo=timezone(timedelta(hours=-2)))},
            "v1|ip|2026-11-24|203.0.113.9",
        ),
        (
            "url",
            "HTTPS://u:p@Example.COM.:443/a/./b/../%7e%2f?q=1#x",
            {},
            "v1|url||example.com/a/~%2F?q=1",
        ),
        ("url", "http://example.com", {}, "v1|url||example.com/"),
        ("url", "example.com/", {}, "v1|url||example.com/"),
        ("url", "https://example.com:8443/x?", {}, "v1|url||example.com:8443/x"),
        ("url", "http://bücher.example/", {}, "v1|url||xn--bcher-kva.example/"),
        ("url", "http://[2001:DB8::1]:8080", {}, "v1|url||[2001:db8::1]:8080/"),
        (
            "wallet",
            "1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa",
            {},
            "v1|wallet|btc|1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa",
        ),
        (
            "wallet",
            "3J98t1WpEZ73CNmQviecrnyiWrnqRhWNLy",
            {},
            "v1|wallet|btc|3J98t1WpEZ73CNmQviecrnyiWrnqRhWNLy",
        ),
        (
            "wallet",
            "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed",
            {},
            "v1|wallet|eth|0x5aaeb6053f3e94c9b9a09f33669435e7ef1beaed",
        ),
        (
            "wallet",
            "0X5AAEB6053F3E94C9B9A09F33669435E7EF1BEAED",
            {},
            "v1|wallet|eth|0x5aaeb6053f3e94c9b9a09f33669435e7ef1beaed",
        ),
        (
            "hash",
            "D41D8CD98F00B204E9800998ECF8427E",
            {},
            "v1|hash|md5|d41d8cd98f00b204e9800998ecf8427e",
        ),
        (
            "hash",
            "da39a3ee5e6b4b0d3255bfef95601890afd80709",
            {},
            "v1|hash|sha1|da39a3ee5e6b4b0d3255bfef95601890afd80709",
        ),
        (
            "hash",
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
            {},
            "v1|hash|sha256|e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
        ),
    ],
)
def test_canonical_forms(kind: str, value: str, kw: dict[str, object], expected: str) -> None:
    assert canon(kind, value, **kw) == expected


@pytest.mark.parametrize(
    ("kind", "value", "kw", "reason"),
    [
        ("fax", "123", {}, "unknown selector type"),
        ("email", "   ", {}, "empty"),
        ("email", "not-an-address", {}, "not an e-mail address"),
        ("email", "a@b", {}, "not an e-mail address"),
        ("email", "x" * 3000, {}, "longer than"),
        ("phone", "12", {}, "not a valid phone number"),
        ("phone", "phone me", {}, "not a phone number"),
        ("phone", "07700 900123", {}, "not a valid phone number"),  # Ofcom drama range
        ("username", "foo", {}, "needs a platform"),
        ("username", "foo", {"platform": "bad platform"}, "needs a platform"),
        ("username", "foo bar", {"platform": "x"}, "cannot contain spaces"),
        ("username", "foo|bar", {"platform": "x"}, "cannot contain"),
        ("username", "@", {"platform": "x"}, "empty"),
        ("ip", "198.51.100.7", {}, "needs the UTC date"),
        ("ip", "198.51.100.7", {"seen": datetime(2026, 1, 1)}, "time zone"),  # noqa: DTZ001
        ("ip", "999.1.1.1", {"seen": DAY}, "not an IPv4"),
        ("ip", "127.0.0.1", {"seen": DAY}, "identify no one"),
        ("ip", "::", {"seen": DAY}, "identify no one"),
        ("ip", "fe80::1", {"seen": DAY}, "link-local"),
        ("ip", "224.0.0.1", {"seen": DAY}, "identify no one"),
        ("url", "ftp://example.com/x", {}, "only http and https"),
        ("url", "http:///path", {}, "no host"),
        ("url", "http://exa mple.com", {}, "spaces"),
        ("url", "http://example.com:99999/", {}, "not a URL"),
        ("wallet", "1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNb", {}, "checksum"),
        ("wallet", "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAeD", {}, "EIP-55"),
        ("wallet", "0x5aaeb6053f3e94c9b9a09f33669435e7ef1bea", {}, "40 hex"),
        ("wallet", "0xZZaeb6053f3e94c9b9a09f33669435e7ef1beaed", {}, "40 hex"),
        ("hash", "abc", {}, r"MD5 \(32\)"),
        ("hash", "g" * 32, {}, "only hex"),
    ],
)
def test_invalid_values_are_refused_with_a_reason(
    kind: str, value: str, kw: dict[str, object], reason: str
) -> None:
    with pytest.raises(InvalidSelector, match=reason):
        canon(kind, value, **kw)


def _segwit(hrp: str, version: int, program: bytes, encoding: bech32.Encoding) -> str:
    data = [version, *bech32.convertbits(program, 8, 5)]
    return str(bech32.bech32_encode(encoding, hrp, data))


def test_bech32_and_bech32m_segwit_addresses() -> None:
    v0 = _segwit("bc", 0, bytes(range(20)), bech32.Encoding.BECH32)
    taproot = _segwit("bc", 1, bytes(range(32)), bech32.Encoding.BECH32M)
    assert canon("wallet", v0.upper()) == f"v1|wallet|btc|{v0}"
    assert canon("wallet", taproot) == f"v1|wallet|btc|{taproot}"
    testnet = _segwit("tb", 0, bytes(range(32)), bech32.Encoding.BECH32)
    assert canon("wallet", testnet) == f"v1|wallet|btc|{testnet}"
    # A version-1 program must use bech32m, a version-0 one bech32 (BIP 350).
    wrong = _segwit("bc", 1, bytes(range(32)), bech32.Encoding.BECH32)
    with pytest.raises(InvalidSelector, match="bech32"):
        canon("wallet", wrong)
    with pytest.raises(InvalidSelector, match="bech32"):
        canon("wallet", _segwit("bc", 0, bytes(range(20)), bech32.Encoding.BECH32M))
    flipped = v0[:-1] + ("q" if v0[-1] != "q" else "p")
    with pytest.raises(InvalidSelector, match="checksum"):
        canon("wallet", flipped)
    mixed = v0[:5] + v0[5:].upper()
    with pytest.raises(InvalidSelector):
        canon("wallet", mixed)


@pytest.mark.parametrize(
    "address",
    [
        "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed",
        "0xfB6916095ca1df60bB79Ce92cE3Ea74c37c5d359",
        "0xdbF03B407c01E7cD3CBea99509d93f8DDDC8C6FB",
        "0xD1220A0cf47c7B9Be7A2E6BA89F429762e7b9aDb",
    ],
)
def test_eip55_examples(address: str) -> None:
    assert canon("wallet", address) == "v1|wallet|eth|" + address.lower()


def test_keccak256_known_digests() -> None:
    empty = "c5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470"
    assert keccak256(b"").hex() == empty
    abc = "4e03657aea45a94fc7d47ba826c8d667c0d1e6e33a64a036ec44f58fa12d6c45"
    assert keccak256(b"abc").hex() == abc


def test_utc_datetime_bucket_is_the_utc_day() -> None:
    late = datetime(2026, 11, 23, 23, 59, tzinfo=UTC)
    assert canon("ip", "198.51.100.7", seen=late) == canon("ip", "198.51.100.7", seen=DAY)
