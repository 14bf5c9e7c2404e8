"""JSON API of the hashes domain."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter(tags=["hashes"])
