"""Settings: one file, one object, clear errors."""

from __future__ import annotations

from pathlib import Path

import pytest

from newsdesk.settings import SettingsError, load_settings, render_settings


def write(desk: Path, text: str) -> Path:
    desk.mkdir(exist_ok=True)
    (desk / "newsdesk.toml").write_text(text, encoding="utf-8")
    return desk


def test_a_new_desks_file_reads_back_as_the_defaults(tmp_path: Path) -> None:
    settings = load_settings(write(tmp_path, render_settings()), {})
    assert settings.database.url == "sqlite:///newsdesk.db"
    assert settings.database_url == f"sqlite:///{tmp_path.resolve() / 'newsdesk.db'}"
    assert settings.site.page_size == 25


def test_the_environment_overrides_the_database(tmp_path: Path) -> None:
    settings = load_settings(write(tmp_path, render_settings()), {"NEWSDESK_DATABASE_URL": "postgresql+psycopg://x/y"})
    assert settings.database_url == "postgresql+psycopg://x/y"


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("[site]\npage_size = 'ten'\n", "site.page_size must be a int, not 'ten'"),
        ("[site]\ncolour = 'red'\n", "unknown key site.colour"),
        ("[webb]\n", "unknown section [webb]"),
        ('[fetch]\ntimeout = "long"\n', "fetch.timeout must be a float"),
        ("[site\n", "Expected ']'"),
        ("[stories]\nquiet_days = -1\n", "stories.quiet_days must not be negative, not -1.0"),
        ("[stories]\nquiet_articles = 2.5\n", "stories.quiet_articles must be a int, not 2.5"),
        ('[embedding]\ndevice = "tpu"\n', "embedding.device must be one of auto, cpu, cuda, not 'tpu'"),
        ('[embedding]\nprecision = "int4"\n', "embedding.precision must be one of auto, float32, bfloat16"),
        ("[embedding]\nbatch_size = 0\n", "embedding.batch_size must be at least 1, not 0"),
    ],
)
def test_bad_settings_name_the_file_and_key(tmp_path: Path, text: str, problem: str) -> None:
    with pytest.raises(SettingsError) as caught:
        load_settings(write(tmp_path, text), {})
    assert str(caught.value).startswith(f"{tmp_path / 'newsdesk.toml'}: ")
    assert problem in str(caught.value)


def test_a_directory_without_settings_is_not_a_desk(tmp_path: Path) -> None:
    with pytest.raises(SettingsError, match="not a desk"):
        load_settings(tmp_path, {})


def test_private_addresses_are_allowed_by_setting_or_environment(tmp_path: Path) -> None:
    assert not load_settings(write(tmp_path, render_settings()), {}).fetch.allow_private_addresses
    allowed = load_settings(write(tmp_path, render_settings()), {"NEWSDESK_ALLOW_PRIVATE": "1"})
    assert allowed.fetch.allow_private_addresses
    by_file = load_settings(write(tmp_path, "[fetch]\nallow_private_addresses = true\ntimeout = 5\n"), {})
    assert by_file.fetch.allow_private_addresses
    assert by_file.fetch.timeout == 5.0


def test_a_default_site_address_follows_the_port_it_is_served_on(tmp_path: Path) -> None:
    settings = load_settings(write(tmp_path, ""), {})
    assert settings.serving_at("127.0.0.1", 8731).site.url == "http://127.0.0.1:8731"
    assert settings.serving_at("0.0.0.0", 9000).site.url == "http://127.0.0.1:9000"
    assert settings.serving_at("::1", 9000).site.url == "http://[::1]:9000"
    assert settings.serving_at("127.0.0.1", 8000) is settings
    chosen = load_settings(write(tmp_path, '[site]\nurl = "https://news.example/ai/"\n'), {})
    assert chosen.serving_at("127.0.0.1", 8731).site.url == "https://news.example/ai/"  # set by hand: it stays
