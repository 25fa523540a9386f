"""Wagtail admin strings whose Korean our catalog supplies or corrects.

Wagtail's own Korean catalog leaves the strings of newer features untranslated (autosave,
validation, scheduling, locking) and mistranslates some ("Toggle status" as 상황이
오락가락하다, "Breadcrumb" as 저장). Django reads ``LOCALE_PATHS`` before the apps' catalogs,
so ``locale/ko/LC_MESSAGES/django.po`` overrides them; listing the message ids here keeps
``makemessages`` from dropping those entries as obsolete. Nothing calls this module.
Strings of Wagtail's JavaScript are in ``locale/ko/LC_MESSAGES/djangojs.po`` (kept by hand).
"""

from django.utils.translation import gettext_noop, ngettext

OVERRIDDEN = (
    # Validation and errors in the editor.
    gettext_noop("Go to the first error"),
    gettext_noop("The page could not be created due to validation errors."),
    gettext_noop("The page could not be saved due to validation errors."),
    gettext_noop("There are validation errors, click save to highlight them."),
    gettext_noop("Preview not available"),
    gettext_noop(
        "Preview cannot display due to validation errors. <br /> Click save to highlight the "
        "relevant fields."
    ),
    gettext_noop("Correct the validation errors to resume preview (saving will highlight errors)"),
    gettext_noop("Preview is out of date"),
    gettext_noop("Preview in new tab"),
    gettext_noop("Refreshing…"),
    gettext_noop("Loading"),
    gettext_noop("- Select an option -"),
    # Autosave and editing sessions.
    gettext_noop("Saved"),
    gettext_noop("Autosave is paused"),
    gettext_noop("Autosave is <span>paused</span>"),
    gettext_noop("Save your changes before leaving"),
    gettext_noop("You have <span>unsaved edits</span>"),
    gettext_noop("The page title as you'd like it to be seen by the public"),
    gettext_noop("You have unsaved changes in another window"),
    gettext_noop("You saved a new version in another window"),
    gettext_noop("View latest version"),
    gettext_noop("Currently viewing"),
    gettext_noop("Currently idle"),
    gettext_noop("A network error occurred"),
    # Panels and side panels.
    gettext_noop("Toggle section"),
    gettext_noop("Toggle status"),
    gettext_noop("Toggle comments"),
    gettext_noop("Toggle preview"),
    gettext_noop("Toggle checks"),
    gettext_noop("Toggle minimap"),
    gettext_noop("Toggle breadcrumbs"),
    gettext_noop("Toggle sidebar"),
    gettext_noop("Toggle side panel"),
    gettext_noop("Breadcrumb"),
    gettext_noop("Comment notifications"),
    gettext_noop("Completed at"),
    gettext_noop("Add or show comments"),
    gettext_noop("Text editing"),
    # Status side panel: locking and scheduling.
    gettext_noop("Locking: "),
    gettext_noop(
        "Anyone can edit this %(model_name)s – lock it to prevent others from editing"  # noqa: RUF001 - Wagtail's msgid
    ),
    gettext_noop("Anyone can edit this %(model_name)s"),
    gettext_noop("Status: "),
    gettext_noop("Go-live:"),
    gettext_noop("Expiry:"),
    gettext_noop("No publishing schedule set"),
    gettext_noop("Set schedule"),
    gettext_noop("Edit schedule"),
    gettext_noop("Schedule to publish"),
    gettext_noop("Set publishing schedule"),
    gettext_noop("Save schedule"),
    gettext_noop("Choose when this page should go live and/or expire"),
    # Workflow (moderation) actions and messages.
    gettext_noop("Request changes"),
    gettext_noop("Approve with comment"),
    gettext_noop("%(label)s and Publish"),
    gettext_noop("Cancel workflow "),
    gettext_noop("Awaiting your review"),
    gettext_noop("%(model_name)s '%(object)s' updated and published."),
    gettext_noop("%(model_name)s '%(object)s' created and published."),
    gettext_noop("%(model_name)s '%(object)s' has been submitted for moderation."),
    gettext_noop("%(model_name)s '%(object)s' created and submitted for moderation."),
    gettext_noop("This %(model_name)s is currently awaiting moderation."),
    gettext_noop("Only reviewers for this task can edit the %(model_name)s."),
    gettext_noop("Changes requested %(finished_at)s"),
    gettext_noop("Cancelled by %(cancelled_by)s"),
    gettext_noop("This %(model_name)s hasn't been submitted for moderation yet"),
)


def _plural_forms() -> None:  # pragma: no cover - read by makemessages, never run
    ngettext(
        "%(num_parent_objects)d page has been published",
        "%(num_parent_objects)d pages have been published",
        1,
    )
