"""Name Wagtail's default moderation workflow in Korean.

Wagtail names the workflow and its task after the group ("Moderators approval"), and the
admin shows that name inside Korean sentences ("Moderators approval에 제출"). Names are data,
not catalog strings, so they are renamed here; a workflow someone renamed is left alone.
"""

from django.db import migrations

DEFAULT_NAME = "Moderators approval"
KOREAN_NAME = "검토자 승인"


def rename(apps, schema_editor):
    apps.get_model("wagtailcore", "Workflow").objects.filter(name=DEFAULT_NAME).update(
        name=KOREAN_NAME
    )
    apps.get_model("wagtailcore", "Task").objects.filter(name=DEFAULT_NAME).update(
        name=KOREAN_NAME
    )


def restore(apps, schema_editor):
    apps.get_model("wagtailcore", "Workflow").objects.filter(name=KOREAN_NAME).update(
        name=DEFAULT_NAME
    )
    apps.get_model("wagtailcore", "Task").objects.filter(name=KOREAN_NAME).update(
        name=DEFAULT_NAME
    )


class Migration(migrations.Migration):
    dependencies = [("wagtailcore", "0048_add_default_workflows")]

    operations = [migrations.RunPython(rename, restore)]
