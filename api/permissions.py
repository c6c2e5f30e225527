"""Scope checks: each view names the scope each method needs (`required_scopes`)."""

from rest_framework.permissions import BasePermission


class HasScope(BasePermission):
    message = "This client's token does not carry the permission this request needs."

    def has_permission(self, request, view):
        if request.user is None:
            return False  # no valid token: DRF answers 401, whatever the method
        method = "GET" if request.method == "HEAD" else request.method
        needed = view.required_scopes.get(method)
        if needed is None:
            return True  # a method the view does not have: DRF answers 405
        return needed in getattr(request, "token_scopes", frozenset())
