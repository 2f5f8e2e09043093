"""The organisation an FOI test case belongs to: a case needs one in the ledger (the organisation that received
the request), and the FOI tests often start from a ledger with no agreement recorded."""

from __future__ import annotations

from sqlalchemy.orm import Session

from sharelog.ledger.models import Organisation

FOI_ORGANISATION = "home-office"  # the 2020 request went to the Home Office
_KNOWN = {
    "home-office": ("Home Office", "requester"),
    "dfe": ("Department for Education", "holder"),
}


def foi_organisation(session: Session, organisation_id: str = FOI_ORGANISATION) -> str:
    """``organisation_id``, added to the ledger if it is not there yet (as the agreements would add it)."""
    if session.get(Organisation, organisation_id) is None:
        name, kind = _KNOWN.get(organisation_id, (organisation_id.replace("-", " ").title(), "recipient"))
        session.add(Organisation(id=organisation_id, name=name, kind=kind))
        session.flush()
    return organisation_id
