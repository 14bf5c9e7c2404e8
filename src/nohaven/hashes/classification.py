"""Classification schemes of known material and a cross-walk between them.

Schemes (DOMAIN.md):

- ``vics_us`` — Project VIC US categories: 0 non-pertinent, 1 child abuse material,
  2 child exploitive / age difficult, 3 CGI/animation, 4 comparison images.
- ``uk`` — CAID / sentencing guidelines: A (most severe), B, C.
- ``ncmec`` — NCMEC industry scheme: A prepubescent / B pubescent; 1 sex act / 2 lascivious
  exhibition → A1, A2, B1, B2.
- ``interpol`` — INHOPE/INTERPOL: ``baseline`` (illegal in any country), ``national``
  (nationally illegal), ``not_illegal``.

The schemes measure different things (relevance to a case, severity, age and act, legality
everywhere), so the cross-walk is honest rather than complete: each mapping lists the candidate
codes in the other scheme and says whether it is exact, ambiguous (several candidates) or
absent (the scheme cannot express it). An operator may edit ``CROSSWALK``; it is a default.
"""

from __future__ import annotations

from dataclasses import dataclass

from nohaven.errors import InvalidInput
from nohaven.kit.i18n import N_

SCHEMES: dict[str, tuple[str, ...]] = {
    "vics_us": ("0", "1", "2", "3", "4"),
    "uk": ("A", "B", "C"),
    "ncmec": ("A1", "A2", "B1", "B2"),
    "interpol": ("baseline", "national", "not_illegal"),
}

SCHEME_LABELS = {
    "vics_us": "VICS US",
    "uk": "UK (CAID)",
    "ncmec": "NCMEC",
    "interpol": "INTERPOL/INHOPE",
}

CODE_LABELS: dict[tuple[str, str], str] = {
    ("vics_us", "0"): "0 non-pertinent",
    ("vics_us", "1"): "1 child abuse material",
    ("vics_us", "2"): "2 child exploitive / age difficult",
    ("vics_us", "3"): "3 CGI / animation",
    ("vics_us", "4"): "4 comparison images",
    ("uk", "A"): "Category A",
    ("uk", "B"): "Category B",
    ("uk", "C"): "Category C",
    ("ncmec", "A1"): "A1 prepubescent, sex act",
    ("ncmec", "A2"): "A2 prepubescent, lascivious exhibition",
    ("ncmec", "B1"): "B1 pubescent, sex act",
    ("ncmec", "B2"): "B2 pubescent, lascivious exhibition",
    ("interpol", "baseline"): "baseline (illegal everywhere)",
    ("interpol", "national"): "nationally illegal",
    ("interpol", "not_illegal"): "not illegal",
}


@dataclass(frozen=True)
class Mapping:
    scheme: str
    codes: tuple[str, ...]
    note: str = ""

    @property
    def status(self) -> str:
        if not self.codes:
            return "none"
        return "exact" if len(self.codes) == 1 else "ambiguous"


_NO_SEVERITY = N_("the VICS category says the item is abuse material, not how severe it is")
_NO_AGE = N_("the scheme does not record prepubescent/pubescent")

# (scheme, code) -> {other scheme: (candidate codes, note)}
CROSSWALK: dict[tuple[str, str], dict[str, tuple[tuple[str, ...], str]]] = {
    ("vics_us", "0"): {
        "uk": ((), N_("not an indecent image")),
        "ncmec": ((), N_("outside the scheme")),
        "interpol": (("not_illegal",), N_("non-pertinent to the case; assumed not illegal")),
    },
    ("vics_us", "1"): {
        "uk": (("A", "B", "C"), _NO_SEVERITY),
        "ncmec": (("A1", "A2", "B1", "B2"), _NO_SEVERITY),
        "interpol": (("baseline", "national"), N_("legality everywhere is not recorded")),
    },
    ("vics_us", "2"): {
        "uk": ((), N_("exploitive or age-difficult material may not be indecent")),
        "ncmec": ((), N_("outside the scheme")),
        "interpol": (("national", "not_illegal"), N_("depends on national law")),
    },
    ("vics_us", "3"): {
        "uk": ((), N_("CGI falls under prohibited images, not A/B/C")),
        "ncmec": ((), N_("the scheme covers real children only")),
        "interpol": (("national", "not_illegal"), N_("baseline requires a real child")),
    },
    ("vics_us", "4"): {
        "uk": ((), N_("comparison images are not graded")),
        "ncmec": ((), N_("outside the scheme")),
        "interpol": (("not_illegal",), N_("reference material")),
    },
}

