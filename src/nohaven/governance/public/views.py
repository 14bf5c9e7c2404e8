"""Public pages (no account): a body's page, its contact form, published statements, feeds.
The secretariat's queue of what the public sent is in queue_views."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import Response
from sqlalchemy.orm import Session

from nohaven.auth.deps import DbSession
from nohaven.config import AppSettings, Settings
from nohaven.errors import NotFound
from nohaven.governance.bodies.service import body_by_ref
from nohaven.governance.public import atom
from nohaven.governance.public import service as public
from nohaven.governance.statements import languages
from nohaven.governance.statements import service as statements_service
from nohaven.kit.clock import utcnow
from nohaven.kit.i18n import N_, current_language
from nohaven.kit.i18n import gettext as _
from nohaven.web.forms import form_action
from nohaven.web.templating import render

router = APIRouter()


def _base_url(request: Request) -> str:
    return str(request.base_url).rstrip("/")


@router.get("/public/bodies/{slug}")
def body_page(request: Request, session: DbSession, slug: str) -> Response:
    info = public.public_body(session, slug=slug)
    return render(
        request,
        "governance/public_body.html",
        {
            "title": info.body.name,
            "info": info,
            "statements": statements_service.published_statements(session, body_id=info.body.id),
        },
    )


def _contact_page(
    request: Request,
    session: Session,
    settings: Settings,
    slug: str,
    *,
    status_code: int = 200,
    **extra: Any,
) -> Response:
    info = public.public_body(session, slug=slug)
    return render(
        request,
        "governance/contact.html",
        {
            "title": _("Contact %(name)s") % {"name": info.body.name},
            "info": info,
            "form_token": public.form_token(settings.secret_key.get_secret_value()),
            **extra,
        },
        status_code=status_code,
    )


@router.get("/public/bodies/{slug}/contact")
def contact_page(
    request: Request, session: DbSession, settings: AppSettings, slug: str
) -> Response:
    return _contact_page(request, session, settings, slug)


@router.post("/public/bodies/{slug}/contact")
def contact(
    request: Request,
    session: DbSession,
    settings: AppSettings,
    slug: str,
    form_token: Annotated[str, Form(max_length=500)] = "",
    website: Annotated[str, Form(max_length=500)] = "",
    name: Annotated[str, Form(max_length=1000)] = "",
    email: Annotated[str, Form(max_length=1000)] = "",
    subject: Annotated[str, Form(max_length=1000)] = "",
    message: Annotated[str, Form(max_length=20000)] = "",
) -> Response:
    values = {"name": name, "email": email, "subject": subject, "message": message}
    return form_action(
        request,
        session,
        lambda: public.submit_contact(
            session,
            secret=settings.secret_key.get_secret_value(),
            slug=slug,
            client_address=request.client.host if request.client else "unknown",
            token=form_token,
            honeypot=website,
            name=name,
            email=email,
            subject=subject,
            message=message,
            per_hour=settings.contact_per_hour,
            min_fill_seconds=settings.contact_min_fill_seconds,
        ),
        refused=lambda refusal: _contact_page(
            request,
            session,
            settings,
            slug,
            error=refusal.message,
            fields=refusal.fields,
            values=values,
            status_code=refusal.status_code,
        ),
        # A caught bot sees the same thanks as a person.
        redirect=f"/public/bodies/{slug}/contact",
        flash=N_("Thank you. Your message has reached the secretariat."),
    )


def _statement(request: Request, session: Session, slug: str, language: str | None) -> Response:
    item = statements_service.published_statement(session, slug=slug)
    texts = languages.published_texts(session, item.statement)
    if language is not None and language not in {t.language for t in texts}:
        raise NotFound(N_("The statement has no text in that language."))
    # The plain address shows the text in the reader's language when the statement has one.
    shown = languages.chosen(texts, language or current_language())
    return render(
        request,
        "governance/public_statement.html",
        {"title": shown.title, "item": item, "texts": texts, "shown": shown},
    )


@router.get("/public/statements/{slug}")
def statement_page(request: Request, session: DbSession, slug: str) -> Response:
    return _statement(request, session, slug, None)


@router.get("/public/statements/{slug}/{language}")
def statement_in(request: Request, session: DbSession, slug: str, language: str) -> Response:
    """One language's text of a statement, at its own address (the `hreflang` links)."""
    return _statement(request, session, slug, language)


def _feed(request: Request, session: Session, body_slug: str | None) -> Response:
    body = body_by_ref(session, body_slug) if body_slug else None
    items = statements_service.published_statements(session, body_id=body.id if body else None)
    path = f"/public/bodies/{body_slug}/statements.atom" if body else "/public/statements.atom"
    xml = atom.feed(
        [(item, languages.published_texts(session, item.statement)) for item in items],
        title=_("Statements of %(body)s") % {"body": body.name}
        if body
        else _("Published statements"),
        language=current_language(),
        base_url=_base_url(request),
        self_path=path,
        updated=utcnow(),
    )
    return Response(xml, media_type="application/atom+xml; charset=utf-8")


@router.get("/public/statements.atom")
def feed_all(request: Request, session: DbSession) -> Response:
    return _feed(request, session, None)


@router.get("/public/bodies/{slug}/statements.atom")
def feed_body(request: Request, session: DbSession, slug: str) -> Response:
    return _feed(request, session, slug)
