"""Forming stories: near-duplicate copies, online clustering, who broke it, why (pure, in memory)."""
