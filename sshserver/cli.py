"""The `qcm` console script.

`qcm serve` loads the SSH server; every other command runs from `cli.local`,
which imports neither asyncssh nor Textual."""

from __future__ import annotations

import sys
from collections.abc import Sequence

from cli.local import main as local_main
from services.config import Config


def _serve(config: Config, args: list[str]) -> int:
    from sshserver.serve import serve_main  # only the server pays for asyncssh and Textual

    return serve_main(config, args)


def main(argv: Sequence[str] | None = None) -> int:
    return local_main(argv, serve=_serve)


if __name__ == "__main__":
    sys.exit(main())
