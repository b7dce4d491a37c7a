"""Schema migrations: step N brings PRAGMA user_version from N-1 to N.

Never edit a released step; append a new one."""

from __future__ import annotations

IDENTITY_COLUMNS = ("civility", "last_name", "first_name", "company", "company_address",
                    "postal_code", "city", "country", "email")

_identity_changed = " OR ".join(f"NEW.{c} IS NOT OLD.{c}" for c in IDENTITY_COLUMNS)

STEP_1 = [
    """CREATE TABLE formations (
        code TEXT PRIMARY KEY,
        name TEXT NOT NULL,
        questions_per_qcm INTEGER NOT NULL DEFAULT 30 CHECK (questions_per_qcm > 0),
        pass_mark INTEGER NOT NULL DEFAULT 24 CHECK (pass_mark >= 0),
        active INTEGER NOT NULL DEFAULT 1
    )""",
    """CREATE TABLE themes (
        id INTEGER PRIMARY KEY,
        formation_code TEXT NOT NULL REFERENCES formations(code),
        position INTEGER NOT NULL,
        name TEXT NOT NULL,
        UNIQUE (formation_code, name)
    )""",
    """CREATE TABLE questions (
        id INTEGER PRIMARY KEY,
        formation_code TEXT NOT NULL REFERENCES formations(code),
        theme_id INTEGER NOT NULL REFERENCES themes(id),
        text TEXT NOT NULL,
        choice_a TEXT NOT NULL, choice_b TEXT NOT NULL,
        choice_c TEXT NOT NULL, choice_d TEXT NOT NULL,
        correct INTEGER NOT NULL CHECK (correct BETWEEN 0 AND 3),
        active INTEGER NOT NULL DEFAULT 1,
        replaces INTEGER REFERENCES questions(id),
        created_at TEXT NOT NULL
    )""",
    "CREATE INDEX questions_formation ON questions(formation_code, theme_id)",
    # A stored question version never changes: editing makes a new version.
    """CREATE TRIGGER questions_immutable BEFORE UPDATE OF
        formation_code, theme_id, text, choice_a, choice_b, choice_c, choice_d, correct
        ON questions BEGIN
        SELECT RAISE(ABORT, 'LOCKED: une question enregistrée ne change pas (nouvelle version requise)');
    END""",
    """CREATE TABLE centres (
        id INTEGER PRIMARY KEY,
        name TEXT NOT NULL UNIQUE,
        address TEXT NOT NULL DEFAULT '',
        postal_code TEXT NOT NULL DEFAULT '',
        city TEXT NOT NULL DEFAULT '',
        timezone TEXT NOT NULL DEFAULT 'Europe/Paris',
        active INTEGER NOT NULL DEFAULT 1
    )""",
    """CREATE TABLE trainers (
        id INTEGER PRIMARY KEY,
        centre_id INTEGER NOT NULL REFERENCES centres(id),
        name TEXT NOT NULL,
        email TEXT NOT NULL DEFAULT '',
        active INTEGER NOT NULL DEFAULT 1,
        UNIQUE (centre_id, name)
    )""",
    """CREATE TABLE accounts (
        id INTEGER PRIMARY KEY,
        login TEXT NOT NULL UNIQUE,
        role TEXT NOT NULL CHECK (role IN ('admin', 'centre')),
        centre_id INTEGER REFERENCES centres(id),
        password_hash TEXT,
        disabled INTEGER NOT NULL DEFAULT 0,
        created_at TEXT NOT NULL,
        CHECK ((role = 'admin' AND centre_id IS NULL) OR (role = 'centre' AND centre_id IS NOT NULL))
    )""",
    """CREATE TABLE account_keys (
        id INTEGER PRIMARY KEY,
        account_id INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
        key_line TEXT NOT NULL,
        fingerprint TEXT NOT NULL,
        added_at TEXT NOT NULL,
        UNIQUE (account_id, fingerprint)
    )""",
    """CREATE TABLE qcms (
        id INTEGER PRIMARY KEY,
        centre_id INTEGER NOT NULL REFERENCES centres(id),
        formation_code TEXT NOT NULL REFERENCES formations(code),
        title TEXT NOT NULL,
        created_at TEXT NOT NULL
    )""",
    "CREATE INDEX qcms_centre ON qcms(centre_id)",
    """CREATE TABLE qcm_questions (
        qcm_id INTEGER NOT NULL REFERENCES qcms(id),
        position INTEGER NOT NULL,
        question_id INTEGER NOT NULL REFERENCES questions(id),
        PRIMARY KEY (qcm_id, position)
    )""",
    *[
        f"""CREATE TRIGGER qcm_questions_fixed_{op.lower()} BEFORE {op} ON qcm_questions BEGIN
            SELECT RAISE(ABORT, 'LOCKED: les questions d''un QCM sont fixées à sa création');
        END"""
        for op in ("UPDATE", "DELETE")
    ],
    """CREATE TABLE paper_batches (
        id INTEGER PRIMARY KEY,
        qcm_id INTEGER NOT NULL REFERENCES qcms(id),
        copies INTEGER NOT NULL CHECK (copies > 0),
        seed TEXT NOT NULL,
        created_at TEXT NOT NULL,
        document_id INTEGER REFERENCES documents(id)
    )""",
    """CREATE TABLE sessions (
        id INTEGER PRIMARY KEY,
        qcm_id INTEGER NOT NULL REFERENCES qcms(id),
        centre_id INTEGER NOT NULL REFERENCES centres(id),
        kind TEXT NOT NULL CHECK (kind IN ('offline', 'online')),
        centre_name TEXT NOT NULL,
        trainer_id INTEGER REFERENCES trainers(id),
        trainer_name TEXT NOT NULL,
        place TEXT NOT NULL,
        day TEXT NOT NULL,
        starts_at TEXT,
        ends_at TEXT,
        created_at TEXT NOT NULL,
        CHECK (kind = 'offline' OR (starts_at IS NOT NULL AND ends_at > starts_at))
    )""",
    "CREATE INDEX sessions_centre ON sessions(centre_id)",
    """CREATE TABLE participant_numbers (
        year INTEGER PRIMARY KEY,
        last INTEGER NOT NULL
    )""",
    """CREATE TABLE participants (
        id INTEGER PRIMARY KEY,
        session_id INTEGER NOT NULL REFERENCES sessions(id),
        centre_id INTEGER NOT NULL REFERENCES centres(id),
        number TEXT NOT NULL UNIQUE,
        civility TEXT NOT NULL DEFAULT '',
        last_name TEXT NOT NULL DEFAULT '',
        first_name TEXT NOT NULL DEFAULT '',
        company TEXT NOT NULL DEFAULT '',
        company_address TEXT NOT NULL DEFAULT '',
        postal_code TEXT NOT NULL DEFAULT '',
        city TEXT NOT NULL DEFAULT '',
        country TEXT NOT NULL DEFAULT '',
        email TEXT NOT NULL DEFAULT '',
        score INTEGER,
        practical TEXT NOT NULL DEFAULT 'unknown'
            CHECK (practical IN ('unknown', 'favourable', 'unfavourable')),
        retake_of TEXT,
        copy_number INTEGER,
        submitted INTEGER NOT NULL DEFAULT 0,
        locked_at TEXT,
        created_at TEXT NOT NULL
    )""",
    "CREATE INDEX participants_session ON participants(session_id)",
    "CREATE UNIQUE INDEX participants_one_retake ON participants(retake_of) WHERE retake_of IS NOT NULL",
    """CREATE TRIGGER participants_locked_update BEFORE UPDATE ON participants
        WHEN OLD.locked_at IS NOT NULL BEGIN
        SELECT RAISE(ABORT, 'LOCKED: participant verrouillé (documents générés)');
    END""",
    """CREATE TRIGGER participants_locked_delete BEFORE DELETE ON participants
        WHEN OLD.locked_at IS NOT NULL OR OLD.submitted = 1 BEGIN
        SELECT RAISE(ABORT, 'LOCKED: participant verrouillé');
    END""",
    f"""CREATE TRIGGER participants_submitted_update BEFORE UPDATE ON participants
        WHEN OLD.submitted = 1 AND ({_identity_changed} OR NEW.score IS NOT OLD.score
            OR NEW.submitted IS NOT 1 OR NEW.retake_of IS NOT OLD.retake_of
            OR NEW.number IS NOT OLD.number OR NEW.session_id IS NOT OLD.session_id
            OR NEW.centre_id IS NOT OLD.centre_id OR NEW.created_at IS NOT OLD.created_at
            OR NEW.copy_number IS NOT OLD.copy_number) BEGIN
        SELECT RAISE(ABORT, 'LOCKED: QCM validé, les données du candidat ne changent plus');
    END""",
    """CREATE TABLE online_keys (
        id INTEGER PRIMARY KEY,
        session_id INTEGER NOT NULL REFERENCES sessions(id),
        code TEXT NOT NULL UNIQUE,
        participant_id INTEGER NOT NULL UNIQUE REFERENCES participants(id),
        state TEXT NOT NULL DEFAULT 'unused' CHECK (state IN ('unused', 'in_progress', 'submitted')),
        seed TEXT NOT NULL,
        lease_token TEXT,
        lease_until TEXT,
        started_at TEXT,
        submitted_at TEXT
    )""",
    "CREATE INDEX online_keys_session ON online_keys(session_id)",
    """CREATE TRIGGER online_keys_submitted_update BEFORE UPDATE ON online_keys
        WHEN OLD.state = 'submitted' BEGIN
        SELECT RAISE(ABORT, 'LOCKED: clé déjà validée');
    END""",
    """CREATE TRIGGER online_keys_submitted_delete BEFORE DELETE ON online_keys
        WHEN OLD.state = 'submitted' BEGIN
        SELECT RAISE(ABORT, 'LOCKED: une clé validée ne peut pas être supprimée');
    END""",
    """CREATE TABLE answers (
        participant_id INTEGER NOT NULL REFERENCES participants(id),
        question_id INTEGER NOT NULL REFERENCES questions(id),
        choice INTEGER NOT NULL CHECK (choice BETWEEN 0 AND 3),
        answered_at TEXT NOT NULL,
        PRIMARY KEY (participant_id, question_id)
    ) WITHOUT ROWID""",
    *[
        f"""CREATE TRIGGER answers_locked_{op.lower()} BEFORE {op} ON answers
            WHEN (SELECT submitted = 1 OR locked_at IS NOT NULL FROM participants
                  WHERE id = {ref}.participant_id) BEGIN
            SELECT RAISE(ABORT, 'LOCKED: réponses validées, plus de modification possible');
        END"""
        for op, ref in (("INSERT", "NEW"), ("UPDATE", "OLD"), ("DELETE", "OLD"))
    ],
    """CREATE TRIGGER sessions_printed_fields BEFORE UPDATE OF
        centre_name, trainer_id, trainer_name, place, day, qcm_id, kind ON sessions
        WHEN (NEW.centre_name IS NOT OLD.centre_name OR NEW.trainer_id IS NOT OLD.trainer_id
              OR NEW.trainer_name IS NOT OLD.trainer_name OR NEW.place IS NOT OLD.place
              OR NEW.day IS NOT OLD.day OR NEW.qcm_id IS NOT OLD.qcm_id OR NEW.kind IS NOT OLD.kind)
         AND EXISTS (SELECT 1 FROM participants WHERE session_id = OLD.id
                     AND (submitted = 1 OR locked_at IS NOT NULL)) BEGIN
        SELECT RAISE(ABORT, 'LOCKED: centre, formateur, lieu et date figurent déjà sur des résultats validés');
    END""",
    """CREATE TABLE documents (
        id INTEGER PRIMARY KEY,
        centre_id INTEGER NOT NULL REFERENCES centres(id),
        session_id INTEGER REFERENCES sessions(id),
        participant_id INTEGER REFERENCES participants(id),
        kind TEXT NOT NULL CHECK (kind IN ('paper', 'letter', 'certificate')),
        path TEXT NOT NULL UNIQUE,
        sha256 TEXT NOT NULL,
        created_at TEXT NOT NULL,
        verify_code TEXT UNIQUE,
        sent_at TEXT
    )""",
    "CREATE INDEX documents_centre ON documents(centre_id, session_id)",
    """CREATE TRIGGER documents_immutable BEFORE UPDATE OF
        centre_id, session_id, participant_id, kind, path, sha256, created_at, verify_code
        ON documents BEGIN
        SELECT RAISE(ABORT, 'LOCKED: un document produit ne change pas');
    END""",
    """CREATE TABLE audit (
        id INTEGER PRIMARY KEY,
        at TEXT NOT NULL,
        actor TEXT NOT NULL,
        action TEXT NOT NULL,
        object_type TEXT NOT NULL,
        object_id TEXT NOT NULL,
        detail TEXT NOT NULL DEFAULT ''
    )""",
    """CREATE TABLE auth_failures (
        source TEXT NOT NULL,
        kind TEXT NOT NULL,
        at TEXT NOT NULL
    )""",
    "CREATE INDEX auth_failures_source ON auth_failures(source, kind, at)",
]

