"""PDFs: parsed with pikepdf (qpdf), refused if they carry active content, otherwise rebuilt.

pikepdf parses objects, so an escaped name (/J#61vaScript) is read as /JavaScript, and objects
hidden in object streams or compressed cross-reference tables are seen too. Every dictionary in
the file is looked at, not only the ones a viewer would reach first.

Refused (the referrer is told to print the document to a new PDF): JavaScript, Launch, GoToR,
GoToE, SubmitForm, ImportData and multimedia actions, embedded or attached files, XFA forms,
multimedia and 3D annotations, password-protected files.
Removed (common in harmless files, dangerous only when acted on): the open action, every
additional-actions (/AA) entry, web-link (/URI) actions (the visible text stays), document
information and XMP metadata, application data (/PieceInfo), EXIF and XMP inside JPEG images.
The rebuilt file is what is stored, and it is parsed and checked once more before it is.
"""

import io

import pikepdf
from django.core.exceptions import ValidationError

from .images import strip_jpeg_metadata

REFUSED_ACTIONS = {
    "/JavaScript",
    "/Launch",
    "/GoToR",
    "/GoToE",
    "/SubmitForm",
    "/ImportData",
    "/RichMediaExecute",
    "/Rendition",
    "/Movie",
    "/Sound",
}
REFUSED_SUBTYPES = {"/FileAttachment", "/RichMedia", "/Screen", "/Movie", "/Sound", "/3D"}
REMOVED_KEYS = ("/OpenAction", "/AA", "/Metadata", "/PieceInfo")

ACTIVE = (
    "This PDF contains scripts or actions that open other files or send data. Print it to a new "
    "PDF (choose “Save as PDF” or “Microsoft Print to PDF” when printing) and upload that instead."
)
CARRIES_FILES = (
    "This PDF carries attached files or an interactive (XFA) form. Print it to a new PDF and "
    "upload that instead, and upload any attached file on its own."
)


def sanitise(data: bytes) -> bytes:
    """The PDF rebuilt without active content or metadata, or a ValidationError."""
    try:
        with pikepdf.open(io.BytesIO(data)) as pdf:
            if len(pdf.pages) < 1:
                raise ValidationError("This PDF has no pages.", code="pdf_empty")
            for dictionary in _dictionaries(pdf):
                _refuse_active(dictionary)
                _disarm(dictionary)
            if "/Info" in pdf.trailer:
                del pdf.trailer["/Info"]
            output = io.BytesIO()
            # No encryption argument: an owner-password-only file is written unencrypted.
            pdf.save(output, deterministic_id=True)
        rebuilt = output.getvalue()
        with pikepdf.open(io.BytesIO(rebuilt)) as check:
            for dictionary in _dictionaries(check):
                _refuse_active(dictionary)
                if any(key in dictionary for key in REMOVED_KEYS) or _is_web_link(dictionary):
                    raise ValidationError(ACTIVE, code="pdf_active")  # survived: do not store
            if "/Info" in check.trailer:
                raise ValidationError(ACTIVE, code="pdf_active")
        return rebuilt
    except pikepdf.PasswordError as error:
        raise ValidationError(
            "This PDF is password-protected. Upload a copy without a password.",
            code="pdf_encrypted",
        ) from error
    except ValidationError:
        raise
    except Exception as error:  # noqa: BLE001 - any parser failure is a refusal, never a 500
        raise ValidationError(
            "This PDF cannot be read. It may be damaged.", code="pdf_invalid"
        ) from error


def _dictionaries(pdf: pikepdf.Pdf):
    """Every dictionary and stream in the file: each indirect object (qpdf lists them all, the
    unreachable ones too) and the direct dictionaries and arrays nested inside them."""
    pending = [pdf.trailer, *pdf.objects]
    while pending:
        item = pending.pop()
        if isinstance(item, (pikepdf.Dictionary, pikepdf.Stream)):
            yield item  # the caller may remove keys before the children are listed
            children = list(item.values())
        elif isinstance(item, pikepdf.Array):
            children = list(item)
        else:
            continue
        pending.extend(
            child
            for child in children
            if isinstance(child, (pikepdf.Dictionary, pikepdf.Array, pikepdf.Stream))
            and not child.is_indirect
        )


def _refuse_active(dictionary) -> None:
    if "/JS" in dictionary or "/JavaScript" in dictionary:
        raise ValidationError(ACTIVE, code="pdf_active")
    if _name(dictionary, "/S") in REFUSED_ACTIONS:
        raise ValidationError(ACTIVE, code="pdf_active")
    if (
        "/EmbeddedFiles" in dictionary
        or "/EF" in dictionary
        or "/XFA" in dictionary
        or _name(dictionary, "/Type") == "/EmbeddedFile"
        or _name(dictionary, "/Subtype") in REFUSED_SUBTYPES
    ):
        raise ValidationError(CARRIES_FILES, code="pdf_active")


def _name(dictionary, key: str) -> str | None:
    value = dictionary.get(key)
    return str(value) if isinstance(value, pikepdf.Name) else None


def _is_web_link(dictionary) -> bool:
    return _name(dictionary, "/S") == "/URI"


def _disarm(dictionary) -> None:
    for key in REMOVED_KEYS:
        if key in dictionary:
            del dictionary[key]
    action = dictionary.get("/A")
    if isinstance(action, pikepdf.Dictionary) and _is_web_link(action):
        del dictionary["/A"]  # the link annotation stays, inert
    if isinstance(dictionary, pikepdf.Stream) and _name(dictionary, "/Filter") == "/DCTDecode":
        raw = dictionary.read_raw_bytes()
        try:
            stripped = strip_jpeg_metadata(raw)
        except ValueError:
            return  # segments this reader cannot follow: left as they are (no script can run)
        if stripped != raw:
            dictionary.write(stripped, filter=pikepdf.Name.DCTDecode)
