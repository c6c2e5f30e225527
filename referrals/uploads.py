"""Checking an uploaded file before it is stored (docs/security.md, "Input, output and files").

Only PDF, JPEG, PNG and DOCX. The type is recognized from the content (libmagic), the name's
extension must agree with it, and the content is parsed as that type and rebuilt by
attachment_safety (docs/decisions/0007-attachment-sanitising.md):
- images are decoded and re-encoded with Pillow, which drops EXIF (GPS!) and anything appended
  after the image data; too many pixels is refused before decoding;
- PDFs are parsed with pikepdf; scripts, launch and submit actions, embedded files and XFA are
  refused; open actions, additional actions, web links and metadata are removed;
- DOCX packages are read through a counter of real unpacked bytes; macros, OLE, ActiveX,
  altChunk and content fetched from elsewhere are refused; document properties are removed.
Every refusal is a ValidationError with a plain-language message and never echoes the content.
"""

import re
import unicodedata
from dataclasses import dataclass

import magic
from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat

from .attachment_safety import docx, images, pdf

PDF = "application/pdf"
JPEG = images.JPEG
PNG = images.PNG
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"

EXTENSIONS = {PDF: {"pdf"}, JPEG: {"jpg", "jpeg"}, PNG: {"png"}, DOCX: {"docx"}}
ACCEPT_ATTRIBUTE = ".pdf,.jpg,.jpeg,.png,.docx"
# libmagic reports a DOCX whose first zip entry is not [Content_Types].xml as a plain zip.
ZIP_LIKE = {"application/zip", "application/x-zip-compressed", "application/octet-stream"}
# Bidirectional overrides, zero-width and other invisible format characters (category Cf)
# let "invoice_fdp.exe" look like "invoice_exe.pdf"; control characters never belong in names.
_UNSAFE_NAME_CHARACTERS = re.compile(r"[^\w .()\-]")

NOT_ALLOWED = "Choose a PDF, JPEG, PNG or Word (.docx) file."


@dataclass(frozen=True)
class CheckedFile:
    name: str
    content_type: str
    data: bytes

    @property
    def size(self) -> int:
        return len(self.data)


def max_file_bytes() -> int:
    return settings.REFERRAL_UPLOAD_MAX_FILE_BYTES


def total_allowed_bytes() -> int:
    return settings.REFERRAL_UPLOAD_MAX_TOTAL_BYTES


def sanitize_filename(name: str, extension: str) -> str:
    """A safe display name: the last path part, NFC, no control or invisible characters, only
    letters, digits, spaces and . ( ) - _, at most 100 characters, ending in the real type's
    extension."""
    base = re.split(r"[\\/]", name or "")[-1]
    base = unicodedata.normalize("NFC", base)
    base = "".join(ch for ch in base if unicodedata.category(ch)[0] != "C")
    stem = base.rsplit(".", 1)[0] if "." in base else base
    stem = _UNSAFE_NAME_CHARACTERS.sub("_", stem)
    stem = re.sub(r"[_ ]{2,}", "_", stem).strip(" ._-")[:90] or "attachment"
    return f"{stem}.{extension}"


def _extension(name: str) -> str:
    base = re.split(r"[\\/]", name or "")[-1]
    return base.rsplit(".", 1)[-1].casefold() if "." in base else ""


def _read(upload) -> bytes:
    limit = max_file_bytes()
    if upload.size is not None and upload.size > limit:
        raise ValidationError(
            f"This file is larger than {filesizeformat(limit)}. Choose a smaller file.",
            code="too_large",
        )
    chunks, total = [], 0
    for chunk in upload.chunks():
        total += len(chunk)
        if total > limit:
            raise ValidationError(
                f"This file is larger than {filesizeformat(limit)}. Choose a smaller file.",
                code="too_large",
            )
        chunks.append(chunk)
    data = b"".join(chunks)
    if not data:
        raise ValidationError("This file is empty. Choose another file.", code="empty")
    return data


def check_upload(upload) -> CheckedFile:
    data = _read(upload)
    extension = _extension(upload.name)
    detected = magic.from_buffer(data[:65536], mime=True)
    if detected in ZIP_LIKE and extension == "docx":
        detected = DOCX  # confirmed (or refused) by the structure check below
    if detected not in EXTENSIONS:
        raise ValidationError(NOT_ALLOWED, code="type")
    if extension not in EXTENSIONS[detected]:
        raise ValidationError(
            "The file's name does not match what it contains. " + NOT_ALLOWED,
            code="mismatch",
        )
    # What is stored is the rebuilt file, never the bytes as sent (docs/decisions/0007).
    if detected == PDF:
        data = pdf.sanitise(data)
    elif detected == DOCX:
        data = docx.sanitise(data)
    else:
        data = images.reencode(data, detected)
    final_extension = "jpg" if detected == JPEG and extension == "jpg" else extension
    return CheckedFile(
        name=sanitize_filename(upload.name, final_extension), content_type=detected, data=data
    )
