"""What the apps' data migrations share: giving a group permissions that may not exist yet.

On a fresh database Django creates permissions only after every migration has run (post_migrate),
so a migration that grants one creates its app's permissions first. Imported by migrations only;
nothing here touches the models of any app version but the migration's own (`apps`).
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations


def create_app_permissions(apps, app_label):
    """Create the permissions of `app_label`'s models as they are at this point of the migrations."""
    app_config = apps.get_app_config(app_label)
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None


def grant_group_permissions(group_name, app_label, codenames):
    """A RunPython operation giving the group `group_name` (made if missing) the permissions
    `codenames` of `app_label`; unapplied, it takes them back (the group stays)."""
    codenames = list(codenames)

    def permissions(apps):
        Permission = apps.get_model("auth", "Permission")
        return Permission.objects.filter(content_type__app_label=app_label, codename__in=codenames)

    def grant(apps, schema_editor):
        create_app_permissions(apps, app_label)
        found = list(permissions(apps))
        missing = set(codenames) - {permission.codename for permission in found}
        if missing:
            raise RuntimeError(f"Permissions missing after create_permissions: {sorted(missing)}")
        group, _ = apps.get_model("auth", "Group").objects.get_or_create(name=group_name)
        group.permissions.add(*found)

    def revoke(apps, schema_editor):
        group = apps.get_model("auth", "Group").objects.filter(name=group_name).first()
        if group:
            group.permissions.remove(*permissions(apps))

    return migrations.RunPython(grant, revoke)
