"""The admin's LTI screens, for administrators (nobody else holds the lti app's permissions):
*Settings → LTI platforms* (register an agency's LMS), *Settings → LTI resource links* (which
platform link opens which course; the course may be changed; each link's *Roster*, lti/roster.py)
and *Settings → LTI scores* (the
gradebook outbox, read-only: waiting, failing and retrying, sent)."""

from django.urls import path, reverse
from wagtail import hooks
from wagtail.admin.panels import FieldPanel, HelpPanel, ObjectList
from wagtail.admin.ui.tables import Column, DateColumn
from wagtail.admin.views.generic import IndexView
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.admin.widgets import ListingButton
from wagtail.permission_policies import ModelPermissionPolicy
from wagtail.permissions import register_permission_policy

from .admin_views import roster_view
from .grades import outbox_counts
from .models import LtiPlatform, LtiResourceLink, LtiScore

TOOL_URLS = (
    "<p>Register GovSocial Academy with the platform as an LTI 1.3 tool with these addresses "
    "(your site's address in front): login initiation <code>/lti/login/</code>, redirect and "
    "target link <code>/lti/launch/</code>, public keyset <code>/lti/jwks.json</code>, deep linking "
    "<code>/lti/launch/</code>. Services: Assignment and Grade Services (scores and line items), "
    "deep linking, Names and Role Provisioning Services (rosters). "
    "Open links in a new window.</p>"
)


class PlatformViewSet(ModelViewSet):
    model = LtiPlatform
    icon = "link"
    menu_label = "LTI platforms"
    add_to_settings_menu = True
    url_prefix = "lti-platforms"
    name = "lti_platforms"
    edit_handler = ObjectList(
        [
            HelpPanel(content=TOOL_URLS, heading="This tool's addresses"),
            FieldPanel("name"),
            FieldPanel("issuer"),
            FieldPanel("client_id"),
            FieldPanel("deployment_ids"),
            FieldPanel("auth_login_url"),
            FieldPanel("auth_token_url"),
            FieldPanel("token_audience"),
            FieldPanel("jwks_url"),
            FieldPanel("organisation"),
            FieldPanel("enabled"),
        ]
    )
    list_display = ["name", "issuer", "client_id", "organisation", "enabled"]
    list_filter = ["enabled"]
    search_fields = ["name", "issuer", "client_id"]
    copy_view_enabled = False
    inspect_view_enabled = False


class ResourceLinkIndexView(IndexView):
    def get_list_buttons(self, instance):
        buttons = super().get_list_buttons(instance)
        if instance.memberships_url:  # the platform offers its roster (NRPS)
            buttons.insert(
                0, ListingButton("Roster", url=reverse("lti_roster", args=[instance.pk]), icon_name="group")
            )
        return buttons


class ResourceLinkViewSet(ModelViewSet):
    model = LtiResourceLink
    index_view_class = ResourceLinkIndexView
    icon = "doc-full"
    menu_label = "LTI resource links"
    add_to_settings_menu = True
    url_prefix = "lti-resource-links"
    name = "lti_resource_links"
    add_view_enabled = False  # links are made by launches
    copy_view_enabled = False
    inspect_view_enabled = False
    form_fields = ["course"]
    list_display = [
        "title",
        "platform",
        "resource_link_id",
        "course",
        DateColumn("created_at", label="First launch"),
    ]
    list_filter = ["platform"]
    search_fields = ["title", "resource_link_id"]


class ReadOnlyPolicy(ModelPermissionPolicy):
    """Scores are written by the events and the worker only: the admin may look, not change."""

    def user_has_permission(self, user, action):
        return action in ("view", "inspect") and super().user_has_permission(user, "view")

    def user_has_any_permission(self, user, actions):
        return any(self.user_has_permission(user, action) for action in actions)


class ScoreIndexView(IndexView):
    def get_page_subtitle(self):
        counts = outbox_counts()
        return f"{counts['pending']} waiting, {counts['retrying']} failed and retrying, {counts['sent']} sent"


class ScoreViewSet(ModelViewSet):
    model = LtiScore
    index_view_class = ScoreIndexView
    icon = "resubmit"
    menu_label = "LTI scores"
    add_to_settings_menu = True
    url_prefix = "lti-scores"
    name = "lti_scores"
    copy_view_enabled = False
    inspect_view_enabled = True
    inspect_view_fields = ["target", "status", "attempts", "last_error", "created_at", "sent_at", "payload"]
    list_display = [
        Column("target", label="Learner and line item"),
        Column("status", label="Status", accessor="get_status_display"),
        Column("attempts", label="Tries"),
        Column("last_error", label="Last error"),
        DateColumn("created_at", label="Made"),
        DateColumn("sent_at", label="Sent"),
    ]
    list_filter = ["status"]
    form_fields = []


register_permission_policy(LtiScore, ReadOnlyPolicy(LtiScore))


@hooks.register("register_admin_viewset")
def register_platforms():
    return PlatformViewSet()


@hooks.register("register_admin_viewset")
def register_resource_links():
    return ResourceLinkViewSet()


@hooks.register("register_admin_viewset")
def register_scores():
    return ScoreViewSet()


@hooks.register("register_admin_urls")
def register_roster_url():
    return [path("lti-resource-links/<int:pk>/roster/", roster_view, name="lti_roster")]
