"""Cached images served by the web app: the original and the thumbnail, cached for a year, 304 when unchanged."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from fastapi.testclient import TestClient

from newsdesk.keep.imagecache import ImageCache
from newsdesk.keep.images import ImageLimits, verify_image
from newsdesk.settings import Settings
from newsdesk.store import Store
from newsdesk.web.app import create_app
from tests.support.clocks import ManualClock
from tests.support.paths import FIXTURES


def test_cached_images_are_served_with_long_lived_caching(tmp_path: Path) -> None:
    settings = Settings(desk=tmp_path)
    cache = ImageCache(settings.keep.cache_path(tmp_path))
    image = verify_image((FIXTURES / "images" / "photo.jpg").read_bytes(), "image/jpeg", ImageLimits(10**7, 10**8, 320))
    cache.store(image)
    with (
        Store.open(f"sqlite:///{tmp_path / 'site.db'}") as store,
        TestClient(create_app(settings, store, ManualClock(datetime(2024, 5, 3, tzinfo=UTC)))) as client,
    ):
        original = client.get(f"/images/{image.sha256}")
        assert original.status_code == 200
        assert original.content == image.data
        assert original.headers["content-type"] == "image/jpeg"
        assert original.headers["cache-control"] == "public, max-age=31536000, immutable"
        thumbnail = client.get(f"/images/{image.sha256}.webp")
        assert thumbnail.headers["content-type"] == "image/webp"
        assert thumbnail.content[8:12] == b"WEBP"
        again = client.get(f"/images/{image.sha256}", headers={"If-None-Match": original.headers["etag"]})
        assert again.status_code == 304
        assert client.get("/images/" + "0" * 64).status_code == 404
        assert client.get("/images/../newsdesk.toml").status_code == 404
