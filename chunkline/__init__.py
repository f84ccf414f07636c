"""chunkline: documents in, retrieval-ready chunks out, with exact offsets."""

__version__ = "0.1.0"
