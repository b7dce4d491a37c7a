"""SSH transport: serves one Textual app per SSH connection, in-process."""
