"""Word (.docx) files: the package is parsed and rebuilt, never searched as bytes.

A .docx is a zip of XML parts tied together by [Content_Types].xml and relationship (*.rels)
parts. All of these are parsed with defusedxml (no DTDs, no entities), every entry is read
through zipcap's counter of real unpacked bytes, and the file is written again from what was read.

Refused: macros (vbaProject parts, macro-enabled content types); OLE objects and embedded
packages (word/embeddings/, which includes the data behind charts); ActiveX controls;
altChunk (a part imported as HTML, RTF or another document); sub-documents; any relationship to
content outside the file except a web or e-mail hyperlink (an attached template, frames or
pictures fetched from a server would make Word reach out when the reviewer opens it); fields
that run a program or fetch a file (DDE, DDEAUTO, INCLUDETEXT, INCLUDEPICTURE, LINK, IMPORT).
Removed: the document properties (docProps core, app and custom: author, company, editing
time), the thumbnail, and EXIF in JPEG and PNG pictures (re-encoded by images.reencode).
"""

import io
import posixpath
import zipfile
from urllib.parse import urlsplit
from xml.sax.saxutils import quoteattr

from defusedxml import ElementTree as SafeElementTree
from django.core.exceptions import ValidationError

from . import images
from .zipcap import CappedArchive

CONTENT_TYPES = "[Content_Types].xml"
PACKAGE_RELATIONSHIPS = "_rels/.rels"
CONTENT_TYPES_NS = "http://schemas.openxmlformats.org/package/2006/content-types"
RELATIONSHIPS_NS = "http://schemas.openxmlformats.org/package/2006/relationships"

MACRO_RELATIONSHIPS = {"vbaproject", "wordvbadata", "vbaprojectsignature"}
ACTIVE_RELATIONSHIPS = {
    "oleobject",
    "package",
    "activexcontrol",
    "activexcontrolbinary",
    "control",
    "afchunk",
    "subdocument",
    "attachedtemplate",
    "frame",
}
METADATA_RELATIONSHIPS = {
    "core-properties",
    "extended-properties",
    "custom-properties",
    "thumbnail",
}
LINK_SCHEMES = {"http", "https", "mailto"}
ACTIVE_FIELDS = {"DDE", "DDEAUTO", "INCLUDETEXT", "INCLUDEPICTURE", "LINK", "IMPORT"}
PICTURES = {"jpg": images.JPEG, "jpeg": images.JPEG, "png": images.PNG}
# Entries get one fixed date: the zip's own timestamps would tell when the file was edited.
FIXED_DATE = (1980, 1, 1, 0, 0, 0)

MACRO = "This Word file contains macros. Save it as a plain Word document (.docx) and upload that."
ACTIVE = (
    "This Word file contains embedded objects, controls, or content it fetches from other files "
    "or servers. Save it as PDF (File, Save As, PDF) and upload that instead."
)
INVALID = "This Word file cannot be read. Save it again as a .docx file."


def sanitise(data: bytes) -> bytes:
    """The document rebuilt without metadata, or a ValidationError."""
    invalid = ValidationError(INVALID, code="docx_invalid")
    too_large = ValidationError("This Word file is too large once unpacked.", code="docx_bomb")
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, ValueError, OSError) as error:
        raise invalid from error
    with archive:
        package = CappedArchive(archive, invalid=invalid, too_large=too_large)
        entries = {entry.filename: entry for entry in package.entries}
        if CONTENT_TYPES not in entries or "word/document.xml" not in entries:
            raise invalid
        _check_names(entries)
        # The XML that ties the package together is read first; the other parts stream after.
        read = {
            name: package.read(entry)
            for name, entry in entries.items()
            if name == CONTENT_TYPES or name.endswith(".rels")
        }
        relationships = {
            name: _relationships(content, invalid)
            for name, content in read.items()
            if name.endswith(".rels")
        }
        for found in relationships.values():
            _check_relationships(found)
        package_relationships = relationships.get(PACKAGE_RELATIONSHIPS, [])
        metadata = {
            _part_name(rel["Target"])
            for rel in package_relationships
            if _type(rel) in METADATA_RELATIONSHIPS
        }
        dropped = metadata | {_relationships_of(name) for name in metadata}
        defaults, overrides = _content_types(read[CONTENT_TYPES], invalid)
        kept_overrides = [
            (part, kind) for part, kind in overrides if _part_name(part) not in dropped
        ]
        kept_relationships = [
            rel for rel in package_relationships if _type(rel) not in METADATA_RELATIONSHIPS
        ]

        output = io.BytesIO()
        with zipfile.ZipFile(output, "w", zipfile.ZIP_DEFLATED) as rebuilt:
            # First, as Word writes it: file-type detection looks at the first entry.
            _write(rebuilt, CONTENT_TYPES, _content_types_xml(defaults, kept_overrides))
            for name, entry in entries.items():
                if name == CONTENT_TYPES or name in dropped:
                    continue
                if name == PACKAGE_RELATIONSHIPS:
                    _write(rebuilt, name, _relationships_xml(kept_relationships))
                elif name in read:
                    _write(rebuilt, name, read[name])
                elif name.startswith("word/") and name.endswith(".xml"):
                    content = package.read(entry)
                    _check_fields(content, invalid)
                    _write(rebuilt, name, content)
                elif name.startswith("word/media/") and _extension(name) in PICTURES:
                    _write(rebuilt, name, _picture(package.read(entry), PICTURES[_extension(name)]))
                else:
                    with rebuilt.open(_entry(name), "w") as target:
                        for chunk in package.chunks(entry):
                            target.write(chunk)
    return output.getvalue()


