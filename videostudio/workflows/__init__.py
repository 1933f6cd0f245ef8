"""The ways people reuse their work: drafts, presets and their files, Compare, and Copy as code."""
