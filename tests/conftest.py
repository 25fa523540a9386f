"""Fixtures shared by every test package."""

import pytest


def log_in_superuser(client, language: str, username: str = "editor"):
    """Log ``client`` in as a new superuser whose admin speaks ``language``; returns the user."""
    from django.contrib.auth import get_user_model
    from wagtail.users.models import UserProfile

    user = get_user_model().objects.create_superuser(username, f"{username}@example.com", "pw")
    profile = UserProfile.get_for_user(user)
    profile.preferred_language = language
    profile.save()
    client.force_login(user)
    return user


@pytest.fixture
def seeded(db):
    """The demo site with both seed articles as published Korean source pages."""
    from cms.articles.seeding import seed_demo

    return seed_demo()


@pytest.fixture
def export_root(tmp_path, settings):
    """A private export folder per test, so tests never touch the repo's exports/."""
    settings.EXPORT_ROOT = tmp_path / "exports"
    return settings.EXPORT_ROOT


@pytest.fixture(scope="session")
def s3_server():
    """moto's S3-compatible server on a free 127.0.0.1 port, with the suite's bucket; stopped
    when the session ends. Tests use a private prefix of the bucket each."""
    import boto3
    from moto.server import ThreadedMotoServer

    from tests.publishing.s3 import BUCKET, CREDENTIALS, S3Server, free_port

    port = free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    endpoint = f"http://127.0.0.1:{port}"
    boto3.client(
        "s3",
        endpoint_url=endpoint,
        aws_access_key_id=CREDENTIALS["access_key"],
        aws_secret_access_key=CREDENTIALS["secret_key"],
        region_name=CREDENTIALS["region_name"],
    ).create_bucket(Bucket=BUCKET)
    try:
        yield S3Server(endpoint, BUCKET)
    finally:
        server.stop()
