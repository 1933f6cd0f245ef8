"""The AI/ML API as the studio speaks it: the HTTP client, its errors, a generation's typed status, the endpoints'
constants, and the check of web addresses sent to it.
"""
