"""The admin side of the gate: refusals in the page history, and a copy that could not go live."""

from django.contrib import messages
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from wagtail import hooks
from wagtail.log_actions import LogFormatter

from cms.articles.models import ArticlePage

from .gate import REFUSAL_LOG_ACTION, blocking_errors


@hooks.register("register_log_actions")
def register_refusal_log_action(actions):
    @actions.register_action(REFUSAL_LOG_ACTION)
    class PublicationRefused(LogFormatter):
        label = gettext_lazy("Publication refused")

        def format_message(self, log_entry):
            findings = log_entry.data.get("findings", [])
            rules = ", ".join(sorted({finding["rule"] for finding in findings}))
            return _("Publication refused by the medical advertising check (%(rules)s)") % {
                "rules": rules
            }


@hooks.register("after_copy_page")
def tell_when_a_copy_stayed_a_draft(request, page, new_page):
    """A copy asked to stay live that the gate kept as a draft: say so, and why."""
    if not isinstance(new_page.specific, ArticlePage) or not page.live or new_page.live:
        return None
    if request.POST.get("publish_copies") is None:
        return None
    errors = blocking_errors(new_page.specific)
    if errors:
        messages.warning(
            request,
            _(
                "The copy “%(title)s” was saved as a draft, not published: it breaks the "
                "medical advertising rules (%(errors)d error(s)). Open it to see the findings."
            )
            % {"title": new_page.title, "errors": len(errors)},
        )
    return None