def _check_names(entries) -> None:
    for name in entries:
        lowered = name.casefold()
        if name.startswith("/") or "\\" in name or ".." in name.split("/"):
            raise ValidationError(INVALID, code="docx_invalid")
        if lowered.endswith("vbaproject.bin"):
            raise ValidationError(MACRO, code="docx_macro")
        if lowered.startswith(("word/embeddings/", "word/activex/")):
            raise ValidationError(ACTIVE, code="docx_active")


def _parse(content: bytes, invalid):
    try:
        return SafeElementTree.fromstring(content, forbid_dtd=True)
    except Exception as error:  # noqa: BLE001 - malformed or hostile XML: refuse the file
        raise invalid from error


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _relationships(content: bytes, invalid) -> list[dict]:
    root = _parse(content, invalid)
    found = [dict(item.attrib) for item in root if _local(item.tag) == "Relationship"]
    if any(not rel.get("Id") or not rel.get("Type") or "Target" not in rel for rel in found):
        raise invalid
    return found


def _type(relationship: dict) -> str:
    return relationship["Type"].rstrip("/").rsplit("/", 1)[-1].casefold()


def _check_relationships(relationships: list[dict]) -> None:
    for rel in relationships:
        kind = _type(rel)
        if kind in MACRO_RELATIONSHIPS:
            raise ValidationError(MACRO, code="docx_macro")
        if kind in ACTIVE_RELATIONSHIPS:
            raise ValidationError(ACTIVE, code="docx_active")
        if rel.get("TargetMode", "Internal").casefold() == "external":
            scheme = urlsplit(rel["Target"].strip()).scheme.casefold()
            if kind != "hyperlink" or scheme not in LINK_SCHEMES:
                raise ValidationError(ACTIVE, code="docx_active")


def _content_types(content: bytes, invalid) -> tuple[list, list]:
    root = _parse(content, invalid)
    defaults, overrides = [], []
    for item in root:
        kind = item.get("ContentType", "")
        lowered = kind.casefold()
        if "macroenabled" in lowered or "vbaproject" in lowered:
            raise ValidationError(MACRO, code="docx_macro")
        if "activex" in lowered or "oleobject" in lowered:
            raise ValidationError(ACTIVE, code="docx_active")
        if _local(item.tag) == "Default" and item.get("Extension"):
            defaults.append((item.get("Extension"), kind))
        elif _local(item.tag) == "Override" and item.get("PartName"):
            overrides.append((item.get("PartName"), kind))
    return defaults, overrides


def _check_fields(content: bytes, invalid) -> None:
    """A field's instruction is split over runs between its begin and end marks; joined, its
    first word must not be one that runs a program or fetches a file."""
    open_fields: list[list[str]] = []
    try:
        for _event, element in SafeElementTree.iterparse(io.BytesIO(content), forbid_dtd=True):
            name = _local(element.tag)
            if name == "fldChar":
                mark = next(
                    (v for k, v in element.attrib.items() if _local(k) == "fldCharType"), ""
                )
                if mark == "begin":
                    open_fields.append([])
                elif mark == "end" and open_fields:
                    _check_instruction("".join(open_fields.pop()))
            elif name == "instrText":
                if open_fields:
                    open_fields[-1].append(element.text or "")
                else:
                    _check_instruction(element.text or "")
            elif name == "fldSimple":
                for key, value in element.attrib.items():
                    if _local(key) == "instr":
                        _check_instruction(value)
            element.clear()
    except ValidationError:
        raise
    except Exception as error:  # noqa: BLE001 - malformed or hostile XML: refuse the file
        raise invalid from error
    for unfinished in open_fields:
        _check_instruction("".join(unfinished))


def _check_instruction(instruction: str) -> None:
    words = instruction.split()
    if words and words[0].upper() in ACTIVE_FIELDS:
        raise ValidationError(ACTIVE, code="docx_active")


def _picture(content: bytes, content_type: str) -> bytes:
    try:
        return images.reencode(content, content_type)
    except ValidationError as error:
        raise ValidationError(
            "A picture in this Word file cannot be read or is too large. Save the document as "
            "PDF and upload that instead.",
            code="docx_image",
        ) from error


def _part_name(target: str) -> str:
    return posixpath.normpath(target.lstrip("/"))


def _relationships_of(part: str) -> str:
    folder, base = posixpath.split(part)
    return posixpath.join(folder, "_rels", f"{base}.rels")


def _extension(name: str) -> str:
    return name.rsplit(".", 1)[-1].casefold() if "." in name else ""


def _entry(name: str) -> zipfile.ZipInfo:
    entry = zipfile.ZipInfo(name, date_time=FIXED_DATE)
    entry.compress_type = zipfile.ZIP_DEFLATED
    return entry


def _write(archive: zipfile.ZipFile, name: str, content: bytes) -> None:
    archive.writestr(_entry(name), content)


def _content_types_xml(defaults, overrides) -> bytes:
    lines = [
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>',
        f"<Types xmlns={quoteattr(CONTENT_TYPES_NS)}>",
        *(f"<Default Extension={quoteattr(e)} ContentType={quoteattr(k)}/>" for e, k in defaults),
        *(f"<Override PartName={quoteattr(p)} ContentType={quoteattr(k)}/>" for p, k in overrides),
        "</Types>",
    ]
    return "".join(lines).encode()


def _relationships_xml(relationships) -> bytes:
    items = []
    for rel in relationships:
        mode = rel.get("TargetMode")
        extra = f" TargetMode={quoteattr(mode)}" if mode else ""
        items.append(
            f"<Relationship Id={quoteattr(rel['Id'])} Type={quoteattr(rel['Type'])} "
            f"Target={quoteattr(rel['Target'])}{extra}/>"
        )
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        f"<Relationships xmlns={quoteattr(RELATIONSHIPS_NS)}>{''.join(items)}</Relationships>"
    ).encode()
