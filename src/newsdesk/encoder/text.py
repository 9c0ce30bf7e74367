"""What the sentence encoder reads of an article: its title, lead and the text's beginning (pure)."""

from __future__ import annotations


def embedding_text(title: str, lead: str, text: str, characters: int = 2000) -> str:
    """What the sentence embedder reads: title, lead, then the text's beginning, capped at ``characters``.

    A lead the text starts with (or equals) is read once.
    """
    title, lead, text = title.strip(), lead.strip(), text.strip()
    if lead and text.startswith(lead):
        text = text[len(lead) :].strip()
    return " ".join(part for part in (title, lead, text) if part)[:characters]
