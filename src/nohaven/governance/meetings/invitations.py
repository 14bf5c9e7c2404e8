"""Meeting invitations in delegates' calendars: when a meeting is scheduled, changed or
cancelled, every delegate of each organisation seated in the body gets a notice and, by
e-mail, an iCalendar attachment (METHOD:REQUEST, or CANCEL) whose SEQUENCE grows with each
change. The copy that travels by e-mail carries the title, time and place and a link; the
agenda and the online link stay on the platform."""

from __future__ import annotations

from sqlalchemy.orm import Session

from nohaven.auth.actor import Actor
from nohaven.governance.meetings import ics
from nohaven.governance.meetings.models import Meeting
from nohaven.kit.clock import utcnow
from nohaven.members import service as members_service
from nohaven.members.models import Body, MembershipRole
from nohaven.notifications import calendar
from nohaven.notifications import service as notifications

# Seats whose delegates are invited: everyone who sits in the body's meetings.
INVITED_ROLES = frozenset(
    {
        MembershipRole.CHAIR,
        MembershipRole.VICE_CHAIR,
        MembershipRole.MEMBER,
        MembershipRole.AFFILIATE,
        MembershipRole.OBSERVER,
        MembershipRole.SECRETARIAT,
    }
)
KIND_OF_CHANGE = {
    "scheduled": "governance.meeting.invitation",
    "changed": "governance.meeting.updated",
    "cancelled": "governance.meeting.cancelled",
}

WORDS = {
    "scheduled": "Meeting scheduled",
    "changed": "Meeting changed",
    "cancelled": "Meeting cancelled",
}


def meeting_path(meeting: Meeting) -> str:
    return f"/meetings/{meeting.id}"


def tell_delegates(
    session: Session, *, actor: Actor, meeting: Meeting, body: Body, change: str
) -> int:
    """Send the notice and calendar entry of a scheduled, changed or cancelled meeting to the
    delegates of every organisation seated in the body; returns how many organisations."""
    method = "CANCEL" if change == "cancelled" else "REQUEST"
    sequence = calendar.next_sequence(session, f"meeting:{meeting.id}")

    def build(address: str) -> str:
        return ics.meeting_ics(
            meeting,
            body_name=body.name,
            method=method,
            sequence=sequence,
            attendees=[address],
            with_details=False,
        )

    invitation = calendar.Invitation(method=method, build=build)
    seats = members_service.seats_of_body(session, body_id=body.id, on=utcnow().date())
    organisations = sorted({s.organisation_id for s in seats if s.role in INVITED_ROLES})
    words = WORDS[change]
    for organisation_id in organisations:
        notifications.notify(
            session,
            actor=actor,
            organisation_id=organisation_id,
            kind=KIND_OF_CHANGE[change],
            title=f"{words}: {meeting.title}",
            link=meeting_path(meeting),
            invitation=invitation,
        )
    return len(organisations)
