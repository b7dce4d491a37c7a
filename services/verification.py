"""Checking a certificate's verification code against the database."""

from __future__ import annotations

import asyncio
import hashlib
from pathlib import Path

from domain.keys import normalize_key
from domain.models import DocumentKind
from domain.rules import decide
from store.errors import NotFound
from store.scope import Scope
from store.store import Store


def _sha256(path: Path) -> str | None:
    try:
        digest = hashlib.sha256()
        with open(path, "rb") as f:
            for block in iter(lambda: f.read(1 << 16), b""):
                digest.update(block)
        return digest.hexdigest()
    except OSError:
        return None


async def describe_certificate(store: Store, documents_dir: Path, code: str) -> str | None:
    """A French description of the certificate with this code, or None.

    Also says whether the stored file still matches the checksum recorded
    when it was produced."""
    normalized = normalize_key(code)
    if normalized is None:
        return None
    document = await store.documents.by_verify_code(normalized)
    if document is None or document.kind is not DocumentKind.CERTIFICATE:
        return None
    scope = Scope.admin("verify")
    try:
        participant = await store.sessions.participant(scope, document.participant_id)  # type: ignore[arg-type]
        session = await store.sessions.session(scope, document.session_id)  # type: ignore[arg-type]
        formation = await store.banks.formation(session.formation_code)
        centre = await store.centres.centre(scope, document.centre_id)
    except NotFound:
        return None
    # The same wording as the certificate; pdfgen (reportlab) loads only when asked.
    from pdfgen.styles import french_date, local_day
    from pdfgen.text import clean
    identity = participant.identity
    name = " ".join(clean(x) for x in (identity.first_name, identity.last_name) if clean(x))
    outcome = decide(participant.score, participant.practical, formation.pass_mark,
                     participant.is_retake)
    stored = await asyncio.to_thread(_sha256, documents_dir / document.path)
    if stored is None:
        file_state = "fichier absent du serveur"
    elif stored == document.sha256:
        file_state = "fichier conforme"
    else:
        file_state = "ATTENTION : le fichier a été modifié depuis sa production"
    issued = french_date(local_day(document.created_at, centre.timezone))
    lines = [
        f"Attestation de réussite authentique — code {normalized}",
        f"Candidat : {name or '—'} (participant n° {participant.number})",
        f"Formation : {clean(formation.name)} ({clean(formation.code)})",
        f"Session du {french_date(session.day)} à {clean(session.place)}, centre "
        f"{clean(session.centre_name)}, formateur {clean(session.trainer_name)}",
        f"Résultats : QCM {participant.score}/{formation.questions_per_qcm}, évaluation "
        f"pratique {participant.practical.label.lower()} — {outcome.label}",
        f"Délivrée le {issued}",
        f"Empreinte SHA-256 : {document.sha256} ({file_state})",
    ]
    return "\n".join(lines)
