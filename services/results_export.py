"""Results of a period, as rows for `services.export.to_csv`."""

from __future__ import annotations

from collections.abc import Sequence
from itertools import groupby

from services.export import result_rows
from store.oversight import ParticipantRow


def period_rows(found: Sequence[ParticipantRow]) -> list[list[object]]:
    """One row per participant (columns `services.export.RESULT_HEADERS`),
    in the order given (sessions kept together)."""
    rows: list[list[object]] = []
    for _, group in groupby(found, key=lambda r: r.session.id):
        members = list(group)
        rows += result_rows(members[0].session, [r.participant for r in members],
                            members[0].pass_mark,
                            {r.participant.id or 0: r.extra_minutes for r in members})
    return rows
