"""A request that changes something carries a whole form, or nothing.

Forms treat a field that is absent as empty. So a POST whose body is not a form at all (JSON,
plain text) or is a form cut short (multipart without its closing boundary) would reach a view
as a form with every field blank, and saving it would wipe what the person typed before. Such a
request is refused with 400 before any view sees it, and nothing is saved.

Only the content type is checked here; the body is parsed later, where it always was, so views
that install their own upload handlers still can.
"""

import logging

from django.http.multipartparser import MultiPartParser, MultiPartParserError
from django.shortcuts import render

logger = logging.getLogger(__name__)

FORM_CONTENT_TYPES = frozenset({"application/x-www-form-urlencoded", "multipart/form-data"})
# The REST API takes JSON, not forms; its parser refuses anything else itself (api/parsers.py).
JSON_PATH_PREFIX = "/api/v1/"
UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
_TAIL_BYTES = 1024


class _TailRecordingStream:
    """Passes reads through, counting the bytes and keeping the last few."""

    def __init__(self, stream):
        self._stream = stream
        self.count = 0
        self.tail = b""

    def read(self, size=-1):
        data = self._stream.read(size)
        self.count += len(data)
        self.tail = (self.tail + data)[-_TAIL_BYTES:]
        return data


class CompleteMultiPartParser(MultiPartParser):
    """Django's parser, which also insists on the closing boundary. Django's own accepts a body
    that simply stops, and returns whatever parts it found. A body cut short by an upload
    handler (StopUpload) is not read to its end and is left to that handler to report."""

    def __init__(self, META, input_data, upload_handlers, encoding=None):
        self._recorder = _TailRecordingStream(input_data)
        super().__init__(META, self._recorder, upload_handlers, encoding)

    def parse(self):
        parsed = super().parse()
        read_to_the_end = self._recorder.count >= self._content_length
        if read_to_the_end and b"--" + self._boundary + b"--" not in self._recorder.tail:
            raise MultiPartParserError("multipart body without its closing boundary")
        return parsed


def _has_body(request) -> bool:
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return True  # a length that is not a number: treat as a body we cannot use
    return length != 0 or "HTTP_TRANSFER_ENCODING" in request.META


class FormBodyMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method in UNSAFE_METHODS:
            if (
                _has_body(request)
                and request.content_type not in FORM_CONTENT_TYPES
                and not request.path_info.startswith(JSON_PATH_PREFIX)
            ):
                logger.warning("request body is not a form", extra={"event": "bad_body"})
                return render(request, "400.html", status=400)
            request.multipart_parser_class = CompleteMultiPartParser
        return self.get_response(request)
