"""JSON API of the governance domain."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter(tags=["governance"])
