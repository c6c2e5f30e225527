"""Django groups mirroring the portal's roles, with the model permissions each role needs in
the admin. The portal's own pages check roles through referral_portal.access."""

from django.contrib.auth.models import Group, Permission

from referral_portal.roles import Role

ROLE_PERMISSIONS: dict[str, list[str]] = {
    Role.ADMINISTRATOR: [
        "accounts.view_organization",
        "accounts.change_organization",
        "accounts.view_user",
        "accounts.change_user",
        "accounts.view_auditevent",
        "accounts.view_invitation",
        "referral_portal.view_county",
        "referral_portal.view_outboxmessage",
        # end sessions, reset a lost authenticator (sign-in pauses are released by a service)
        "usersessions.view_usersession",
        "usersessions.delete_usersession",
        "mfa.view_authenticator",
        "mfa.delete_authenticator",
    ],
    Role.ORG_ADMIN: ["accounts.view_user"],
    Role.STATE_SUPERVISOR: [],
    Role.STATE_REVIEWER: [],
    Role.RECEIVING_AGENCY: [],
    Role.REFERRER: [],
}


def sync_role_groups() -> None:
    for role, codenames in ROLE_PERMISSIONS.items():
        group, _ = Group.objects.get_or_create(name=Role(role).label)
        permissions = []
        for dotted in codenames:
            app_label, codename = dotted.split(".")
            permissions.extend(
                Permission.objects.filter(content_type__app_label=app_label, codename=codename)
            )
        group.permissions.set(permissions)


def group_for(role: str) -> Group:
    return Group.objects.get(name=Role(role).label)
