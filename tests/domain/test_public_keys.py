"""Public key lines read without asyncssh give asyncssh's fingerprints."""

import asyncssh
import pytest

from domain.public_keys import key_fingerprint, parse_key_line


@pytest.mark.parametrize("algorithm", ["ssh-ed25519", "ssh-rsa", "ecdsa-sha2-nistp256"])
def test_fingerprints_match_asyncssh(algorithm):
    key = asyncssh.generate_private_key(algorithm, comment="alice@poste")
    line = key.export_public_key("openssh").decode()
    assert key_fingerprint(line) == key.get_fingerprint("sha256")
    kind, _, comment = parse_key_line(line)
    assert (kind, comment) == (algorithm, "alice@poste")


@pytest.mark.parametrize("line", [
    "", "pas une clé", "ssh-ed25519", "ssh-ed25519 !!!", "ssh-dss AAAAB3NzaC1kc3MAAACBAP",
    "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9",
    # an RSA blob labelled ed25519
    "ssh-ed25519 AAAAB3NzaC1yc2EAAAADAQABAAAAgQC7",
])
def test_bad_lines_are_refused_in_french(line):
    with pytest.raises(ValueError, match="Clé publique invalide"):
        key_fingerprint(line)
