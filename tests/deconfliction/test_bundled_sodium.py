"""The OPRF runs on the libsodium its wheel ships, never on the operating system's copy.

The check runs in a fresh interpreter where asking the system for libsodium fails: the
library finder raises, and loading any libsodium other than one inside the Python environment
or a temporary file raises too. The RFC 9497 vector must still come out byte for byte, and the
process's memory map must hold no system libsodium afterwards.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
import textwrap

import pytest

from tests.deconfliction.test_oprf import BLIND, KEY_INFO, SEED, VECTORS

PROBE = textwrap.dedent(
    """
    import ctypes, ctypes.util, json, sys, sysconfig, tempfile

    def refuse_lookup(name):
        raise AssertionError(f"asked the operating system for library {name!r}")

    ctypes.util.find_library = refuse_lookup
    allowed = (sys.prefix, sysconfig.get_paths()["purelib"], tempfile.gettempdir())
    real_init = ctypes.CDLL.__init__

    def guarded_init(self, name, *args, **kwargs):
        if name and "sodium" in str(name) and not str(name).startswith(allowed):
            raise AssertionError(f"loaded a libsodium from outside the environment: {name}")
        real_init(self, name, *args, **kwargs)

    ctypes.CDLL.__init__ = guarded_init

    from nohaven.deconfliction import oprf

    seed, info, blind_hex, input_hex = sys.argv[1:5]
    key = oprf.derive_key_pair(bytes.fromhex(seed), bytes.fromhex(info))
    private_input = bytes.fromhex(input_hex)
    r, blinded = oprf.blind(private_input, blind_scalar=bytes.fromhex(blind_hex))
    output = oprf.finalize(private_input, r, oprf.blind_evaluate(key.secret, blinded))
    with open("/proc/self/maps") as maps:
        rows = [line.split(maxsplit=5) for line in maps]
    mapped = {fields[5] for fields in rows if len(fields) == 6}
    library = oprf._sodium._name
    print(json.dumps({
        "output": output.hex(),
        "library": library,
        "library_mapped": any(path.startswith(library) for path in mapped),
        "other_libsodium": sorted(path for path in mapped if "libsodium" in path),
    }))
    """
)


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc/self/maps")
def test_the_oprf_needs_no_system_libsodium() -> None:
    input_hex, _, _, expected = VECTORS[1]
    run = subprocess.run(
        [sys.executable, "-c", PROBE, SEED.hex(), KEY_INFO.hex(), BLIND, input_hex],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert run.returncode == 0, run.stderr
    probe = json.loads(run.stdout)
    assert probe["output"] == expected
    # The library in use is the wheel's copy (rbcl writes it to a temporary file), and no
    # libsodium from the system's library directories is mapped into the process.
    assert not probe["library"].startswith(("/lib", "/usr"))
    assert probe["library_mapped"]
    assert probe["other_libsodium"] == []


def test_the_project_does_not_depend_on_the_system_library_binding() -> None:
    from importlib.metadata import requires

    names = {re.split(r"[\s;<>=!~\[]", req, maxsplit=1)[0] for req in requires("nohaven") or []}
    assert "pysodium" not in names
    assert "rbcl" in names
