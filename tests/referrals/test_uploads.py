"""Upload checks: only PDF, JPEG, PNG and DOCX, recognized by content, parsed, cleaned."""

import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from referrals.uploads import DOCX, JPEG, PDF, PNG, check_upload, sanitize_filename
from tests.referrals import files


def upload(name, data, content_type="application/octet-stream"):
    # The browser's claimed content type is ignored: the checks read the content.
    return SimpleUploadedFile(name, data, content_type=content_type)


@pytest.mark.parametrize(
    ("name", "data", "content_type"),
    [
        ("consent.pdf", files.pdf(), PDF),
        ("photo.jpg", files.jpeg_with_gps(), JPEG),
        ("photo.JPEG", files.jpeg_with_gps(), JPEG),
        ("scan.png", files.png(), PNG),
        ("statement.docx", files.docx(), DOCX),
    ],
)
def test_allowed_files_are_accepted(name, data, content_type):
    checked = check_upload(upload(name, data, "text/html"))
    assert checked.content_type == content_type
    assert checked.size > 0


@pytest.mark.parametrize(
    ("name", "data", "code"),
    [
        ("empty.pdf", b"", "empty"),
        ("page.pdf", files.HTML, "type"),  # a .pdf that is really HTML
        ("page.html", files.HTML, "type"),
        ("drawing.svg", files.SVG, "type"),
        ("drawing.png", files.SVG, "type"),
        ("photo.jpg", files.png(), "mismatch"),  # content does not match the name's type
        ("consent.docx", files.pdf(), "mismatch"),
        ("consent", files.pdf(), "mismatch"),  # no extension at all
        ("notes.txt", b"just some text", "type"),
        ("program.exe", b"MZ\x90\x00" + b"\x00" * 200, "type"),
        ("broken.pdf", b"%PDF-1.4\n<html><script>alert(1)</script></html>", "pdf_invalid"),
        ("script.pdf", files.pdf_with_javascript(), "pdf_active"),
        ("locked.pdf", files.encrypted_pdf(), "pdf_encrypted"),
        ("carrier.pdf", files.pdf_with_embedded_file(), "pdf_active"),
        ("macro.docx", files.docx_with_macros(), "docx_macro"),
        ("macro.docm", files.docx_with_macros(), "mismatch"),
        ("notword.docx", b"PK\x03\x04" + b"\x00" * 100, "docx_invalid"),
        ("broken.png", files.png()[:40], "image"),
    ],
)
def test_disallowed_or_broken_files_are_refused(name, data, code):
    with pytest.raises(ValidationError) as refused:
        check_upload(upload(name, data))
    assert refused.value.code == code


def test_a_file_over_the_size_limit_is_refused(settings):
    settings.REFERRAL_UPLOAD_MAX_FILE_BYTES = 1000
    with pytest.raises(ValidationError) as refused:
        check_upload(upload("big.pdf", files.pdf() + b"\n" * 2000))
    assert refused.value.code == "too_large"
    assert "1000" in refused.value.messages[0] or "KB" in refused.value.messages[0]


def test_a_docx_that_unpacks_too_large_is_refused_before_unpacking(settings):
    settings.REFERRAL_DOCX_MAX_UNCOMPRESSED_BYTES = 100_000
    bomb = files.zip_bomb_docx(5_000_000)
    assert len(bomb) < 50_000  # small on the wire, large unpacked
    with pytest.raises(ValidationError) as refused:
        check_upload(upload("bomb.docx", bomb))
    assert refused.value.code == "docx_bomb"


def test_a_docx_with_too_many_entries_is_refused(settings):
    settings.REFERRAL_DOCX_MAX_ENTRIES = 50
    with pytest.raises(ValidationError):
        check_upload(upload("parts.docx", files.docx_with_many_entries(60)))


def test_images_are_re_encoded_without_location_metadata():
    original = files.jpeg_with_gps()
    assert Image.open(io.BytesIO(original)).getexif().get(0x8825)  # GPS was there
    checked = check_upload(upload("photo.jpg", original))
    image = Image.open(io.BytesIO(checked.data))
    assert image.format == "JPEG"
    assert not image.getexif()
    assert image.size == (40, 30)


def test_data_appended_after_an_image_is_dropped():
    trailing = b"<html><script>alert(1)</script></html>"
    checked = check_upload(upload("scan.png", files.png(trailing)))
    assert trailing not in checked.data
    assert Image.open(io.BytesIO(checked.data)).format == "PNG"


@pytest.mark.parametrize(
    ("name", "extension", "expected"),
    [
        ("../../etc/passwd.pdf", "pdf", "passwd.pdf"),
        ("C:\\Users\\me\\scan.pdf", "pdf", "scan.pdf"),
        ("in\x00voice.pdf", "pdf", "invoice.pdf"),
        ("invoice\u202efdp.exe", "pdf", "invoicefdp.pdf"),  # right-to-left override removed
        ("zero\u200bwidth.png", "png", "zerowidth.png"),
        ('quote"s <and> tags.docx', "docx", "quote_s_and_tags.docx"),
        ("José consent.pdf", "pdf", "José consent.pdf"),
        ("", "pdf", "attachment.pdf"),
        ("....pdf", "pdf", "attachment.pdf"),
    ],
)
def test_filenames_are_sanitized(name, extension, expected):
    assert sanitize_filename(name, extension) == expected


def test_long_filenames_are_shortened_and_keep_the_real_extension():
    name = sanitize_filename("a" * 300 + ".pdf", "pdf")
    assert len(name) <= 100 and name.endswith(".pdf")


def test_the_stored_name_ends_in_the_type_found_in_the_content():
    checked = check_upload(upload("Scan.PDF", files.pdf()))
    assert checked.name == "Scan.pdf"