for _uk in ("A", "B", "C"):
    CROSSWALK[("uk", _uk)] = {
        "vics_us": (("1",), N_("every UK category is child abuse material")),
        "ncmec": (
            ("A1", "B1") if _uk in ("A", "B") else ("A2", "B2"),
            _NO_AGE,
        ),
        "interpol": (
            ("baseline", "national"),
            N_(
                "the scheme does not record prepubescent/pubescent; "
                "baseline needs a prepubescent child"
            ),
        ),
    }
for _nc in ("A1", "A2", "B1", "B2"):
    _prepubescent = _nc.startswith("A")
    CROSSWALK[("ncmec", _nc)] = {
        "vics_us": (("1",), ""),
        "uk": (
            ("A", "B") if _nc.endswith("1") else ("C",),
            N_("penetrative or not is not recorded") if _nc.endswith("1") else "",
        ),
        "interpol": (
            ("baseline",) if _prepubescent else ("national",),
            "" if _prepubescent else N_("pubescent material is not baseline"),
        ),
    }
CROSSWALK[("interpol", "baseline")] = {
    "vics_us": (("1",), ""),
    "uk": (("A", "B", "C"), N_("baseline does not record severity")),
    "ncmec": (("A1", "A2"), N_("baseline material shows a prepubescent child")),
}
CROSSWALK[("interpol", "national")] = {
    "vics_us": (("1", "2", "3"), N_("nationally illegal covers real, exploitive and CGI material")),
    "uk": (("A", "B", "C"), N_("severity is not recorded")),
    "ncmec": (("B1", "B2"), N_("may also be prepubescent material judged only nationally")),
}
CROSSWALK[("interpol", "not_illegal")] = {
    "vics_us": (("0", "2", "4"), ""),
    "uk": ((), N_("not an indecent image")),
    "ncmec": ((), N_("outside the scheme")),
}


def normalise(scheme: str | None, code: str | int | None) -> tuple[str | None, str | None]:
    """Check a (scheme, code) pair and return it in canonical spelling; both None or both set."""
    if scheme in (None, "") and code in (None, ""):
        return None, None
    if not scheme or scheme not in SCHEMES:
        raise InvalidInput(
            "Unknown classification scheme.",
            errors=[{"field": "classification_scheme", "message": f"one of {sorted(SCHEMES)}"}],
        )
    if code is None or str(code).strip() == "":
        raise InvalidInput(
            "A classification scheme needs a code.",
            errors=[{"field": "classification", "message": "required with a scheme"}],
        )
    text = str(code).strip()
    canonical = text.lower() if scheme == "interpol" else text.upper()
    if canonical not in SCHEMES[scheme]:
        raise InvalidInput(
            f"'{text}' is not a {SCHEME_LABELS[scheme]} code.",
            errors=[{"field": "classification", "message": f"one of {list(SCHEMES[scheme])}"}],
        )
    return scheme, canonical


def crosswalk(scheme: str | None, code: str | None) -> list[Mapping]:
    """The classification in every other scheme, with how well it maps."""
    if scheme is None or code is None:
        return []
    table = CROSSWALK.get((scheme, code), {})
    return [
        Mapping(scheme=other, codes=table[other][0], note=table[other][1])
        for other in SCHEMES
        if other != scheme and other in table
    ]


def label(scheme: str | None, code: str | None) -> str:
    if scheme is None or code is None:
        return "unclassified"
    return f"{SCHEME_LABELS[scheme]} {CODE_LABELS.get((scheme, code), code)}"


def vics_category(scheme: str | None, code: str | None) -> int | None:
    """The VICS US category to write in an export, only when the cross-walk is exact."""
    if scheme == "vics_us" and code is not None:
        return int(code)
    for mapping in crosswalk(scheme, code):
        if mapping.scheme == "vics_us" and mapping.status == "exact":
            return int(mapping.codes[0])
    return None
