"""Textual screens of qcm-ssh: centre management, candidate exam, administration."""
