"""Uploads stay in memory, never in a plaintext temporary file on disk.

Django writes uploads larger than FILE_UPLOAD_MAX_MEMORY_SIZE to /tmp unencrypted; a victim's
police report must not sit there. This handler keeps at most REFERRAL_UPLOAD_MAX_FILE_BYTES of
each file in memory and drops the rest while still counting it, so the file reaches the form
with its true size and is refused there with a plain message ("larger than ...").
"""

import io

from django.conf import settings
from django.core.files.uploadedfile import InMemoryUploadedFile
from django.core.files.uploadhandler import FileUploadHandler


class BoundedMemoryFileUploadHandler(FileUploadHandler):
    def new_file(self, *args, **kwargs):
        super().new_file(*args, **kwargs)
        self.buffer = io.BytesIO()
        self.received = 0

    def receive_data_chunk(self, raw_data, start):
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
