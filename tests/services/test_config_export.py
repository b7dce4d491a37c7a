"""Configuration file and French-Excel CSV export."""

from __future__ import annotations

import csv
import io
from datetime import date
from pathlib import Path

import pytest

from domain.models import ExamSession, Identity, Participant, Practical, SessionKind
from services.config import Config, ConfigError, load_config, prepare_documents_dir
from services.export import RESULT_HEADERS, cell, result_rows, to_csv

ROOT = Path(__file__).resolve().parents[2]


def test_defaults_without_a_file(monkeypatch):
    monkeypatch.delenv("QCM_CONFIG", raising=False)
    config = load_config()
    assert config == Config()
    assert config.data_dir == Path("var") and config.database == Path("var/qcm.sqlite3")
    assert config.ssh.port == 2222 and config.ssh.candidate_login == "candidat"
    assert config.host_key == Path("var/ssh_host_ed25519_key")
    assert config.timezone == "Europe/Paris" and config.workers >= 1


def test_database_url_chooses_postgresql(tmp_path):
    file = tmp_path / "qcm.toml"
    file.write_text('[database]\nurl = "postgresql://qcm:s3cret@db.example.org:5433/qcm"\n')
    config = load_config(file)
    assert config.database == "postgresql://qcm:s3cret@db.example.org:5433/qcm"
    assert config.database_label == "postgresql://qcm@db.example.org:5433/qcm"
    assert config.sqlite_path == Path("var/qcm.sqlite3")
    assert Config().database_label == "var/qcm.sqlite3"


def test_example_file_is_the_defaults(tmp_path):
    example = load_config(ROOT / "config.example.toml")
    assert example.data_dir == ROOT / "var"
    assert example.ssh == Config().ssh and example.security == Config().security


def test_file_from_the_environment_and_relative_data_dir(tmp_path, monkeypatch):
    file = tmp_path / "etc" / "qcm.toml"
    file.parent.mkdir()
    file.write_text('data_dir = "../data"\ntimezone = "America/Cayenne"\n'
                    '[ssh]\nport = 2022\nhost_key = "/etc/qcm/key"\nworkers = 3\n')
    monkeypatch.setenv("QCM_CONFIG", str(file))
    config = load_config()
    assert config.data_dir == tmp_path / "etc" / ".." / "data"
    assert config.timezone == "America/Cayenne" and config.ssh.port == 2022
    assert config.host_key == Path("/etc/qcm/key") and config.workers == 3
    assert config.documents_dir == config.data_dir / "documents"


@pytest.mark.parametrize(("text", "needle"), [
    ("data_dir = ", "TOML invalide"),
    ("colour = 1", "Réglage inconnu : colour"),
    ("[ssh]\nprot = 1", "Réglage inconnu : ssh.prot"),
    ('[ssh]\nport = "22"', "ssh.port : entier positif"),
    ("[ssh]\nport = 70000", "ssh.port : de 1 à 65535"),
    ("[ssh]\nworkers = true", "ssh.workers : entier positif"),
    ("[ssh]\nhost = 1", "ssh.host : texte attendu"),
    ("ssh = 1", "[ssh] doit être une table"),
    ('timezone = "Mars/Olympus"', "timezone : fuseau inconnu"),
    ("timezone = 5", "timezone : fuseau inconnu"),
    ("data_dir = 5", "data_dir : chemin attendu"),
    ("documents_dir = 5", "documents_dir : chemin de dossier attendu"),
    ('documents_dir = " "', "documents_dir : chemin de dossier attendu"),
    ('[database]\nurl = "mysql://x/y"', "database.url : URL postgresql://… attendue"),
    ("[database]\nurl = 5", "database.url : texte attendu"),
    ('[database]\nhost = "x"', "Réglage inconnu : database.host"),
    ('[security]\nkey_retry_delay = "vite"', "security.key_retry_delay : nombre positif attendu"),
    ("[security]\nfailed_keys_per_minute = 10", "Réglage inconnu : security.failed_keys_per_minute"),
])
def test_invalid_files(tmp_path, text, needle):
    file = tmp_path / "c.toml"
    file.write_text(text)
    with pytest.raises(ConfigError) as caught:
        load_config(file)
    assert needle in str(caught.value) and "\n" not in str(caught.value)


def test_documents_dir_shared_by_nodes(tmp_path):
    """A configured documents folder (relative to the file, like data_dir) is
    used as is and never created: a share that is not mounted is refused
    rather than replaced by a local folder the other nodes cannot see."""
    file = tmp_path / "qcm.toml"
    file.write_text('data_dir = "noeud"\ndocuments_dir = "partage/documents"\n')
    config = load_config(file)
    assert config.documents_dir == tmp_path / "partage" / "documents"
    assert config.data_dir == tmp_path / "noeud"
    with pytest.raises(ConfigError) as caught:
        prepare_documents_dir(config)
    assert "dossier introuvable" in str(caught.value) and "monté" in str(caught.value)
    assert not config.documents_dir.exists()
    config.documents_dir.mkdir(parents=True)
    assert prepare_documents_dir(config) == config.documents_dir
    # The default one is created.
    default = Config(data_dir=tmp_path / "seul")
    assert prepare_documents_dir(default) == tmp_path / "seul" / "documents"
    assert default.documents_dir.is_dir()


def test_missing_file(tmp_path):
    with pytest.raises(ConfigError, match="introuvable"):
        load_config(tmp_path / "nope.toml")


@pytest.mark.parametrize(("value", "text"), [
    ("=1+2", "'=1+2"), ("+33 6", "'+33 6"), ("-2", "'-2"), ("@SUM(A1)", "'@SUM(A1)"),
    ("\tx", "'\tx"), ("Dupont", "Dupont"), (None, ""), (24, "24"), ("a=b", "a=b"),
])
def test_formula_cells_defused(value, text):
    assert cell(value) == text


def test_result_csv_for_french_excel():
    session = ExamSession(3, 1, 1, SessionKind.OFFLINE, "PV-RES", "Centre; Lyon", "Claire",
                          "Salle \"A\"", date(2026, 3, 10))
    people = [
        Participant(1, 3, "2026-000001", Identity("M.", "=HYPERLINK(\"x\")", "Jean", "Sol",
                                                 "1 rue", "69007", "Lyon", "France", "j@s.fr"),
                    25, Practical.FAVOURABLE),
        Participant(2, 3, "2026-000002", Identity("Mme", "Durand", "Zoé"), 20,
                    Practical.FAVOURABLE, retake_of="2025-000009"),
    ]
    text = to_csv(RESULT_HEADERS, result_rows(session, people, 24))
    assert text.startswith("\ufeffNuméro;Civilité;Nom;")
    rows = list(csv.reader(io.StringIO(text[1:]), delimiter=";"))
    assert rows[0] == list(RESULT_HEADERS)
    assert rows[1][2] == "'=HYPERLINK(\"x\")"
    assert rows[1][14] == "Centre; Lyon" and rows[1][13] == 'Salle "A"'
    assert rows[1][-1].startswith("Reçu") and rows[1][-3] == "Favorable"
    assert rows[2][-2] == "2025-000009" and "refaire la formation" in rows[2][-1]
    assert text.endswith("\r\n")
