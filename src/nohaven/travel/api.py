"""JSON API of the travel domain."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter(tags=["travel"])
