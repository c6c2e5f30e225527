"""django-oauth-toolkit registers its models in the admin; API clients are managed on the
portal's own pages instead (api/views/clients.py), where the services keep a client, its
application and its account consistent."""

import contextlib

from django.contrib import admin
from django.contrib.admin.exceptions import NotRegistered
from oauth2_provider import models as oauth_models

for model in (
    oauth_models.get_application_model(),
    oauth_models.get_access_token_model(),
    oauth_models.get_refresh_token_model(),
    oauth_models.get_grant_model(),
    oauth_models.get_id_token_model(),
):
    with contextlib.suppress(NotRegistered):
        admin.site.unregister(model)
