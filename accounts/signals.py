from django.db.models.signals import post_migrate
from django.dispatch import receiver


@receiver(post_migrate)
def create_role_groups(sender, **kwargs):
    """Roles and their permissions are made by code after every migrate, never by hand."""
    if sender.name != "accounts":
        return
    from .roles import sync_role_groups

    sync_role_groups()
