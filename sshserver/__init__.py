"""The SSH server of qcm-ssh: authentication, routing, Textual driver, exec, SFTP, CLI."""
