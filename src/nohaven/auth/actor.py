"""Who is acting: a user (through a session or an API token) or the system itself."""

from __future__ import annotations

from dataclasses import dataclass, field

from nohaven.members.models import UserRole


@dataclass(frozen=True)
class Actor:
    user_id: str | None
    label: str
    organisation_id: str | None = None
    organisation_kind: str | None = None
    country: str | None = None
    roles: frozenset[str] = frozenset()
    # body id -> role of the actor's organisation in that body, today.
    body_roles: dict[str, str] = field(default_factory=dict)
    # None for a browser session (all of the user's rights); a set for an API token.
    scopes: frozenset[str] | None = None
    is_system: bool = False
    # What a person is called on the page (their display name); ``label`` stays the address the
    # audit log names them by.
    display_name: str = ""

    @classmethod
    def system(cls, label: str = "system") -> Actor:
        return cls(user_id=None, label=label, is_system=True)

    def has(self, role: UserRole) -> bool:
        return role.value in self.roles

    @property
    def is_secretariat(self) -> bool:
        return self.is_system or self.has(UserRole.SECRETARIAT_ADMIN)

    def in_body(self, body_id: str) -> bool:
        return body_id in self.body_roles
