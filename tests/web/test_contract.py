"""The JSON API keeps its OpenAPI contract: schemathesis against the live app over the fixture desk (with its
hostile records), every operation, generated parameters (valid and not), every response checked against the
document the app serves (status codes, content types, bodies, headers)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings

from newsdesk.clock import SystemClock
from newsdesk.desk import open_desk
from newsdesk.web.app import create_app
from tests.support.deskfixture import build_desk

schemathesis = pytest.importorskip("schemathesis", reason="schemathesis (a dev dependency) is not installed")


def test_every_api_answer_keeps_the_contract(tmp_path: Path) -> None:
    fixture = build_desk(tmp_path / "desk")
    with open_desk(fixture.path, os.environ) as opened:
        app = create_app(opened.settings, opened.store, SystemClock())
        schema = schemathesis.openapi.from_asgi("/api/openapi.json", app)
        operations = [result.ok() for result in schema.get_all_operations()]
        assert len(operations) >= 4
        for operation in operations:

            @given(case=operation.as_strategy())
            @settings(max_examples=100, deadline=None, suppress_health_check=list(HealthCheck), database=None)
            def check(case: Any) -> None:
                case.call_and_validate()

            check()
