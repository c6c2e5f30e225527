"""Reading a zip archive by the bytes it really unpacks to, never by the sizes it declares.

A zip states each entry's uncompressed size, and a hostile one lies. Every entry is read in
chunks through one counter per archive; reading stops as soon as the real total passes the limit
(REFERRAL_DOCX_MAX_UNCOMPRESSED_BYTES), so a bomb costs at most the limit plus one chunk.
"""

import copy
import zipfile
import zlib
from collections.abc import Iterator

from django.conf import settings
from django.core.exceptions import ValidationError

CHUNK = 64 * 1024
_METHODS = {zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED}


class CappedArchive:
    """The entries of a zip, each read at most once, the real unpacked bytes counted."""

    def __init__(self, archive: zipfile.ZipFile, *, invalid: ValidationError, too_large):
        self.archive = archive
        self.invalid = invalid
        self.too_large = too_large
        self.limit = settings.REFERRAL_DOCX_MAX_UNCOMPRESSED_BYTES
        self.unpacked = 0
        entries = archive.infolist()
        if len(entries) > settings.REFERRAL_DOCX_MAX_ENTRIES:
            raise invalid
        names = [entry.filename for entry in entries]
        if len(set(names)) != len(names):
            # Two entries with one name: another reader might pick the one not checked here.
            raise invalid
        for entry in entries:
            if entry.flag_bits & 0x1 or entry.compress_type not in _METHODS:
                raise invalid  # encrypted entries or methods Word never writes
        self.entries = [entry for entry in entries if not entry.is_dir()]

    def chunks(self, entry: zipfile.ZipInfo) -> Iterator[bytes]:
        # zipfile stops at the declared size; lift that beyond anything the counter below lets
        # through, so the stream's real end or the counter decides. The CRC is still checked.
        unbounded = copy.copy(entry)
        unbounded.file_size = self.limit + 2 * CHUNK
        real = 0
        try:
            with self.archive.open(unbounded) as handle:
                while chunk := handle.read(CHUNK):
                    real += len(chunk)
                    self.unpacked += len(chunk)
                    if self.unpacked > self.limit:
                        raise self.too_large
                    yield chunk
        except (zipfile.BadZipFile, zlib.error, OSError, EOFError, ValueError) as error:
            raise self.invalid from error
        if real != entry.file_size:
            raise self.invalid  # the archive lied about this entry's size

    def read(self, entry: zipfile.ZipInfo) -> bytes:
        return b"".join(self.chunks(entry))
