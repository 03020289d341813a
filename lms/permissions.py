"""The signed-in person and their model permissions from the shared cache (issue 16).

Every page a signed-in person opens asks whether they may open the Wagtail admin (the editor's
user bar in base.html), which costs Django's ModelBackend two queries (their own permissions and
their groups'). Permissions change rarely, so `CachedPermissionsBackend` keeps each person's two
permission sets in the shared cache under a version that any change to who has which permission
bumps: a user's groups or permissions, a group's permissions, a group or permission deleted.
The entry names the person and holds the version and whether they were a superuser; an inactive
person has none (checked before the cache, as ModelBackend does). The version and the entry are
read with the request's other common entries, in one round trip (lms/request_cache.py).

The person themselves (their User row, which Django's auth reads by a query on every signed-in
request: a third of a bare view's time) is kept too, under a stamp of their own that every save or
deletion of their row bumps (now and when it commits, so a request that read the row before the
change cannot keep it under the new stamp). Their row decides who they are (the session's
password hash is checked against it), so it is kept only briefly (USER_TIMEOUT) as well, in case a
change ever bypasses the signals (a queryset update: call forget_user after one).
"""

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import Group, Permission
from django.db.models.signals import m2m_changed, post_delete, post_save

from . import request_cache

VERSION_KEY = "user-permissions-version"
PERMISSIONS_VERSION = request_cache.SharedVersion(VERSION_KEY)
TIMEOUT = 60 * 60
USER_TIMEOUT = 5 * 60


def permissions_key(user_id):
    return f"user-permissions:{user_id}"


def permissions_version():
    return PERMISSIONS_VERSION.current()


def bump_permissions_version(**kwargs):
    PERMISSIONS_VERSION.bump()


def prefetch_version(request):
    """For lms.request_cache: the version, read at the start of every request."""
    return [VERSION_KEY]


def user_key(user_id):
    return f"user-row:{user_id}"


def user_stamp_key(user_id):
    return f"user-row-stamp:{user_id}"


def forget_user(user_id):
    """Their row changed: it is read from the database again (their stamp is a SharedVersion)."""
    request_cache.SharedVersion(user_stamp_key(user_id)).bump()


def forget_saved_user(sender, instance, **kwargs):
    forget_user(instance.pk)


def prefetch_permissions(request):
    """For lms.request_cache: the signed-in person's row, its stamp and their permissions, read
    with the request's next read (Django's auth asks for the row first: that read)."""
    user_id = request.session.get("_auth_user_id") if hasattr(request, "session") else None
    return [user_key(user_id), user_stamp_key(user_id), permissions_key(user_id)] if user_id else []


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
    for name, signal in (("save", post_save), ("delete", post_delete)):
        signal.connect(forget_saved_user, sender=user_model, dispatch_uid=f"lms-user-row-{name}")
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
    current and they are still (or still not) a superuser; and the signed-in person's row, kept
    with the stamp it was read under and used only while that stamp is current."""

    def get_user(self, user_id):
        key, stamp_key = user_key(user_id), user_stamp_key(user_id)
        found = request_cache.get_many([key, stamp_key])
        stamp = found.get(stamp_key)
        if stamp is None:
            stamp = request_cache.SharedVersion(stamp_key).current()
        if key in found and found[key][0] == stamp:
            return found[key][1]
        user = super().get_user(user_id)  # None for an inactive or deleted person: not kept
        if user is not None:
            request_cache.set_many({key: (stamp, user)}, USER_TIMEOUT)
        return user

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
