"""Benchmarks: speed figures (``newsdesk bench``), never timed tests."""
