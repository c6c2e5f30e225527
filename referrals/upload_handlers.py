"""Where files may be uploaded, and how much one request may bring.

Everywhere (FILE_UPLOAD_HANDLERS): FilesNotAcceptedHandler drops file contents as they arrive,
so a file posted to the sign-in page or any other form costs no memory and request.FILES stays
empty; a body larger than REFERRAL_UPLOAD_MAX_REQUEST_BYTES is refused with the 400 page before
it is read.

Views marked @accepts_uploads(max_files=n): UploadLimitMiddleware, placed before the CSRF
middleware (the first to read a POST body), gives a signed-in person's request a
BoundedMemoryFileUploadHandler instead and reads the body at once. That handler keeps each file
in memory, never in an unencrypted temporary file on disk (Django's default for large files),
up to REFERRAL_UPLOAD_MAX_FILE_BYTES plus one byte: the rest is counted but dropped, so the form
can say "larger than ...". A request with more than n files or more than
REFERRAL_UPLOAD_MAX_REQUEST_BYTES in all is stopped while streaming and answered with the 413
page; the view never runs, so nothing is half-saved.
"""

import io

from django.conf import settings
from django.core.exceptions import TooManyFilesSent
from django.core.files.uploadedfile import InMemoryUploadedFile
from django.core.files.uploadhandler import FileUploadHandler, StopUpload
from django.http import QueryDict
from django.http.multipartparser import MultiPartParserError
from django.shortcuts import render
from django.template.defaultfilters import filesizeformat
from django.utils.datastructures import MultiValueDict


def accepts_uploads(*, max_files: int):
    """Mark a view as one that takes up to `max_files` files in one request."""

    def mark(view):
        view.accepts_uploads = max_files
        return view

    return mark


class RequestTooLarge(MultiPartParserError):
    """Django answers a MultiPartParserError with its 400 page, and marks the request's POST as
    unreadable so that nothing parses it again."""


class FilesNotAcceptedHandler(FileUploadHandler):
    def handle_raw_input(self, input_data, META, content_length, boundary, encoding=None):
        if content_length > settings.REFERRAL_UPLOAD_MAX_REQUEST_BYTES:
            # Refused whole, never cut short: a form missing its last fields must not reach a
            # view, which would take them as emptied.
            raise RequestTooLarge("the request is larger than any form here takes")
        return None

    def receive_data_chunk(self, raw_data, start):
        return None  # nothing kept

    def file_complete(self, file_size):
        return None  # so request.FILES stays empty


class BoundedMemoryFileUploadHandler(FileUploadHandler):
    def __init__(self, request=None, *, max_files: int = 1):
        super().__init__(request)
        self.max_files = max_files
        self.files = 0
        self.request_bytes = 0
        self.refused = False

    def _refuse(self):
        self.refused = True
        raise StopUpload(connection_reset=True)

    def handle_raw_input(self, input_data, META, content_length, boundary, encoding=None):
        # The declared length is what Django will read at most: too much, and nothing is read.
        if content_length > settings.REFERRAL_UPLOAD_MAX_REQUEST_BYTES:
            self.refused = True
            return QueryDict(encoding=encoding), MultiValueDict()
        return None

    def new_file(self, *args, **kwargs):
        super().new_file(*args, **kwargs)
        self.files += 1
        if self.files > self.max_files:
            self._refuse()
        self.buffer = io.BytesIO()
        self.received = 0

    def receive_data_chunk(self, raw_data, start):
        self.request_bytes += len(raw_data)
        if self.request_bytes > settings.REFERRAL_UPLOAD_MAX_REQUEST_BYTES:
            self._refuse()
        limit = settings.REFERRAL_UPLOAD_MAX_FILE_BYTES
        if self.received < limit + 1:
            self.buffer.write(raw_data[: limit + 1 - self.received])
        self.received += len(raw_data)
        return None

    def file_complete(self, file_size):
        self.buffer.seek(0)
        return InMemoryUploadedFile(
            file=self.buffer,
            field_name=self.field_name,
            name=self.file_name,
            content_type=self.content_type,
            size=self.received,
            charset=self.charset,
            content_type_extra=self.content_type_extra,
        )


class UploadLimitMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        max_files = getattr(view_func, "accepts_uploads", None)
        if max_files is None or request.method != "POST" or not request.user.is_authenticated:
            return None  # files, if any, are dropped by FilesNotAcceptedHandler
        handler = BoundedMemoryFileUploadHandler(request, max_files=max_files)
        request.upload_handlers = [handler]
        try:
            request.POST  # noqa: B018 - read now, with the handler above, before anything else
        except TooManyFilesSent:
            handler.refused = True
        if not handler.refused:
            return None
        return render(
            request,
            "413.html",
            {
                "max_file_size": filesizeformat(settings.REFERRAL_UPLOAD_MAX_FILE_BYTES),
                "max_files": max_files,
            },
            status=413,
        )