# Where the candidate was in the QCM, so a new connection resumes there.
STEP_2 = [
    "ALTER TABLE online_keys ADD COLUMN position INTEGER NOT NULL DEFAULT 0",
]

# The certification rules (domain/invariants.py) that the database can state
# itself, so that no path and no direct SQL can break them.
_FORMATION_OF = ("(SELECT q.formation_code FROM sessions s JOIN qcms q ON q.id = s.qcm_id "
                 "WHERE s.id = {session})")
_FIRST_MAY_BE_RETAKEN = f"""EXISTS (
    SELECT 1 FROM participants f JOIN sessions s ON s.id = f.session_id
    JOIN qcms q ON q.id = s.qcm_id JOIN formations fo ON fo.code = q.formation_code
    WHERE f.number = NEW.retake_of AND f.id IS NOT NEW.id
      AND q.formation_code = {_FORMATION_OF.format(session="NEW.session_id")}
      AND f.retake_of IS NULL AND f.locked_at IS NOT NULL
      AND f.practical = 'favourable' AND f.score IS NOT NULL AND f.score < fo.pass_mark)"""
_QUOTED = "EXISTS (SELECT 1 FROM participants r WHERE r.retake_of = OLD.number)"
_PASSED = """EXISTS (
    SELECT 1 FROM participants p JOIN sessions s ON s.id = p.session_id
    JOIN qcms q ON q.id = s.qcm_id JOIN formations fo ON fo.code = q.formation_code
    WHERE p.number = {number} AND p.practical = 'favourable'
      AND p.score IS NOT NULL AND p.score >= fo.pass_mark)"""
