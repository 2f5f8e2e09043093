"""Who the API token (or session) acts as."""

from __future__ import annotations

from fastapi import APIRouter
from pydantic import BaseModel

from sharelog.web._security import CurrentUser

router = APIRouter(tags=["accounts"])


class UserPublic(BaseModel):
    """The account a request acts as."""

    username: str
    display_name: str
    role: str
    organisation_id: str


@router.get("/me", summary="Who this token acts as")
def api_read_me(user: CurrentUser) -> UserPublic:
    """The account, role and organisation the request acts as."""
    return UserPublic(
        username=user.username,
        display_name=user.display_name,
        role=user.role,
        organisation_id=user.organisation_id,
    )
