"""QCMs: the draw of a formation's questions for one centre."""

from __future__ import annotations

from domain.models import Qcm
from services.errors import Forbidden, text
from store import Scope, Store


async def create_qcm(store: Store, scope: Scope, formation_code: str, title: str,
                     centre_id: int | None = None) -> Qcm:
    """Draw a QCM for the caller's centre; only the certification body names
    the centre (a centre naming one, even its own, is refused, not ignored)."""
    if not scope.is_admin and centre_id is not None:
        raise Forbidden("Seul l'organisme certificateur choisit le centre d'un QCM "
                        "(option --centre).")
    return await store.qcms.create_qcm(scope, formation_code, text(title, "Intitulé"),
                                       centre_id)
