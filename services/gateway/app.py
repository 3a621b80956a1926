"""The gateway's entrypoint: wires FastAPI to the container built by bootstrap."""
from __future__ import annotations

import logging
import uuid
from contextlib import asynccontextmanager

import asyncpg
import nats.errors
from fastapi import Depends, FastAPI, Request
from fastapi.encoders import jsonable_encoder
from fastapi.exceptions import RequestValidationError
from fastapi.middleware.cors import CORSMiddleware
from starlette.middleware.trustedhost import TrustedHostMiddleware
from fastapi.responses import JSONResponse

from shared.bus.eventstore import ConcurrencyConflict

from . import bootstrap
from .api import admin, asyncapi, generation, health, live, projects, stage1, stage2, stage3, stage4, web
from .api import api_docs, ask, cohorts, concept_maps, diagrams, edits, estimates, fork, hooks, learn, metrics, refresh
from .commands import Busy
from .domain.course import CourseNotFound, RevisionMismatch
from .domain.runs import StageConflict
from .edge.asgi_layer import GatewayEdge
from .settings import GatewaySettings

log = logging.getLogger(__name__)


def create_app(settings: GatewaySettings | None = None) -> FastAPI:
    settings = settings or GatewaySettings()

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        app.state.container = await bootstrap.start(settings)
        try:
            yield
        finally:
            await bootstrap.stop(app.state.container)

    app = FastAPI(title="coursegen gateway", version="0.1.0", lifespan=lifespan,
                  description="Turns a Git repository's documentation into a course.",
                  docs_url=None, redoc_url=None,  # api_docs serves /docs from local assets, outside production
                  dependencies=[Depends(metrics.request_context)],
                  # The server span and the request metrics are GatewayEdge's, made once per request.
                  telemetry={"tracing": False, "metrics": False, "logs": False, "operation_spans": False})
    app.include_router(projects.router)
    app.include_router(stage1.router)
    app.include_router(stage2.router)
    app.include_router(stage3.router)
    app.include_router(stage4.router)
    app.include_router(concept_maps.router)
    app.include_router(diagrams.router)
    app.include_router(refresh.router)
    app.include_router(edits.router)
    app.include_router(fork.router)
    app.include_router(ask.router)
    app.include_router(cohorts.router)
    app.include_router(learn.router)
    app.include_router(hooks.router)
    app.include_router(hooks.courses)
    app.include_router(estimates.router)
    app.include_router(admin.router)
    app.include_router(generation.router)
    app.include_router(live.router)
    app.include_router(health.router)
    app.include_router(metrics.router)
    app.include_router(asyncapi.router)
    app.include_router(web.router)
    if settings.environment != "production":
        app.include_router(api_docs.router)
    _install_error_handlers(app)
    if settings.cors_origins:
        app.add_middleware(CORSMiddleware, allow_origins=settings.cors_origins,
                           allow_methods=["*"], allow_headers=["*"], expose_headers=["ETag"])
    if settings.environment == "development":
        # A page on any site whose name the attacker points at 127.0.0.1 (DNS rebinding) would
        # otherwise reach this gateway as same-origin and sign itself in.
        app.add_middleware(TrustedHostMiddleware, allowed_hosts=settings.allowed_hosts)
    app.add_middleware(GatewayEdge, max_body_bytes=settings.max_body_bytes,  # sees every answer, 413s included
                       rate_per_minute=settings.rate_limit_per_minute, rate_burst=settings.rate_limit_burst)
    return app


def _error(status: int, detail: str) -> JSONResponse:
    return JSONResponse({"detail": detail}, status_code=status)


def _printable(value):
    """A validation error echoes the input; a lone surrogate in it could not be encoded."""
    if isinstance(value, str):
        return value.encode("utf-8", "backslashreplace").decode("utf-8")
    if isinstance(value, dict):
        return {k: _printable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_printable(v) for v in value]
    return value


def _install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(RequestValidationError)
    async def invalid_request(request: Request, exc: RequestValidationError):
        # Not the input itself: it may be a secret (a repository token) or huge.
        errors = [{k: v for k, v in error.items() if k != "input"} for error in exc.errors()]
        return JSONResponse({"detail": _printable(jsonable_encoder(errors))}, status_code=422)

    @app.exception_handler(RevisionMismatch)
    async def revision_mismatch(request: Request, exc: RevisionMismatch):
        return JSONResponse({"detail": str(exc)}, status_code=409, headers={"ETag": f'"{exc.actual}"'})

    @app.exception_handler(StageConflict)
    async def stage_conflict(request: Request, exc: StageConflict):
        return _error(409, str(exc))

    @app.exception_handler(CourseNotFound)
    async def course_not_found(request: Request, exc: CourseNotFound):
        return _error(404, "course not found")

    @app.exception_handler(Busy)
    @app.exception_handler(ConcurrencyConflict)
    async def conflict(request: Request, exc: Exception):
        return _error(409, f"conflicting concurrent change: {exc}; retry the request")

    @app.exception_handler(asyncpg.exceptions.CannotConnectNowError)
    @app.exception_handler(asyncpg.exceptions.ConnectionDoesNotExistError)
    @app.exception_handler(asyncpg.InterfaceError)
    # A pooled connection the outage broke mid-operation, handed out again before asyncpg noticed.
    @app.exception_handler(asyncpg.exceptions._base.InternalClientError)
    @app.exception_handler(OSError)
    async def database_down(request: Request, exc: Exception):
        log.warning("PostgreSQL unavailable: %s", exc)
        return _error(503, "the read database is unavailable; retry shortly")

    @app.exception_handler(asyncpg.exceptions.UndefinedTableError)
    async def read_tables_missing(request: Request, exc: Exception):
        log.error("read tables missing: %s", exc)
        return _error(503, "the read tables are missing; an operator must rebuild them from the "
                           "event log (`make replay`)")

    @app.exception_handler(Exception)
    async def unexpected(request: Request, exc: Exception):
        reference = uuid.uuid4().hex[:12]
        log.exception("unhandled error %s on %s %s", reference, request.method, request.url.path)
        return _error(500, f"internal error (reference {reference}); the operators have the details")

    @app.exception_handler(nats.errors.Error)
    async def bus_down(request: Request, exc: Exception):
        log.warning("NATS unavailable: %s", exc)
        return _error(503, f"the event log is unavailable ({exc.__class__.__name__}); retry shortly")
