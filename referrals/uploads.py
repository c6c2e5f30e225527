"""Checking an uploaded file before it is stored (reference/security.md 3.5).

Only PDF, JPEG, PNG and DOCX. The type is recognized from the content (libmagic), the name's
extension must agree with it, and the content must parse as that type:
- images are decoded and re-encoded with Pillow, which drops EXIF (GPS!) and anything appended
  after the image data;
- PDFs are parsed with pypdf; encrypted PDFs and PDFs with JavaScript, launch actions or
  embedded files are refused;
- DOCX files are opened as zip archives; entry count and uncompressed size are bounded before
  anything is decompressed, and macro-enabled documents are refused.
Every refusal is a ValidationError with a plain-language message and never echoes the content.
"""

import io
import re
import unicodedata
import zipfile
from dataclasses import dataclass

import magic
from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from PIL import Image, ImageOps, UnidentifiedImageError

PDF = "application/pdf"
JPEG = "image/jpeg"
PNG = "image/png"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"

EXTENSIONS = {PDF: {"pdf"}, JPEG: {"jpg", "jpeg"}, PNG: {"png"}, DOCX: {"docx"}}
ACCEPT_ATTRIBUTE = ".pdf,.jpg,.jpeg,.png,.docx"
# libmagic reports a DOCX whose first zip entry is not [Content_Types].xml as a plain zip.
ZIP_LIKE = {"application/zip", "application/x-zip-compressed", "application/octet-stream"}
PDF_DANGER = (b"/JavaScript", b"/JS", b"/Launch", b"/EmbeddedFile", b"/RichMedia", b"/XFA")
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
    if detected == PDF:
        _check_pdf(data)
    elif detected == DOCX:
        _check_docx(data)
    else:
        data = _reencode_image(data, detected)
    final_extension = "jpg" if detected == JPEG and extension == "jpg" else extension
    return CheckedFile(
        name=sanitize_filename(upload.name, final_extension), content_type=detected, data=data
    )


def _check_pdf(data: bytes) -> None:
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    if any(marker in data for marker in PDF_DANGER):
        raise ValidationError(
            "This PDF contains scripts, launch actions or embedded files. Print it to a new PDF "
            "and upload that instead.",
            code="pdf_active",
        )
    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted:
            raise ValidationError(
                "This PDF is password-protected. Upload a copy without a password.",
                code="pdf_encrypted",
            )
        catalog = reader.trailer["/Root"]
        names = catalog.get("/Names")
        names = names.get_object() if names is not None else {}
        if "/JavaScript" in names or "/EmbeddedFiles" in names or "/AA" in catalog:
            raise ValidationError(
                "This PDF contains scripts or embedded files. Print it to a new PDF and upload "
                "that instead.",
                code="pdf_active",
            )
        if len(reader.pages) < 1:
            raise ValidationError("This PDF has no pages.", code="pdf_empty")
    except ValidationError:
        raise
    except (PdfReadError, Exception) as error:  # noqa: BLE001 - any parser failure: refuse
        raise ValidationError(
            "This PDF cannot be read. It may be damaged.", code="pdf_invalid"
        ) from error


def _check_docx(data: bytes) -> None:
    invalid = ValidationError(
        "This Word file cannot be read. Save it again as a .docx file.", code="docx_invalid"
    )
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        entries = archive.infolist()
    except (zipfile.BadZipFile, ValueError, OSError) as error:
        raise invalid from error
    if len(entries) > settings.REFERRAL_DOCX_MAX_ENTRIES:
        raise invalid
    if sum(entry.file_size for entry in entries) > settings.REFERRAL_DOCX_MAX_UNCOMPRESSED_BYTES:
        raise ValidationError("This Word file is too large once unpacked.", code="docx_bomb")
    names = {entry.filename for entry in entries}
    if "[Content_Types].xml" not in names or "word/document.xml" not in names:
        raise invalid
    if any(
        name.startswith("/") or ".." in name.split("/") or name.lower().endswith("vbaproject.bin")
        for name in names
    ):
        raise ValidationError(
            "This Word file contains macros. Save it as a plain .docx file.", code="docx_macro"
        )
    try:
        with archive.open("[Content_Types].xml") as handle:
            content_types = handle.read(1_000_000)
    except (zipfile.BadZipFile, OSError, RuntimeError) as error:
        raise invalid from error
    if b"macroEnabled" in content_types or b"vbaProject" in content_types:
        raise ValidationError(
            "This Word file contains macros. Save it as a plain .docx file.", code="docx_macro"
        )


def _reencode_image(data: bytes, content_type: str) -> bytes:
    invalid = ValidationError("This image cannot be read. It may be damaged.", code="image")
    try:
        with Image.open(io.BytesIO(data)) as probe:
            probe.verify()
        with Image.open(io.BytesIO(data)) as image:
            image = ImageOps.exif_transpose(image)
            output = io.BytesIO()
            if content_type == JPEG:
                image.convert("RGB").save(output, "JPEG", quality=90)
            else:
                if image.mode not in ("RGB", "RGBA", "L", "LA", "P", "1"):
                    image = image.convert("RGBA")
                image.save(output, "PNG", optimize=False)
            return output.getvalue()
    except (UnidentifiedImageError, Image.DecompressionBombError, OSError, ValueError) as error:
        raise invalid from error
    except Exception as error:  # noqa: BLE001 - any decoder failure is a refusal, never a 500
        raise invalid from error
