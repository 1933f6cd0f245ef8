"""The Team page's pieces: members, roles, limits and each person's spending (admins only)."""
