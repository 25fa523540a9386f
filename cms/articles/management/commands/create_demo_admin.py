import os
import secrets

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from wagtail.users.models import UserProfile


class Command(BaseCommand):
    help = (
        "Create the demo administrator if it does not exist. The user name and password come "
        "from DEMO_ADMIN_USERNAME / DEMO_ADMIN_PASSWORD; without a password one is generated and "
        "printed once. An existing user keeps its password unless DEMO_ADMIN_PASSWORD is set. "
        "A new user's admin language is Korean (changeable under Account settings)."
    )

    def handle(self, *args, **options):
        username = os.environ.get("DEMO_ADMIN_USERNAME", "admin")
        password = os.environ.get("DEMO_ADMIN_PASSWORD")
        user_model = get_user_model()
        user = user_model.objects.filter(username=username).first()
        if user is not None and not password:
            self.stdout.write(f"Admin login: {username} (existing user, password unchanged)")
            return
        password = password or secrets.token_urlsafe(12)
        if user is None:
            user = user_model.objects.create_superuser(
                username, f"{username}@example.com", password
            )
            # The clinic's editors write in Korean: their admin speaks Korean from the start.
            profile = UserProfile.get_for_user(user)
            profile.preferred_language = settings.LANGUAGE_CODE
            profile.save(update_fields=["preferred_language"])
        else:
            user.set_password(password)
            user.save(update_fields=["password"])
        self.stdout.write(self.style.SUCCESS(f"Admin login: {username} / {password}"))
