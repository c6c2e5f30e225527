"""Small files for upload tests, made on the fly (no binary fixtures in the repository)."""

import io
import zipfile

from PIL import Image
from reportlab.pdfgen import canvas


def pdf(text="Consent form") -> bytes:
    buffer = io.BytesIO()
    page = canvas.Canvas(buffer)
    page.drawString(72, 720, text)
    page.save()
    return buffer.getvalue()


def pdf_with_javascript() -> bytes:
    from pypdf import PdfWriter
    from pypdf.actions import JavaScript

    writer = PdfWriter()
    writer.add_blank_page(width=200, height=200)
    writer.add_open_action(JavaScript("app.alert('hello');"))
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def encrypted_pdf() -> bytes:
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=200, height=200)
    writer.encrypt(user_password="secret", algorithm="AES-256")
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def jpeg_with_gps() -> bytes:
    image = Image.new("RGB", (40, 30), "orange")
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # Make
    exif[0x8825] = {1: "N", 2: (42.0, 39.0, 9.0), 3: "W", 4: (73.0, 45.0, 24.0)}  # GPS IFD
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", exif=exif)
    return buffer.getvalue()


def png(trailing: bytes = b"") -> bytes:
    buffer = io.BytesIO()
    Image.new("RGBA", (20, 20), (0, 128, 0, 255)).save(buffer, "PNG")
    return buffer.getvalue() + trailing


CONTENT_TYPES = (
    '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
    'content-types"><Override PartName="/word/document.xml" ContentType="application/'
    'vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>'
)


W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
DOCUMENT = (
    f'<w:document xmlns:w="{W}"><w:body><w:p><w:r><w:t>Statement</w:t></w:r></w:p></w:body>'
    "</w:document>"
)


def docx(extra: dict[str, bytes] | None = None, content_types: str = CONTENT_TYPES) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", content_types)
        archive.writestr("_rels/.rels", "<Relationships/>")
        archive.writestr("word/document.xml", DOCUMENT)
        for name, data in (extra or {}).items():
            archive.writestr(name, data)
    return buffer.getvalue()


def docx_with_macros() -> bytes:
    return docx(
        {"word/vbaProject.bin": b"\x00" * 64},
        CONTENT_TYPES.replace("document.main+xml", "document.macroEnabled.main+xml"),
    )


def zip_bomb_docx(unpacked_bytes: int) -> bytes:
    return docx({"word/media/zeros.bin": b"\x00" * unpacked_bytes})


def docx_with_many_entries(count: int) -> bytes:
    return docx({f"word/media/part{n}.xml": b"<x/>" for n in range(count)})


SVG = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'
HTML = b"<!DOCTYPE html><html><body><script>alert(1)</script></body></html>"


def pdf_with_embedded_file() -> bytes:
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=200, height=200)
    writer.add_attachment("payload.exe", b"MZ" + b"\x00" * 50)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()
