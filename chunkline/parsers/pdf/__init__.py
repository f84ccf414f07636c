"""PDF parser family (PyMuPDF): lines, layout and reading order, tables, contents pages, text cleanup.

``parser.parse_pdf`` is the entry point; the other modules are its stages.
"""
