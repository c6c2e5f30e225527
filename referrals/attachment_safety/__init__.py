"""Making an uploaded document safe for a State reviewer to open (docs/decisions/0007).

One module per format: pdf (pikepdf), docx (the OOXML package, read through zipcap), images
(Pillow). Each parses the structure with a maintained library, refuses what can act on the
reviewer's machine and rebuilds the file without metadata. Refusals are ValidationErrors whose
messages tell the referrer what to do and never echo the content.
"""
