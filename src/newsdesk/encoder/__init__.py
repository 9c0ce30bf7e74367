"""The sentence encoder every stage shares: the model (``embed``), where it runs (``runtime``) and what it reads
(``text``). Stories compare articles by it and the judge places them on the beat by it; neither owns it.

The package's face imports nothing heavy: ``runtime`` and ``text`` load neither numpy nor torch, and ``embed``
loads numpy only (torch when a model is first used).
"""
