"""The Team page's pieces (members, roles, limits, spending)."""