_CERTIFIED = """EXISTS (SELECT 1 FROM documents d JOIN participants p ON p.id = d.participant_id
    WHERE d.kind = 'certificate' AND p.number = {number})"""

STEP_3 = [
    # Rule 1: a second attempt quotes a final first attempt that may be retaken,
    # and carries its favourable practical result (one retake per first
    # attempt: participants_one_retake).
    *[
        f"""CREATE TRIGGER participants_retake_{op.lower()} BEFORE {op} ON participants
            WHEN NEW.retake_of IS NOT NULL {when} BEGIN
            SELECT RAISE(ABORT, 'RULE: second passage refusé (premier passage inconnu, d''une autre formation, non définitif ou sans droit au rattrapage)')
            WHERE NOT {_FIRST_MAY_BE_RETAKEN};
            SELECT RAISE(ABORT, 'RULE: un second passage reprend l''évaluation pratique favorable du premier')
            WHERE NEW.practical IS NOT 'favourable';
        END"""
        for op, when in (
            ("INSERT", ""),
            ("UPDATE", "AND (NEW.retake_of IS NOT OLD.retake_of OR NEW.practical IS NOT "
                       "OLD.practical OR NEW.session_id IS NOT OLD.session_id)"))
    ],
    # Rule 2: a first attempt quoted by a second attempt keeps its decision.
    """CREATE TRIGGER participants_quoted_update BEFORE UPDATE ON participants
        WHEN (NEW.score IS NOT OLD.score OR NEW.practical IS NOT OLD.practical
              OR NEW.retake_of IS NOT OLD.retake_of OR NEW.number IS NOT OLD.number
              OR NEW.session_id IS NOT OLD.session_id) AND """ + _QUOTED + """ BEGIN
        SELECT RAISE(ABORT, 'RULE: ce participant est le premier passage cité par un second passage');
    END""",
    """CREATE TRIGGER participants_quoted_delete BEFORE DELETE ON participants
        WHEN """ + _QUOTED + """ BEGIN
        SELECT RAISE(ABORT, 'RULE: ce participant est le premier passage cité par un second passage');
    END""",
    # Rules 3 and 4: one certificate per participant and per chain, only for
    # a passed result, never citing a first attempt that passed.
    "CREATE UNIQUE INDEX documents_one_certificate ON documents(participant_id) "
    "WHERE kind = 'certificate'",
    # The rules count a participant's letters and certificates.
    "CREATE INDEX documents_participant ON documents(participant_id, kind)",
    f"""CREATE TRIGGER documents_certificate_rules BEFORE INSERT ON documents
        WHEN NEW.kind = 'certificate' AND NEW.participant_id IS NOT NULL BEGIN
        SELECT RAISE(ABORT, 'RULE: attestation refusée : le résultat n''est pas « reçu »')
        WHERE NOT {_PASSED.format(number="(SELECT number FROM participants WHERE id = NEW.participant_id)")};
        SELECT RAISE(ABORT, 'RULE: attestation refusée : le premier passage est déjà reçu ou attesté')
        WHERE EXISTS (SELECT 1 FROM participants r WHERE r.id = NEW.participant_id
                      AND r.retake_of IS NOT NULL
                      AND ({_PASSED.format(number="r.retake_of")}
                           OR {_CERTIFIED.format(number="r.retake_of")}));
        SELECT RAISE(ABORT, 'RULE: attestation refusée : le second passage est déjà attesté')
        WHERE EXISTS (SELECT 1 FROM participants f JOIN participants r ON r.retake_of = f.number
                      WHERE f.id = NEW.participant_id
                      AND {_CERTIFIED.format(number="r.number")});
    END""",
]

