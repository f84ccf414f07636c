"""What a LlamaIndex user writes to do ``chunkline chunk DIR -s ast --max-chars 1500``.

Read every ``.py`` file under DIR (sorted), split it with LlamaIndex's
``CodeSplitter`` (tree-sitter, Python, 1,500 characters), and write one JSON
line per chunk; CodeSplitter reports no offsets, so each chunk is located in
the source with ``str.find`` from the previous one (what a user needing offsets
has to do).  ``bench/whole_process.py`` times this script as a whole process.

    python bench/peer_llamaindex.py DIR > chunks.jsonl
"""

import json
import os
import sys

from llama_index.core.node_parser import CodeSplitter


def main(root: str) -> None:
    splitter = CodeSplitter(language="python", max_chars=1500, chunk_lines=10_000, chunk_lines_overlap=1)
    paths = sorted(os.path.join(d, f) for d, _, fs in os.walk(root) for f in fs if f.endswith(".py"))
    out = sys.stdout
    for path in paths:
        try:
            with open(path, encoding="utf-8") as fh:
                text = fh.read()
        except (UnicodeDecodeError, OSError):
            continue
        try:
            pieces = splitter.split_text(text)
        except Exception:  # CodeSplitter raises on files tree-sitter cannot parse
            continue
        pos = 0
        for i, piece in enumerate(pieces):
            start = text.find(piece, pos)
            if start < 0:
                start = pos
            rec = {"source": path, "index": i, "text": piece, "start": start, "end": start + len(piece)}
            out.write(json.dumps(rec, ensure_ascii=False) + "\n")
            pos = start + 1


if __name__ == "__main__":
    main(sys.argv[1])
