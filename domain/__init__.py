"""Pure rules of qcm-ssh: no I/O, no SQL, no user interface."""
