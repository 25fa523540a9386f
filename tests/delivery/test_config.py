"""Webhook endpoints in the channel file: parsed, and every mistake named by file and field."""

import pytest

from cms.delivery.checks import webhook_configuration
from cms.delivery.config import WebhookConfigError, load_targets, secrets_for

CHANNEL = {"locales": ["ko", "en"], "block_types": ["intro"], "rich_text": "html"}


def test_endpoints_come_from_the_channel_file(channels_file, settings):
    settings.WAGTAILADMIN_BASE_URL = "https://clinic.example"
    channels_file(
        {
            "web": {
                **CHANNEL,
                "webhooks": [{"url": "https://app.example/hook", "secret_env": "APP_SECRET"}],
            },
            "partner": {**CHANNEL, "base_url": "https://partner.example/"},
        }
    )
    targets = load_targets()
    web = targets["web"]
    assert [(e.url, e.secret_env, e.field) for e in web.endpoints] == [
        ("https://app.example/hook", "APP_SECRET", "channels.web.webhooks[0]")
    ]
    assert web.export_url == "https://clinic.example/exports/web/"
    assert web.locales == ("ko", "en")
    assert targets["partner"].endpoints == ()
    assert targets["partner"].export_url == "https://partner.example/exports/partner/"


@pytest.mark.parametrize(
    ("webhooks", "message"),
    [
        ({"url": "x"}, "channels.web.webhooks: {'url': 'x'} is not of type 'array'"),
        ([{"url": "https://a.example/h"}], "channels.web.webhooks[0]: 'secret_env' is a required"),
        (
            [{"url": "ftp://a.example/h", "secret_env": "S"}],
            "channels.web.webhooks[0].url: 'ftp://a.example/h' does not match",
        ),
        (
            [{"url": "https://a.example/h", "secret_env": "my-secret"}],
            "channels.web.webhooks[0].secret_env: 'my-secret' does not match",
        ),
        (
            [{"url": "https://a.example/h", "secret_env": "S", "secret": "hunter2"}],
            "channels.web.webhooks[0]: Additional properties are not allowed ('secret'",
        ),
        (
            [
                {"url": "https://a.example/h", "secret_env": "S"},
                {"url": "https://a.example/h", "secret_env": "T"},
            ],
            "channels.web.webhooks[1].url: 'https://a.example/h' is listed twice",
        ),
    ],
)
def test_a_bad_webhook_entry_is_named_by_file_and_field(channels_file, settings, webhooks, message):
    channels_file({"web": {**CHANNEL, "webhooks": webhooks}})
    with pytest.raises(WebhookConfigError) as error:
        load_targets()
    assert f"{settings.EXPORT_CHANNELS_FILE}: {message}" in str(error.value)


def test_invalid_json_names_the_line(tmp_path):
    path = tmp_path / "channels.json"
    path.write_text('{"channels": {\n  "web": }\n}', encoding="utf-8")
    with pytest.raises(WebhookConfigError, match=rf"^{path}:2:10: not valid JSON"):
        load_targets(path)


def test_secrets_come_from_the_named_environment_variable(monkeypatch, settings):
    monkeypatch.setenv("APP_SECRET", "  old-secret   new-secret ")
    assert secrets_for("APP_SECRET") == [b"old-secret", b"new-secret"]
    monkeypatch.delenv("APP_SECRET")
    with pytest.raises(WebhookConfigError) as error:
        secrets_for("APP_SECRET", "channels.web.webhooks[0]")
    assert str(error.value) == (
        f"environment variable APP_SECRET is not set "
        f"({settings.EXPORT_CHANNELS_FILE}: channels.web.webhooks[0].secret_env)"
    )


def test_system_check_reports_bad_config_and_missing_secrets(channels_file, monkeypatch):
    monkeypatch.delenv("APP_SECRET", raising=False)
    hook = {"url": "https://app.example/hook", "secret_env": "APP_SECRET"}
    channels_file({"web": {**CHANNEL, "webhooks": [hook]}})
    [warning] = webhook_configuration()
    assert warning.id == "delivery.W001"
    assert "APP_SECRET is not set" in warning.msg
    assert "channels.web.webhooks[0]" in warning.msg
    monkeypatch.setenv("APP_SECRET", "s")
    assert webhook_configuration() == []
    channels_file({"web": {**CHANNEL, "webhooks": [{"url": "nope", "secret_env": "S"}]}})
    [error] = webhook_configuration()
    assert error.id == "delivery.E001"
    assert "channels.web.webhooks[0].url" in error.msg


def test_the_shipped_channel_file_passes_the_check():
    assert webhook_configuration() == []
