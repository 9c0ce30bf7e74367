"""Forming stories: near-duplicate copies, online clustering, who broke it, why; pure and in memory, but for
``stage.py`` where stories meet the store."""
