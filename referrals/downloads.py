"""Stored files handed out as downloads: attachments and notices, to a person or to an agency's
system. One place reads and decrypts them and builds the response, so every download carries the
same protective headers."""

from django.http import Http404, HttpResponse
from django.utils.http import content_disposition_header

from referral_portal import private_storage


def stored_bytes(stored) -> bytes:
    """The decrypted content of an Attachment or Notice; 404 once purged under the retention
    rules (the row may outlive its file)."""
    try:
        return private_storage.read_decrypted(stored.stored_name, context=stored.storage_context)
    except private_storage.StoredFileMissing as missing:
        raise Http404 from missing


def file_response(data: bytes, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(data, content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(True, filename)
    response["X-Content-Type-Options"] = "nosniff"
    # Even if a browser were tricked into rendering the file, it runs in a sandbox.
    response["Content-Security-Policy"] = "sandbox; default-src 'none'"
    response["Cache-Control"] = "no-store"
    return response


def notice_response(notice) -> HttpResponse:
    reference = notice.referral.reference or "referral"
    return file_response(stored_bytes(notice), "application/pdf", f"{reference}-{notice.kind}.pdf")


def attachment_response(attachment) -> HttpResponse:
    return file_response(
        stored_bytes(attachment), attachment.content_type, attachment.original_name
    )
