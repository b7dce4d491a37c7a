"""Run the real `qcm` entry point in a subprocess against a temporary data directory."""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@dataclass
class Run:
    code: int
    out: str
    err: str

    @property
    def err_lines(self) -> list[str]:
        return self.err.splitlines()


class Qcm:
    def __init__(self, tmp_path: Path) -> None:
        self.tmp = tmp_path
        self.data_dir = tmp_path / "data"
        self.config = tmp_path / "qcm.toml"
        self.config.write_text(f'data_dir = "{self.data_dir.as_posix()}"\n'
                               '[ssh]\nport = 2299\n', encoding="utf-8")
        self.env = {k: v for k, v in os.environ.items() if k != "QCM_CONFIG"}
        self.env.update(PYTHONPATH=str(ROOT), PYTHONIOENCODING="utf-8")

    @property
    def database(self) -> Path:
        return self.data_dir / "qcm.sqlite3"

    def raw(self, *args: str, input: str | None = None) -> Run:
        result = subprocess.run([sys.executable, "-m", "sshserver.cli", *args], cwd=self.tmp,
                                env=self.env, input=(input or "").encode("utf-8"),
                                capture_output=True, timeout=120)
        return Run(result.returncode, result.stdout.decode("utf-8"),
                   result.stderr.decode("utf-8"))

    def __call__(self, *args: str, input: str | None = None) -> Run:
        return self.raw("--config", str(self.config), *args, input=input)

    def ok(self, *args: str, input: str | None = None) -> Run:
        run = self(*args, input=input)
        assert run.code == 0, (args, run)
        return run


@pytest.fixture
def qcm(tmp_path: Path) -> Qcm:
    return Qcm(tmp_path)
