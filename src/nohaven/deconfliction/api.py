"""JSON API of the deconfliction domain."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter(tags=["deconfliction"])
