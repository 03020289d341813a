"""Model permissions from the shared cache (issue 16).

Every page a signed-in person opens asks whether they may open the Wagtail admin (the editor's
user bar in base.html), which costs Django's ModelBackend two queries (their own permissions and
their groups'). Permissions change rarely, so `CachedPermissionsBackend` keeps each person's two
permission sets in the shared cache under a version that any change to who has which permission
bumps: a user's groups or permissions, a group's permissions, a group or permission deleted.
The entry names the person and holds the version and whether they were a superuser; an inactive
person has none (checked before the cache, as ModelBackend does). The version and the entry are
read with the request's other common entries, in one round trip (lms/request_cache.py).
"""

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import Group, Permission
from django.db.models.signals import m2m_changed, post_delete, post_save

from . import request_cache

VERSION_KEY = "user-permissions-version"
PERMISSIONS_VERSION = request_cache.SharedVersion(VERSION_KEY)
TIMEOUT = 60 * 60


def permissions_key(user_id):
    return f"user-permissions:{user_id}"


def permissions_version():
    return PERMISSIONS_VERSION.current()


def bump_permissions_version(**kwargs):
    PERMISSIONS_VERSION.bump()


def prefetch_version(request):
    """For lms.request_cache: the version, read at the start of every request."""
    return [VERSION_KEY]


def prefetch_permissions(request):
    """For lms.request_cache: the signed-in person's entry, read with the request's next read."""
    user_id = request.session.get("_auth_user_id") if hasattr(request, "session") else None
    return [permissions_key(user_id)] if user_id else []


def connect_invalidation():
    user_model = get_user_model()
    for through in (
        user_model.groups.through,
        user_model.user_permissions.through,
        Group.permissions.through,
    ):
        m2m_changed.connect(
            bump_permissions_version, sender=through, dispatch_uid=f"lms-perms-{through.__name__}"
        )
    for model in (Group, Permission):
        for name, signal in (("save", post_save), ("delete", post_delete)):
            signal.connect(
                bump_permissions_version, sender=model, dispatch_uid=f"lms-perms-{model.__name__}-{name}"
            )
    request_cache.register_prefetch(prefetch_version)
    request_cache.register_prefetch(prefetch_permissions, with_user=True)


class CachedPermissionsBackend(ModelBackend):
    """Django's ModelBackend (same answers) with each person's permission sets from the cache:
    one entry per person, {"version", "superuser", "user", "group"}, used while the version is
    current and they are still (or still not) a superuser."""

    def _get_permissions(self, user_obj, obj, from_name):
        if not user_obj.is_active or user_obj.is_anonymous or obj is not None:
            return set()
        attribute = f"_{from_name}_perm_cache"
        if not hasattr(user_obj, attribute):  # not read yet in this request
            version, key = permissions_version(), permissions_key(user_obj.pk)
            entry = request_cache.get(key)
            if not entry or entry["version"] != version or entry["superuser"] != user_obj.is_superuser:
                entry = {"version": version, "superuser": user_obj.is_superuser}
                for source in ("user", "group"):
                    entry[source] = super()._get_permissions(user_obj, obj, source)
                request_cache.set_many({key: entry}, TIMEOUT)
            user_obj._user_perm_cache, user_obj._group_perm_cache = entry["user"], entry["group"]
        return getattr(user_obj, attribute)
