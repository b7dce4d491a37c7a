"""Settings, read from a TOML file (QCM_CONFIG or --config), with defaults."""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError


class ConfigError(ValueError):
    """A configuration file that cannot be used."""


@dataclass(frozen=True)
class SshSettings:
    host: str = "127.0.0.1"
    port: int = 2222
    workers: int = 0  # 0: one per CPU
    host_key: str = ""  # default: <data_dir>/ssh_host_ed25519_key
    candidate_login: str = "candidat"
    login_timeout: int = 60  # seconds to authenticate
    keepalive_interval: int = 15  # seconds between keepalives; 3 missed drop the client
    staff_idle_timeout: int = 1800  # seconds without a key before a staff session ends
    # Candidates of one worker between connecting and question 1 at once; more
    # wait at the door, told their place in line (README, "The door"). 0: no door.
    max_starting: int = 40
    # Seconds: nobody is let in while the worker's event loop runs later than this.
    start_max_lag: float = 0.1


@dataclass(frozen=True)
class SecuritySettings:
    max_auth_failures: int = 5  # per connection
    failed_passwords_per_minute: int = 10  # per source address
    # Wrong candidate keys per source address per hour: a full room behind one
    # NAT address (60 candidates, 4 mistakes each); beyond, the address is refused.
    failed_keys_per_hour: int = 240
    key_retry_delay: float = 1.0  # per connection: wait after the 1st wrong key, doubling
    key_retry_delay_max: float = 30.0


@dataclass(frozen=True)
class DatabaseSettings:
    # postgresql://user@host/dbname (password from ~/.pgpass or PGPASSWORD
    # rather than in this file). Empty: the SQLite file under data_dir.
    url: str = ""


@dataclass(frozen=True)
class Config:
    data_dir: Path = Path("var")
    timezone: str = "Europe/Paris"
    ssh: SshSettings = field(default_factory=SshSettings)
    security: SecuritySettings = field(default_factory=SecuritySettings)
    database_settings: DatabaseSettings = field(default_factory=DatabaseSettings)
    # Where produced documents (PDFs) live; None: <data_dir>/documents. Several
    # nodes name one shared folder (NFS…) here: a document drawn on one node is
    # served by any other (README, "Deployment: several nodes").
    documents_location: Path | None = None

    @property
    def sqlite_path(self) -> Path:
        """Where the embedded database lives (used when no URL is configured)."""
        return self.data_dir / "qcm.sqlite3"

    @property
    def database(self) -> Path | str:
        """What `Store.open` takes: the PostgreSQL URL if one is configured,
        else the SQLite file."""
        return self.database_settings.url or self.sqlite_path

    @property
    def database_label(self) -> str:
        """The database named for people: the URL without its password."""
        url = self.database_settings.url
        if not url:
            return str(self.sqlite_path)
        scheme, sep, rest = url.partition("://")
        credentials, at, host = rest.rpartition("@")
        return f"{scheme}{sep}{credentials.split(':', 1)[0]}{at}{host}" if at else url

    @property
    def documents_dir(self) -> Path:
        return self.documents_location or self.data_dir / "documents"

    @property
    def host_key(self) -> Path:
        return Path(self.ssh.host_key) if self.ssh.host_key else self.data_dir / "ssh_host_ed25519_key"

    @property
    def workers(self) -> int:
        return self.ssh.workers or os.cpu_count() or 1


def prepare_documents_dir(config: Config) -> Path:
    """The documents folder, ready to be written. The default one is created;
    a configured one (a shared folder) must already be there: creating it
    would put this node's documents on its own disk, out of the other nodes'
    sight, when the share is not mounted."""
    folder = config.documents_dir
    if config.documents_location is None:
        folder.mkdir(parents=True, exist_ok=True)
    elif not folder.is_dir():
        raise ConfigError(f"documents_dir : dossier introuvable : {folder} "
                          "(le dossier partagé est-il monté ?).")
    elif not os.access(folder, os.W_OK | os.X_OK):
        raise ConfigError(f"documents_dir : écriture refusée dans {folder}.")
    return folder


def _section(cls: type, data: Any, where: str) -> Any:
    if not isinstance(data, dict):
        raise ConfigError(f"[{where}] doit être une table.")
    known = {f.name: f for f in fields(cls)}
    values = {}
    for key, value in data.items():
        if key not in known:
            raise ConfigError(f"Réglage inconnu : {where}.{key}.")
        expected = type(getattr(cls(), key))
        if expected is int and (not isinstance(value, int) or isinstance(value, bool) or value < 0):
            raise ConfigError(f"{where}.{key} : entier positif attendu.")
        if expected is float and (not isinstance(value, (int, float)) or isinstance(value, bool)
                                  or value < 0):
            raise ConfigError(f"{where}.{key} : nombre positif attendu.")
        if expected is str and not isinstance(value, str):
            raise ConfigError(f"{where}.{key} : texte attendu.")
        values[key] = value
    return cls(**values)


def load_config(path: Path | str | None = None) -> Config:
    """Read the file named by `path`, else $QCM_CONFIG, else use defaults."""
    chosen = path or os.environ.get("QCM_CONFIG")
    if not chosen:
        return Config()
    file = Path(chosen)
    try:
        data = tomllib.loads(file.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError(f"Fichier de configuration introuvable : {file}.") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{file} : TOML invalide ({exc}).") from None
    config = Config()
    for key, value in data.items():
        if key == "ssh":
            config = replace(config, ssh=_section(SshSettings, value, "ssh"))
        elif key == "security":
            config = replace(config, security=_section(SecuritySettings, value, "security"))
        elif key == "database":
            settings = _section(DatabaseSettings, value, "database")
            if settings.url and not settings.url.startswith(("postgresql://", "postgres://")):
                raise ConfigError("database.url : URL postgresql://… attendue "
                                  "(sans URL : la base SQLite du data_dir).")
            config = replace(config, database_settings=settings)
        elif key == "data_dir":
            if not isinstance(value, str) or not value:
                raise ConfigError("data_dir : chemin attendu.")
            base = file.parent
            config = replace(config, data_dir=(base / value) if not Path(value).is_absolute() else Path(value))
        elif key == "documents_dir":
            if not isinstance(value, str) or not value.strip():
                raise ConfigError("documents_dir : chemin de dossier attendu "
                                  "(sans ce réglage : <data_dir>/documents).")
            base = file.parent
            config = replace(config, documents_location=(base / value) if not Path(value).is_absolute() else Path(value))
        elif key == "timezone":
            config = replace(config, timezone=value)
        else:
            raise ConfigError(f"Réglage inconnu : {key}.")
    try:
        ZoneInfo(config.timezone)
    except (ZoneInfoNotFoundError, ValueError, TypeError):
        raise ConfigError(f"timezone : fuseau inconnu « {config.timezone} ».") from None
    if not 1 <= config.ssh.port <= 65535:
        raise ConfigError("ssh.port : de 1 à 65535.")
    return config
