"""What a Chonkie user writes to do ``chunkline chunk DIR -s recursive --max-tokens 512``.

Read every file under DIR (sorted), chunk it with Chonkie's ``RecursiveChunker``
counting cl100k_base with the same bpe-openai counter chunkline uses (Chonkie's
own ``"cl100k_base"`` would fetch a tokenizer from the network), and write one
JSON line per chunk with its offsets.  ``bench/whole_process.py`` times this
script as a whole process against the ``chunkline`` command.

    python bench/peer_chonkie.py DIR > chunks.jsonl
"""

import json
import os
import sys

import bpe_openai
from chonkie import RecursiveChunker
from chonkie.tokenizer import Tokenizer

enc = bpe_openai.get_encoding("cl100k_base")
count = enc._backend.count  # the compiled counter chunkline uses


class BpeOpenAI(Tokenizer):
    def tokenize(self, text):
        return enc._backend.encode(text)

    def encode(self, text):
        return enc._backend.encode(text)

    def decode(self, tokens):
        return enc.decode(list(tokens))

    def count_tokens(self, text):
        return count(text)

    def __repr__(self):
        return "BpeOpenAI(cl100k_base)"


def main(root: str) -> None:
    chunker = RecursiveChunker(tokenizer=BpeOpenAI(), chunk_size=512)
    paths = sorted(os.path.join(d, f) for d, _, fs in os.walk(root) for f in fs)
    out = sys.stdout
    for path in paths:
        try:
            with open(path, encoding="utf-8") as fh:
                text = fh.read()
        except (UnicodeDecodeError, OSError):
            continue
        for i, c in enumerate(chunker.chunk(text)):
            rec = {"source": path, "index": i, "text": c.text, "start": c.start_index, "end": c.end_index, "token_count": c.token_count}
            out.write(json.dumps(rec, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    main(sys.argv[1])
