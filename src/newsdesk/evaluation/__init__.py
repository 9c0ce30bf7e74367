"""Evaluations: quality figures over the real data in ../shared/data (``newsdesk eval``)."""
