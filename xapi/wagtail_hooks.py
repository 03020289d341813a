"""*Settings > xAPI statements*: the outbox, read-only, for administrators (nobody else holds the xapi
app's permissions). The heading counts what is waiting, what the LRS refused or could not take
(it is retried), and what was sent; filter by status, open one to see the statement sent."""

from wagtail import hooks
from wagtail.admin.ui.tables import Column, DateColumn
from wagtail.admin.views.generic import IndexView
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.permission_policies import ModelPermissionPolicy
from wagtail.permissions import register_permission_policy

from .models import Statement
from .services import is_enabled, outbox_counts


class ReadOnlyPolicy(ModelPermissionPolicy):
    """Statements are written by the events and the worker only: the admin may look, not change."""

    def user_has_permission(self, user, action):
        return action in ("view", "inspect") and super().user_has_permission(user, "view")

    def user_has_any_permission(self, user, actions):
        return any(self.user_has_permission(user, action) for action in actions)


class StatementIndexView(IndexView):
    def get_page_subtitle(self):
        counts = outbox_counts()
        summary = (
            f"{counts['pending']} waiting, {counts['retrying']} failed and retrying, {counts['sent']} sent"
        )
        return summary if is_enabled() else f"{summary} (xAPI is off: XAPI_LRS_URL is not set)"


class StatementViewSet(ModelViewSet):
    model = Statement
    index_view_class = StatementIndexView
    icon = "resubmit"
    menu_label = "xAPI statements"
    add_to_settings_menu = True
    url_prefix = "xapi-statements"
    name = "xapi_statements"
    copy_view_enabled = False
    inspect_view_enabled = True
    inspect_view_fields = [
        "statement_id",
        "verb",
        "status",
        "attempts",
        "last_error",
        "created_at",
        "sent_at",
        "payload",
    ]
    list_display = [
        Column("statement_id", label="Statement id"),
        "verb",
        Column("status", label="Status", accessor="get_status_display"),
        Column("attempts", label="Tries"),
        Column("last_error", label="Last error"),
        DateColumn("created_at", label="Made"),
        DateColumn("sent_at", label="Sent"),
    ]
    list_filter = ["status", "verb"]
    form_fields = []


register_permission_policy(Statement, ReadOnlyPolicy(Statement))
viewset = StatementViewSet()


@hooks.register("register_admin_viewset")
def register_statements():
    return viewset
