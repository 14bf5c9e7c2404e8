"""JSON API for the mission statement, signatures, progress reports and the showcase."""

from __future__ import annotations

from fastapi import APIRouter, status

from nohaven.auth.deps import ApiActor, DbSession
from nohaven.governance.bodies.service import body_by_ref
from nohaven.governance.progress import service, showcase
from nohaven.governance.progress.schemas import (
    CaseStudyCreate,
    CaseStudyRead,
    CommitmentRead,
    DashboardRead,
    MissionCreate,
    MissionRead,
    ProgressReportCreate,
    ReportRead,
)

router = APIRouter(tags=["governance"])


def _mission(session: DbSession, actor: ApiActor, body_id: str) -> MissionRead:
    mission = service.mission_of(session, actor=actor, body_id=body_id)
    return MissionRead(
        id=mission.id,
        body_id=mission.body_id,
        title=mission.title,
        preamble=mission.preamble,
        commitments=[
            CommitmentRead(number=c.number, text=c.text)
            for c in service.commitments(session, mission=mission)
        ],
        signatories={
            s.organisation_id: s.signed_on for s in service.signatures(session, mission=mission)
        },
    )


@router.get("/governance/bodies/{body}/mission", response_model=MissionRead)
def get_mission(body: str, session: DbSession, actor: ApiActor) -> MissionRead:
    return _mission(session, actor, body_by_ref(session, body).id)


@router.post(
    "/governance/bodies/{body}/mission",
    response_model=MissionRead,
    status_code=status.HTTP_201_CREATED,
)
def create_mission(
    body: str, data: MissionCreate, session: DbSession, actor: ApiActor
) -> MissionRead:
    found = body_by_ref(session, body)
    service.create_mission(
        session,
        actor=actor,
        body_id=found.id,
        title=data.title,
        preamble=data.preamble,
        commitments=data.commitments,
    )
    return _mission(session, actor, found.id)


@router.post("/governance/bodies/{body}/mission/signatures", response_model=MissionRead)
def sign(body: str, session: DbSession, actor: ApiActor) -> MissionRead:
    found = body_by_ref(session, body)
    mission = service.mission_of(session, actor=actor, body_id=found.id)
    service.sign(session, actor=actor, mission_id=mission.id)
    return _mission(session, actor, found.id)


@router.post(
    "/governance/bodies/{body}/progress",
    response_model=ReportRead,
    status_code=status.HTTP_201_CREATED,
)
def report(
    body: str, data: ProgressReportCreate, session: DbSession, actor: ApiActor
) -> ReportRead:
    found = body_by_ref(session, body)
    row = service.report_progress(
        session,
        actor=actor,
        body_id=found.id,
        commitment_number=data.commitment_number,
        period=data.period,
        status=data.status.value,
        narrative=data.narrative,
        evidence=data.evidence,
    )
    return ReportRead(
        id=row.id,
        organisation_id=row.organisation_id,
        commitment_number=data.commitment_number,
        period=row.period,
        status=row.status,
        narrative=row.narrative,
        evidence=list(row.evidence),
        updated_at=row.updated_at,
    )


@router.get("/governance/bodies/{body}/progress", response_model=DashboardRead)
def dashboard(
    body: str, session: DbSession, actor: ApiActor, organisation: str | None = None
) -> DashboardRead:
    found = body_by_ref(session, body)
    board = service.dashboard(session, actor=actor, body_id=found.id, organisation_id=organisation)
    return DashboardRead(
        mission_id=board.mission.id,
        commitments=[CommitmentRead(number=c.number, text=c.text) for c in board.commitments],
        counts={c.number: dict(board.counts(c.number)) for c in board.commitments},
        reports=[
            ReportRead(
                id=r.id,
                organisation_id=org,
                commitment_number=number,
                period=r.period,
                status=r.status,
                narrative=r.narrative,
                evidence=list(r.evidence),
                updated_at=r.updated_at,
            )
            for (org, number), r in sorted(board.latest.items())
        ],
    )


def _study(s: object) -> CaseStudyRead:
    return CaseStudyRead.model_validate(s, from_attributes=True)


@router.get("/case-studies", response_model=list[CaseStudyRead])
def search(
    session: DbSession,
    actor: ApiActor,
    q: str = "",
    commitment: int | None = None,
    capability: int | None = None,
    body: str | None = None,
) -> list[CaseStudyRead]:
    body_id = body_by_ref(session, body).id if body else None
    return [
        _study(s)
        for s in showcase.search_case_studies(
            session,
            actor=actor,
            query=q[:200],
            commitment=commitment,
            capability=capability,
            body_id=body_id,
        )
    ]


@router.post(
    "/governance/bodies/{body}/case-studies",
    response_model=CaseStudyRead,
    status_code=status.HTTP_201_CREATED,
)
def create_case_study(
    body: str, data: CaseStudyCreate, session: DbSession, actor: ApiActor
) -> CaseStudyRead:
    found = body_by_ref(session, body)
    return _study(
        showcase.create_case_study(
            session,
            actor=actor,
            body_id=found.id,
            title=data.title,
            text=data.text,
            commitment_numbers=data.commitments,
            capabilities=data.capabilities,
            publish=data.publish,
        )
    )


@router.post("/case-studies/{case_study_id}/publish", response_model=CaseStudyRead)
def publish_case_study(case_study_id: str, session: DbSession, actor: ApiActor) -> CaseStudyRead:
    return _study(showcase.publish_case_study(session, actor=actor, case_study_id=case_study_id))
