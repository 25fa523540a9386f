import pytest
from wagtail.users.models import UserProfile

from tests.conftest import log_in_superuser


@pytest.fixture
def editor(client, db):
    """A logged-in superuser whose admin speaks English (so assertions read naturally)."""
    user = log_in_superuser(client, "en")
    client.profile = UserProfile.get_for_user(user)
    return client
