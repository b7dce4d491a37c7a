import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_pdfgen_imports_no_ui_network_or_database_code():
    code = ("import sys, pdfgen.paper, pdfgen.letters, pdfgen.certificate, pdfgen.batch; "
            "bad = [m for m in ('textual', 'asyncssh', 'aiosqlite', 'store', 'services') "
            "if m in sys.modules]; print(bad); sys.exit(1 if bad else 0)")
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True,
                            text=True)
    assert result.returncode == 0, result.stdout + result.stderr
