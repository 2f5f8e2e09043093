"""What the review tests do to an exchange's review file: make one request's forename and date of birth differ from
its best candidate's, as the exchange would have written it for such a request."""

from __future__ import annotations

import json

from sharelog.settings import Settings


def make_forename_and_date_of_birth_differ(settings: Settings, reference: str, request_ref: str) -> None:
    """Rewrite one item of exchange ``reference``'s review file (plain JSON: the test worlds have no file key):
    the request's forename and date of birth unlike the candidate's, and the evidence saying so."""
    path = settings.review_path() / f"{reference}.json"
    document = json.loads(path.read_text("utf-8"))
    item = next(i for i in document["items"] if i["request_id"] == request_ref)
    item["details"] |= {"forename": "Zebedee", "dob": "2001-01-01"}
    for evidence in item["evidence"]:
        if evidence["comparison"] in ("forename", "dob"):
            evidence |= {"best_level": "All other comparisons", "best_weight": -5.0, "best_agrees": False}
    path.write_text(json.dumps(document), "utf-8")
