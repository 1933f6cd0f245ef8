"""Where the studio's media lives: one interface (``MediaStorage``), a local folder or S3-compatible object storage."""
