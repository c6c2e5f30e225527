"""Attachments cannot act on the reviewer who opens them (docs/decisions/0007).

Each sanitiser is checked on hostile files built here, through check_upload (what every upload
form calls); then a few through the wizard's attachment step, down to the stored file.
"""

import io
import zipfile

import pikepdf
import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from faker import Faker
from PIL import Image

from referral_portal import private_storage
from referrals.models import Attachment
from referrals.uploads import check_upload
from tests.referrals import files
from tests.referrals import hostile_files as hostile
from tests.referrals.builders import draft

fake = Faker("en_US")


def checked(name, data):
    return check_upload(SimpleUploadedFile(name, data, "application/octet-stream"))


def refusal_code(name, data):
    with pytest.raises(ValidationError) as refused:
        checked(name, data)
    return refused.value.code


def every_dictionary(pdf):
    """Every dictionary reachable in a reopened PDF, stream dictionaries included."""
    seen, pending = set(), [pdf.trailer]
    while pending:
        item = pending.pop()
        if isinstance(item, pikepdf.Object) and item.is_indirect:
            if item.objgen in seen:
                continue
            seen.add(item.objgen)
        if isinstance(item, (pikepdf.Dictionary, pikepdf.Stream)):
            yield item
            pending.extend(item.values())
        elif isinstance(item, pikepdf.Array):
            pending.extend(item)


# --- PDF ----------------------------------------------------------------------------------------
def test_javascript_behind_escaped_names_is_refused():
    assert refusal_code("open.pdf", hostile.pdf_with_escaped_javascript()) == "pdf_active"


@pytest.mark.parametrize("kind", ["/Launch", "/GoToR", "/GoToE", "/SubmitForm", "/ImportData"])
def test_actions_that_leave_the_document_are_refused(kind):
    assert refusal_code("link.pdf", hostile.pdf_with_action(kind)) == "pdf_active"


@pytest.mark.parametrize(
    "data",
    [hostile.pdf_with_attachment_annotation(), hostile.pdf_with_xfa()],
    ids=["attached-file", "xfa"],
)
def test_attached_files_and_xfa_forms_are_refused(data):
    assert refusal_code("form.pdf", data) == "pdf_active"


def test_open_actions_additional_actions_and_links_are_removed():
    original = hostile.pdf_with_open_actions_and_links()

    rebuilt = pikepdf.open(io.BytesIO(checked("letter.pdf", original).data))

    found = list(every_dictionary(rebuilt))
    assert not [d for d in found if "/OpenAction" in d or "/AA" in d]
    assert not [d for d in found if d.get("/S") == pikepdf.Name.URI or "/URI" in d]
    assert len(rebuilt.pages) == 1 and len(rebuilt.pages[0].Annots) == 1  # the link, inert


def test_document_information_xmp_and_photo_exif_are_removed():
    author = fake.name()
    original = hostile.pdf_with_metadata(author)
    assert author.encode() in original

    data = checked("scan.pdf", original).data

    rebuilt = pikepdf.open(io.BytesIO(data))
    assert "/Info" not in rebuilt.trailer and "/Metadata" not in rebuilt.Root
    assert author.encode() not in data
    photo = rebuilt.pages[0].Resources.XObject.Photo.read_raw_bytes()
    assert Image.open(io.BytesIO(photo)).size == (40, 30)
    assert not Image.open(io.BytesIO(photo)).getexif()


def test_a_pdf_with_an_owner_password_only_is_stored_without_encryption():
    pdf = pikepdf.open(io.BytesIO(files.pdf()))
    locked = io.BytesIO()
    pdf.save(locked, encryption=pikepdf.Encryption(owner="owner only", user=""))
    assert pikepdf.open(io.BytesIO(locked.getvalue())).is_encrypted

    data = checked("form.pdf", locked.getvalue()).data

    assert not pikepdf.open(io.BytesIO(data)).is_encrypted


# --- DOCX ---------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("data", "code"),
    [
        (hostile.docx_with_remote_template(), "docx_active"),
        (hostile.docx_with_document_relationship("oleObject", "media/object1.bin"), "docx_active"),
        (
            hostile.docx_with_document_relationship(
                "oleObject", "embeddings/oleObject1.bin", extra={"word/embeddings/x.bin": b"\0"}
            ),
            "docx_active",
        ),
        (hostile.docx_with_document_relationship("activeXControl", "a/x.xml"), "docx_active"),
        (hostile.docx_with_document_relationship("aFChunk", "afchunk.mht"), "docx_active"),
        (
            hostile.docx_with_document_relationship(
                "image", "\\\\files.example\\x.png", "External"
            ),
            "docx_active",
        ),
        (
            hostile.docx_with_document_relationship("hyperlink", "file:///c:/x.exe", "External"),
            "docx_active",
        ),
        (hostile.docx_with_field(" DDEAUTO c:\\\\windows\\\\cmd.exe ", '"/k calc"'), "docx_active"),
        (
            hostile.docx_with_field(" INCLUDE", 'PICTURE "\\\\\\\\files.example\\\\a.png" '),
            "docx_active",
        ),
        (files.docx_with_macros(), "docx_macro"),
        (hostile.docx_with_document_relationship("vbaProject", "vbaData.bin"), "docx_macro"),
    ],
    ids=[
        "remote-template",
        "ole-relationship",
        "ole-part",
        "activex",
        "altchunk",
        "picture-from-a-share",
        "link-to-a-file",
        "dde-field",
        "includepicture-split-over-runs",
        "macro-content-type",
        "macro-relationship",
    ],
)
def test_word_files_that_run_embed_or_fetch_are_refused(data, code):
    assert refusal_code("statement.docx", data) == code


