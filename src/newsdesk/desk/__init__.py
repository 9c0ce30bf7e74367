"""The desk: a directory with its settings and store (``opening``), and what people do at it: editors'
decisions on stories (``editing``) and the accounts that may log in (``users``).

Its face is what opens a desk; the CLI, the web app and the runner import ``editing`` and ``users`` by name.
"""

from newsdesk.desk.opening import Desk, init_desk, open_desk

__all__ = ["Desk", "init_desk", "open_desk"]
