"""A record whose encrypted values do not decrypt where they are stored.

That happens when ciphertext was copied from another row or column (each value is bound to its
row: referral_portal.fields), when a value predates row binding and FIELD_ENCRYPTION_ACCEPT_V1
is off, or when the key that wrote it is gone. The page cannot be shown, and retrying will not
help, so instead of a server error the person gets one fixed page saying the record could not be
read (status 409: the stored record, not the request or the server, is what is wrong), and the
operators get an error in the log naming the column and the row's public id, never a value.
"""

import logging

from django.shortcuts import render

from .crypto import DecryptionError

logger = logging.getLogger(__name__)

STATUS = 409


class UnreadableRecordMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not isinstance(exception, DecryptionError):
            return None
        # The message is built from table, column and public id only (fields.unseal).
        logger.error(
            "record could not be read: %s", exception, extra={"event": "decryption_failed"}
        )
        return render(request, "unreadable_record.html", status=STATUS)
