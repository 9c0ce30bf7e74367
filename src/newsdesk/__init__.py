"""newsdesk: a self-hosted topical news desk."""

__version__ = "0.1.0"
