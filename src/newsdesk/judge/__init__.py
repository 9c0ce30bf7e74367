"""Judging: beat relevance, topics, quality, heat and the publishing gate (pure)."""
