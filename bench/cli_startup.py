"""Wall time of one local `qcm` command, from process start to exit.

    python bench/cli_startup.py [--runs 10]

Prepares a temporary data directory with the demo data (`qcm demo`), then runs
`qcm qcm list --json` (the centre's QCM list; `qcm list` over SSH exec) and
`qcm help` `--runs` times each, alternately, through the installed console
script, and prints the median, the fastest and the slowest run. Also prints
whether reportlab, asyncssh or Textual were loaded by `qcm qcm list`."""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
QCM = Path(sys.executable).parent / "qcm"

COMMANDS = {"qcm qcm list --json": ["qcm", "list", "--json"], "qcm help": ["help"]}


def timed(args: list[str], env: dict[str, str]) -> float:
    start = time.perf_counter()
    done = subprocess.run([str(QCM), *args], env=env, capture_output=True)
    elapsed = time.perf_counter() - start
    if done.returncode != 0:
        raise SystemExit(f"qcm {' '.join(args)} failed: {done.stderr.decode()}")
    return elapsed


def loaded_modules(env: dict[str, str]) -> list[str]:
    probe = ("import sys; from cli.local import main; main(['qcm', 'list', '--json']); "
             "print(' '.join(sorted({m.split('.')[0] for m in sys.modules})), file=sys.stderr)")
    done = subprocess.run([sys.executable, "-c", probe], env=env, capture_output=True, text=True)
    names = done.stderr.split()
    return [m for m in ("reportlab", "asyncssh", "textual", "PIL") if m in names]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=10)
    runs = parser.parse_args().runs
    with tempfile.TemporaryDirectory() as tmp:
        config = Path(tmp) / "qcm.toml"
        config.write_text(f'data_dir = "{Path(tmp).as_posix()}/data"\n', encoding="utf-8")
        env = {**os.environ, "QCM_CONFIG": str(config)}
        subprocess.run([str(QCM), "demo"], env=env, check=True, capture_output=True)
        times: dict[str, list[float]] = {name: [] for name in COMMANDS}
        timed(["help"], env)  # warm the file cache once
        for _ in range(runs):
            for name, args in COMMANDS.items():
                times[name].append(timed(args, env))
        print(f"{runs} runs each, load average {os.getloadavg()[0]:.2f} at the end")
        for name, values in times.items():
            print(f"{name:<22} median {statistics.median(values) * 1000:6.0f} ms   "
                  f"min {min(values) * 1000:5.0f} ms   max {max(values) * 1000:5.0f} ms")
        print("modules loaded by `qcm qcm list --json` among reportlab, asyncssh, textual, PIL:",
              ", ".join(loaded_modules(env)) or "none")


if __name__ == "__main__":
    main()
