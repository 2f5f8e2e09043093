"""Errors on a form: keyed by the id of the input they are about, listed in the order the form shows its inputs
(the GOV.UK error summary links each to its input, top to bottom)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

__all__ = ["in_form_order"]


def in_form_order(errors: Mapping[str, str], inputs: Sequence[str]) -> dict[str, str]:
    """``errors`` (input id → message) in the order of the form's ``inputs``; an input not listed goes last."""
    rank = {name: position for position, name in enumerate(inputs)}
    return dict(sorted(errors.items(), key=lambda item: rank.get(item[0], len(rank))))
