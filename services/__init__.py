"""Application services shared by the screens, the CLI and SSH exec commands."""
