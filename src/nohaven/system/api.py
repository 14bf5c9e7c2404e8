"""GET /api/v1/health: status and database, without authentication."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from sqlalchemy import text

router = APIRouter(tags=["system"])


class Health(BaseModel):
    status: str
    database: str
    backend: str
    version: str


@router.get("/health", response_model=Health)
def health(request: Request) -> JSONResponse:
    engine = request.app.state.engine
    try:
        # A reading connection: on SQLite it takes no lock, so health answers during writes.
        with request.app.state.read_engine.connect() as connection:
            connection.execute(text("SELECT 1"))
        database = "ok"
    except Exception:  # a health check reports, it does not raise
        database = "unavailable"
    body = Health(
        status="ok" if database == "ok" else "degraded",
        database=database,
        backend=engine.dialect.name,
        version="0.1.0",
    )
    return JSONResponse(body.model_dump(), status_code=200 if database == "ok" else 503)
