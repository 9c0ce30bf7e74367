"""The publishing gate: whether a story goes out, and why.

Pure. An editor's decision always wins; otherwise a story is published when it
is on the desk's beat and its primary's quality reaches the desk's threshold
(70 by default, the threshold the real "Every Day" records show).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class GateDecision:
    published: bool
    reason: str
    #: True when an editor made the decision (the pipeline never changes it).
    by_editor: bool = False


def decide(
    *,
    on_beat: bool,
    primary_quality: int | None,
    threshold: int = 70,
    editor: bool | None = None,
    editor_name: str | None = None,
) -> GateDecision:
    """The gate's decision; ``editor`` is an editor's publish (True) or unpublish (False), if any."""
    if editor is not None:
        who = editor_name or "an editor"
        verb = "published" if editor else "unpublished"
        return GateDecision(editor, f"{verb} by {who}; editors' decisions always win", by_editor=True)
    if not on_beat:
        return GateDecision(False, "off the desk's beat")
    if primary_quality is None:
        return GateDecision(False, "the primary has no quality score yet")
    if primary_quality >= threshold:
        return GateDecision(True, f"on the beat and the primary's quality {primary_quality} reaches {threshold}")
    return GateDecision(False, f"the primary's quality {primary_quality} is below the threshold {threshold}")
