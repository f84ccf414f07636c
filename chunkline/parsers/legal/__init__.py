"""Legal-text parser family: structure (sections, clauses, definitions) and legal-grade sentence boundaries.

``parser.parse_legal`` is the entry point; ``sbd`` finds sentence boundaries,
``spacy_component`` exposes them as the ``chunkline_legal_sentences`` spaCy factory.
"""