# Extra time granted to one key beyond its session's end (aménagement
# d'épreuve); domain.window.MAX_EXTRA_MINUTES states the bound.
STEP_4 = [
    "ALTER TABLE online_keys ADD COLUMN extra_minutes INTEGER NOT NULL DEFAULT 0 "
    "CHECK (extra_minutes BETWEEN 0 AND 720)",
]

# Several server processes (nodes) on one database: each has a row, beaten
# every few seconds (store.nodes); a lease and a paper batch being drawn name
# the node that holds them, so a node starting or a candidate reconnecting
# frees only what a dead node held. The SSH host key shared by every node
# (PostgreSQL; SQLite keeps its file under data_dir).
STEP_5 = [
    # AUTOINCREMENT: a node id is never given again (a lease, a batch or a
    # lock file naming a node that left never passes for a new one).
    """CREATE TABLE nodes (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        label TEXT NOT NULL,
        started_at TEXT NOT NULL,
        beat_at TEXT NOT NULL
    )""",
    "ALTER TABLE online_keys ADD COLUMN lease_node INTEGER",
    "ALTER TABLE paper_batches ADD COLUMN node_id INTEGER",
    """CREATE TABLE host_keys (
        name TEXT PRIMARY KEY,
        private_key TEXT NOT NULL,
        created_at TEXT NOT NULL
    )""",
]

MIGRATIONS: list[list[str]] = [STEP_1, STEP_2, STEP_3, STEP_4, STEP_5]
