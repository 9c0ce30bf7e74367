"""The ``newsdesk`` command: a thin layer over the library, one module per command group.

:mod:`newsdesk.cli.frame` holds the root app and what every group shares. Importing a module registers its
top-level commands; the groups are added here. Both in the order ``newsdesk --help`` lists them.
"""

from __future__ import annotations

import gc

# isort: off
from newsdesk.cli import desk, ingest, stories, serving, newsletter  # noqa: F401 - top-level commands, in order
from newsdesk.cli.records import records_app
from newsdesk.cli.sources import sources_app
from newsdesk.cli.stories import stories_app
from newsdesk.cli.evaluation import eval_app
from newsdesk.cli.bench import bench_app
from newsdesk.cli.keeping import images_app, keys_app, secured_app
from newsdesk.cli.users import users_app
from newsdesk.cli.newsletter import subscribers_app
from newsdesk.cli.frame import PROGRESS_ENV, app, print_figures, user_errors

# isort: on

__all__ = ["PROGRESS_ENV", "app", "print_figures", "run", "user_errors"]

for group, name in (
    (records_app, "records"),
    (sources_app, "sources"),
    (stories_app, "stories"),
    (eval_app, "eval"),
    (bench_app, "bench"),
    (images_app, "images"),
    (secured_app, "secured"),
    (keys_app, "keys"),
    (users_app, "users"),
    (subscribers_app, "subscribers"),
):
    app.add_typer(group, name=name)


#: Allocations between two young-generation collections of the cyclic garbage collector (CPython's default: 700).
#: The desk's long-lived state (a clusterer's stories, its indexes and profiles) is large and barely cyclic, and
#: at the default every few hundred allocations rescan it: 13-15 % of `bench clustering`'s time on a 2-core EPYC
#: (1,076 articles/s against 1,234 with the collector off). Collections still run, less often.
GC_YOUNG_THRESHOLD = 50_000


def run() -> None:  # pragma: no cover - the console script's entry point
    _, older, oldest = gc.get_threshold()
    gc.set_threshold(GC_YOUNG_THRESHOLD, older, oldest)
    app()
