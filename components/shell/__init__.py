"""What every page shares: the studio's services, the sidebar, notifications, the router, links to the studio's pages,
and small shared helpers.
"""
