"""The team: who signs in, what each role may do, whose work a job is, and what each person may spend."""
