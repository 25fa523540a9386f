"""Channel configuration: the demo channels load; a bad file is refused with file and field."""

import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from cms.publishing.channels import load_channels
from cms.publishing.errors import ChannelConfigError

from .conftest import stored, verify_tree

VALID = {
    "channels": {
        "web": {
            "locales": ["ko", "en"],
            "block_types": ["intro", "disclaimer"],
            "rich_text": "html",
            "incomplete_translations": "fallback",
        }
    }
}


def write_config(tmp_path, data) -> str:
    path = tmp_path / "channels.json"
    path.write_text(data if isinstance(data, str) else json.dumps(data, indent=2))
    return str(path)


def with_channel(**changes):
    channel = {**VALID["channels"]["web"], **changes}
    return {"channels": {"web": channel}}


def test_demo_channels_load_with_their_policies():
    channels = load_channels()
    assert list(channels) == ["web", "app", "partner"]
    assert channels["web"].rich_text == "html"
    assert channels["web"].incomplete_translations == "fallback"
    assert channels["app"].rich_text == "text"
    assert channels["partner"].locales == ("en",)
    assert channels["partner"].incomplete_translations == "skip"
    assert channels["partner"].requires_summary
    assert channels["partner"].required_blocks == ("disclaimer",)
    assert "thread_types" not in channels["partner"].block_types


def test_base_url_defaults_to_the_admin_base_url(tmp_path, settings):
    settings.WAGTAILADMIN_BASE_URL = "https://clinic.example/"
    channels = load_channels(write_config(tmp_path, VALID))
    assert channels["web"].base_url == "https://clinic.example"
    custom = with_channel(base_url="https://partner.example")
    assert load_channels(write_config(tmp_path, custom))["web"].base_url == (
        "https://partner.example"
    )


@pytest.mark.parametrize(
    ("config", "where", "what"),
    [
        (with_channel(rich_text="markdown"), "channels.web.rich_text", "'markdown' is not one"),
        (with_channel(locales=["ko", "ja"]), "channels.web.locales[1]", "'ja' is not one"),
        (with_channel(block_types=["intro", "gallery"]), "channels.web.block_types[1]", "gallery"),
        (with_channel(incomplete_translations="maybe"), "channels.web.incomplete_translations", ""),
        (with_channel(colour="red"), "channels.web", "'colour' was unexpected"),
        (with_channel(required=["thread_types"]), "channels.web.required[0]", "not in this"),
        (with_channel(base_url="ftp://x"), "channels.web.base_url", "does not match"),
        ({"channels": {"Web Site": VALID["channels"]["web"]}}, "channels", "Web Site"),
        ({"channel": {}}, "(top level)", "'channels' is a required property"),
    ],
)
def test_invalid_configuration_names_file_and_field(tmp_path, config, where, what):
    path = write_config(tmp_path, config)
    with pytest.raises(ChannelConfigError) as caught:
        load_channels(path)
    message = str(caught.value)
    assert f"{path}: {where}: " in message
    assert what in message


def test_malformed_json_names_line_and_column(tmp_path):
    path = write_config(tmp_path, '{\n  "channels": {\n    "web": {,}\n  }\n}\n')
    with pytest.raises(ChannelConfigError, match=r"channels\.json:3:13: not valid JSON"):
        load_channels(path)


def test_a_file_that_is_not_utf8_names_line_and_column(tmp_path):
    path = tmp_path / "channels.json"
    korean_in_euc_kr = "클리닉".encode("euc-kr")
    path.write_bytes(b'{\n  "channels": {"web": {"description": "' + korean_in_euc_kr)
    with pytest.raises(ChannelConfigError, match=r"channels\.json:2:42: not UTF-8 \(byte 0x"):
        load_channels(path)


def test_missing_file_is_a_clear_error(tmp_path):
    with pytest.raises(ChannelConfigError, match="cannot read the channel configuration"):
        load_channels(tmp_path / "nowhere.json")


def test_bad_configuration_fails_the_command_and_keeps_the_export(
    articles, export_root, tmp_path, settings
):
    call_command("export_channels", "--channel", "web", "--quiet")
    before = verify_tree(export_root, "web")
    settings.EXPORT_CHANNELS_FILE = write_config(tmp_path, with_channel(rich_text="pdf"))
    with pytest.raises(CommandError, match=r"channels\.web\.rich_text"):
        call_command("export_channels", "--quiet")
    assert verify_tree(export_root, "web") == before


def test_unknown_channel_fails_the_command_and_names_the_known_ones(articles, export_root):
    with pytest.raises(CommandError, match=r"unknown channel 'print'.*web, app, partner"):
        call_command("export_channels", "--channel", "print", "--quiet")
    assert not stored("web")