def test_web_links_and_ordinary_fields_in_word_files_are_kept():
    linked = hostile.docx_with_document_relationship("hyperlink", "https://www.ny.gov/", "External")
    assert checked("statement.docx", linked).size > 0
    assert checked(
        "page.docx", hostile.docx_with_field(' HYPERLINK "https://www.ny.gov/link"')
    ).size


def test_document_properties_and_picture_exif_are_removed():
    author = fake.name()
    original = hostile.docx_with_properties_and_photo(author)

    data = checked("statement.docx", original).data

    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        names = archive.namelist()
        parts = {name: archive.read(name) for name in names}
    assert names[0] == "[Content_Types].xml"
    assert not [name for name in names if name.startswith("docProps/")]
    assert not [name for name, content in parts.items() if author.encode() in content]
    assert b"docProps" not in parts["_rels/.rels"] + parts["[Content_Types].xml"]
    assert b"word/document.xml" in parts["_rels/.rels"]
    assert not Image.open(io.BytesIO(parts["word/media/image1.jpeg"])).getexif()


def test_a_zip_that_lies_about_its_sizes_is_stopped_by_the_real_count(settings):
    settings.REFERRAL_DOCX_MAX_UNCOMPRESSED_BYTES = 100_000
    bomb = hostile.docx_with_lying_sizes(5_000_000, declared=1000)
    with zipfile.ZipFile(io.BytesIO(bomb)) as archive:
        assert sum(entry.file_size for entry in archive.infolist()) < 100_000

    assert refusal_code("bomb.docx", bomb) == "docx_bomb"


def test_a_zip_whose_declared_size_is_wrong_is_refused_even_when_small():
    assert refusal_code("odd.docx", hostile.docx_with_lying_sizes(50_000, declared=10)) == (
        "docx_invalid"
    )


# --- images -------------------------------------------------------------------------------------
def test_an_image_with_too_many_pixels_is_refused_before_decoding():
    # 64 million pixels: below Pillow's own warning, above the portal's limit.
    assert refusal_code("huge.png", hostile.png_header_only(8000, 8000)) == "image_too_large"


def test_pillows_decompression_bomb_warning_is_an_error(settings):
    settings.REFERRAL_IMAGE_MAX_PIXELS = 10**12  # leave it to Pillow's check alone
    # 100 million pixels: Pillow only warns (it refuses above twice its limit of ~89 million).
    assert refusal_code("huge.png", hostile.png_header_only(10_000, 10_000)) == "image_too_large"


# --- through the wizard -------------------------------------------------------------------------
def post_attachment(client, referral, name, data):
    return client.post(
        f"/referrals/{referral.public_id}/edit/attachments/",
        {"action": "upload", "kind": "other", "file": SimpleUploadedFile(name, data)},
    )


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("open.pdf", hostile.pdf_with_escaped_javascript(), "Print it to a new PDF"),
        ("xfa.pdf", hostile.pdf_with_xfa(), "Print it to a new PDF"),
        ("letter.docx", hostile.docx_with_remote_template(), "Save it as PDF"),
        ("huge.png", hostile.png_header_only(8000, 8000), "too many pixels"),
    ],
    ids=["escaped-javascript", "xfa", "remote-template", "image-bomb"],
)
def test_the_wizard_refuses_hostile_files_next_to_the_field(client, name, data, message):
    referral = draft()
    client.force_login(referral.created_by)

    response = post_attachment(client, referral, name, data)

    assert response.status_code == 400
    assert message in response.content.decode().split('id="div_id_file"', 1)[1]
    assert not Attachment.objects.exists()


@pytest.mark.django_db
def test_the_wizard_stores_the_disarmed_pdf_and_the_stripped_word_file(client):
    referral = draft()
    client.force_login(referral.created_by)
    author = fake.name()

    assert (
        post_attachment(
            client, referral, "a.pdf", hostile.pdf_with_open_actions_and_links()
        ).status_code
        == 302
    )
    assert (
        post_attachment(client, referral, "b.pdf", hostile.pdf_with_metadata(author)).status_code
        == 302
    )
    assert (
        post_attachment(
            client, referral, "c.docx", hostile.docx_with_properties_and_photo(author)
        ).status_code
        == 302
    )

    stored = {
        attachment.original_name: private_storage.read_decrypted(
            attachment.stored_name, context=attachment.storage_context
        )
        for attachment in Attachment.objects.filter(referral=referral)
    }
    assert sorted(stored) == ["a.pdf", "b.pdf", "c.docx"]
    actions = pikepdf.open(io.BytesIO(stored["a.pdf"]))
    assert not [d for d in every_dictionary(actions) if {"/OpenAction", "/AA", "/URI"} & set(d)]
    assert "/Info" not in pikepdf.open(io.BytesIO(stored["b.pdf"])).trailer
    assert not [content for content in stored.values() if author.encode() in content]
    with zipfile.ZipFile(io.BytesIO(stored["c.docx"])) as archive:
        assert not [name for name in archive.namelist() if name.startswith("docProps/")]
