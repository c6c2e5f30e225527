"""Images: decoded and written again by Pillow, so nothing but the pixels survives.

Re-encoding drops EXIF (GPS position, camera serial numbers), text chunks, ICC profiles and
anything appended after the image data. An image is measured before it is decoded: more pixels
than REFERRAL_IMAGE_MAX_PIXELS is refused, and so is anything Pillow itself warns about as a
possible decompression bomb (the warning is made an error for this call only).
"""

import io
import warnings

from django.conf import settings
from django.core.exceptions import ValidationError
from PIL import Image, ImageOps

JPEG = "image/jpeg"
PNG = "image/png"

TOO_LARGE = (
    "This image has too many pixels to check safely. Save it at a smaller size and upload it again."
)


def reencode(data: bytes, content_type: str) -> bytes:
    """The same picture as a fresh JPEG or PNG with no metadata."""
    invalid = ValidationError("This image cannot be read. It may be damaged.", code="image")
    too_large = ValidationError(TOO_LARGE, code="image_too_large")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as probe:  # reads the header only
                width, height = probe.size
                if width * height > settings.REFERRAL_IMAGE_MAX_PIXELS:
                    raise too_large
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
    except ValidationError:
        raise
    except (Image.DecompressionBombWarning, Image.DecompressionBombError) as error:
        raise too_large from error
    except Exception as error:  # noqa: BLE001 - any decoder failure is a refusal, never a 500
        raise invalid from error


def strip_jpeg_metadata(data: bytes) -> bytes:
    """A JPEG stream without its APP1-APP15 and comment segments (EXIF, XMP, IPTC, comments),
    the compressed image itself untouched. Used where re-encoding would change a document's
    pictures (inside PDFs). APP0 (JFIF) and APP14 (Adobe: how to read the colours) stay.
    Raises ValueError if the segments do not parse."""
    if data[:2] != b"\xff\xd8":
        raise ValueError("not a JPEG")
    kept, position = [data[:2]], 2
    while position + 4 <= len(data):
        if data[position] != 0xFF:
            raise ValueError("bad marker")
        marker = data[position + 1]
        if marker == 0xFF:  # fill byte
            position += 1
            continue
        if marker == 0xDA:  # start of scan: the rest is image data
            kept.append(data[position:])
            return b"".join(kept)
        length = int.from_bytes(data[position + 2 : position + 4], "big")
        if length < 2 or position + 2 + length > len(data):
            raise ValueError("bad segment length")
        segment = data[position : position + 2 + length]
        if not (0xE1 <= marker <= 0xED or marker == 0xEF or marker == 0xFE):
            kept.append(segment)
        position += 2 + length
    raise ValueError("no image data")
