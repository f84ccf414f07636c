"""Source-code parser family (tree-sitter): languages and grammars, syntax trees, offset maps, blocks.

``parser.parse_code`` is the entry point; ``languages``, ``tree`` and ``offsets``
are also used by the ``ast`` segmenter, which walks the same syntax trees.
"""
