from allauth.account.models import EmailAddress
from django.contrib import admin
from django.contrib.auth.models import Group
from django.contrib.sites.models import Site

# Roles and their permissions are made by code (accounts/roles.py), never edited by hand; the
# site record and e-mail addresses are configuration, not something to administer here.
for model in (Group, Site, EmailAddress):
    admin.site.unregister(model)
