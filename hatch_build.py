"""Wheel and editable builds compile the translation catalogues (docs/languages.md)."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from typing import Any

from hatchling.builders.hooks.plugin.interface import BuildHookInterface

ROOT = Path(__file__).resolve().parent


class CatalogueBuildHook(BuildHookInterface):  # type: ignore[type-arg]
    PLUGIN_NAME = "custom"

    def initialize(self, version: str, build_data: dict[str, Any]) -> None:
        # Loaded from its file: the package itself is not importable while it is built.
        path = ROOT / "src/nohaven/kit/catalogues.py"
        spec = importlib.util.spec_from_file_location("nohaven_catalogues", path)
        if spec is None or spec.loader is None:
            raise RuntimeError(f"cannot load {path}")
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        module.compile_catalogues(force=True)
        # The .mo files are build output (ignored by git): name them so the wheel carries them.
        build_data["artifacts"].append("src/nohaven/locales/*/LC_MESSAGES/*.mo")
