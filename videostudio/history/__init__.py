"""The history of jobs: the record, the store (SQLite or PostgreSQL), its queries, and its schema migrations."""
