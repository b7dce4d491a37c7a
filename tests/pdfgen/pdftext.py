"""Reading PDFs back in tests."""

from __future__ import annotations

import io
import re
import shutil
import subprocess
from pathlib import Path

from pypdf import PdfReader


def pages_text(pdf: bytes | Path) -> list[str]:
    data = pdf.read_bytes() if isinstance(pdf, Path) else pdf
    return [page.extract_text() or "" for page in PdfReader(io.BytesIO(data)).pages]


def flat(text: str) -> str:
    """Whitespace folded: wrapped lines compare with the typed text."""
    return " ".join(text.split())


def render_png(pdf_path: Path, page: int, out_prefix: Path, dpi: int = 100) -> Path:
    """One page to PNG with pdftoppm; returns the PNG's path."""
    subprocess.run(["pdftoppm", "-r", str(dpi), "-png", "-singlefile", "-f", str(page),
                    "-l", str(page), str(pdf_path), str(out_prefix)], check=True,
                   capture_output=True)
    return out_prefix.with_suffix(".png")


def decode_qr(png: Path) -> list[str]:
    """Payloads of the QR codes in an image, with zbarimg."""
    result = subprocess.run(["zbarimg", "--quiet", "--raw", "-Sdisable", "-Sqrcode.enable",
                             str(png)], capture_output=True, text=True)
    return [line for line in result.stdout.splitlines() if line]


HAS_PDFTOPPM = shutil.which("pdftoppm") is not None
HAS_ZBAR = shutil.which("zbarimg") is not None
KEY_RE = re.compile(r"\b((?:[ABCD]{5} ){5}[ABCD]{5})\b")
