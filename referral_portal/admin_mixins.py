"""Who may use a page of the Django admin (/manage/): acting administrators only, decided by
role (referral_portal.roles.is_acting_administrator, the portal's single source), not by
Django model permissions.

    class DistrictAdmin(AdministratorsOnly, admin.ModelAdmin): ...          view and change
    class DecisionAdmin(ReadOnlyForAdministrators, admin.ModelAdmin): ...   view only
    class HoldsInline(ReadOnlyForAdministrators, admin.TabularInline): ...  inlines too
"""

from .roles import is_acting_administrator


def _administrator(request) -> bool:
    return is_acting_administrator(request.user)


class AdministratorsOnly:
    """View and change for administrators; add and delete when the class says so."""

    can_add = True
    can_delete = False

    def has_module_permission(self, request):
        return _administrator(request)

    def has_view_permission(self, request, obj=None):
        return _administrator(request)

    def has_change_permission(self, request, obj=None):
        return _administrator(request)

    def has_add_permission(self, request, obj=None):  # obj: inlines pass the parent
        return self.can_add and _administrator(request)

    def has_delete_permission(self, request, obj=None):
        return self.can_delete and _administrator(request)


class ReadOnlyForAdministrators(AdministratorsOnly):
    """Records administrators read but never add, change or delete here: every change goes
    through its app's services, which lock, check and record it."""

    can_add = False
    can_delete = False

    def has_change_permission(self, request, obj=None):
        return False

    def get_readonly_fields(self, request, obj=None):
        return self.fields or ()
