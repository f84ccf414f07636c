#!/usr/bin/env python3
"""Generate chunkline's hostile-input corpus into a directory (never downloads).

Every file is made here, from code, so the corpus is reproducible and
reviewable: corrupt, adversarial and odd inputs that a data-prep run over
100,000 real files will meet sooner or later.  ``tests/hostile`` runs
``chunkline chunk`` over the small (``--scale ci``) corpus and checks the
contract for each file; ``bench/fuzz.py`` and the full-size corpus
(``--scale full``: the 50 MB single line, 500,000 statements, 5,000 empty PDF
pages, a directory of 10,000 files) are the long runs.

Layout of ``OUT``::

    content/   one file per case (what ``chunkline chunk OUT/content`` reads)
    many/      a directory of N small files
    fs/        file-system oddities: names with spaces, quotes, newlines and
               non-UTF-8 bytes, symlink loops, a broken symlink, an unreadable
               file, a FIFO (made only where the OS allows)
    manifest.json  per file: what chunkline must do with it

Manifest entries: ``{"path": "content/x.txt", "expect": "ok" | "error" |
"either", "kind": "<InputError.kind>" (for errors, optional), "why": "..."}``.
``ok`` means chunks whose offsets verify, ``error`` a one-line error naming
the file, ``either`` one of the two (both are honest outcomes; e.g. a PDF
whose page count lies may be repaired or refused).

Usage::

    python scripts/make_hostile_corpus.py OUT [--scale ci|full] [--seed N]
"""

from __future__ import annotations

import argparse
import codecs
import json
import os
import random
import sys
from dataclasses import asdict, dataclass
from pathlib import Path


@dataclass(frozen=True)
class Scale:
    """How big the big cases are.  ``ci`` keeps the hostile test under a minute."""

    long_line_bytes: int
    nesting: int
    statements: int
    empty_pages: int
    many_files: int
    #: size of the pathological cases (``bombs``) as a share of issue 16's sizes
    bombs: float = 1.0


SCALES = {
    "ci": Scale(long_line_bytes=2_000_000, nesting=10_000, statements=20_000, empty_pages=200, many_files=300, bombs=0.05),
    "full": Scale(long_line_bytes=50_000_000, nesting=10_000, statements=500_000, empty_pages=5_000, many_files=10_000),
}


@dataclass(frozen=True)
class Case:
    path: str
    expect: str  # ok | error | either
    why: str
    kind: str | None = None
    #: strings the document text must contain (extracted formats: nothing visible is lost)
    keep: tuple[str, ...] = ()


PROSE = (
    "The quick brown fox jumps over the lazy dog. Pack my box with five dozen liquor jugs! "
    "How vexingly quick daft zebras jump? Sphinx of black quartz, judge my vow.\n\n"
)


class Corpus:
    def __init__(self, root: Path | None, scale: Scale, seed: int) -> None:
        self.root = root  # None: only list the cases (no files written)
        self.scale = scale
        self.rng = random.Random(seed)
        self.cases: list[Case] = []

    def add(self, rel: str, data: bytes, expect: str, why: str, kind: str | None = None, keep: tuple[str, ...] = ()) -> Path:
        self.cases.append(Case(rel, expect, why, kind, keep))
        if self.root is None:
            return Path(rel)
        path = self.root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        return path

    def note(self, rel: str, expect: str, why: str, kind: str | None = None) -> None:
        self.cases.append(Case(rel, expect, why, kind))

    # ------------------------------------------------------------ text, encodings

    def encodings(self) -> None:
        c = "content/"
        for ext in ("txt", "md", "html", "py", "legal", "pdf"):
            self.add(f"{c}empty.{ext}", b"", "error" if ext == "pdf" else "ok", "zero bytes: no chunks (PDF: not a PDF)")
        self.add(c + "whitespace_only.txt", b" \n\n\t \r\n  ", "ok", "only whitespace: no chunks")
        self.add(c + "binary_random.txt", bytes(self.rng.randrange(256) for _ in range(20_000)), "error", "binary with a text extension", "binary")
        self.add(c + "binary_png.md", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 8, "error", "PNG named .md", "binary")
        self.add(c + "binary_elf.py", b"\x7fELF\x02\x01\x01\x00" + bytes(self.rng.randrange(256) for _ in range(4000)), "error", "executable named .py", "binary")
        self.add(c + "binary_no_nul.txt", bytes(self.rng.choice(range(0x80, 0x100)) for _ in range(5000)), "error", "high bytes, no NUL: not UTF-8", "decode")
        self.add(c + "invalid_utf8.txt", PROSE.encode() + b"caf\xe9 \xff\xfe broken\n" + PROSE.encode(), "error", "invalid UTF-8 is reported, never replaced", "decode")
        self.add(c + "latin1.md", "# Café\n\nNaïve façade, über alles.\n".encode("latin-1"), "error", "Latin-1 without --encoding", "decode")
        self.add(c + "truncated_utf8.txt", ("Ünïcödé " * 50 + "é").encode()[:-1], "error", "ends inside a multi-byte character", "decode")
        self.add(c + "overlong_utf8.txt", b"abc \xc0\xaf def\n", "error", "overlong encoding of '/'", "decode")
        self.add(c + "surrogate_utf8.txt", b"abc \xed\xa0\x80 def\n", "error", "UTF-8-encoded surrogate", "decode")
        self.add(c + "utf8_bom.txt", codecs.BOM_UTF8 + PROSE.encode() * 3, "ok", "UTF-8 BOM dropped")
        self.add(c + "utf8_bom.md", codecs.BOM_UTF8 + b"# Title\n\n" + PROSE.encode(), "ok", "UTF-8 BOM before a heading")
        self.add(c + "utf8_bom.html", codecs.BOM_UTF8 + b"<html><body><h1>T</h1><p>" + PROSE.encode() + b"</p></body></html>", "ok", "UTF-8 BOM in HTML", keep=("Sphinx of black quartz",))
        self.add(c + "utf16le_bom.txt", codecs.BOM_UTF16_LE + ("Grüße aus Köln. " * 40 + "\n\n" + PROSE).encode("utf-16-le"), "ok", "UTF-16 LE with BOM")
        self.add(c + "utf16be_bom.md", codecs.BOM_UTF16_BE + ("# Überschrift\n\n" + PROSE * 3).encode("utf-16-be"), "ok", "UTF-16 BE with BOM")
        self.add(c + "utf16le_bom_odd.txt", codecs.BOM_UTF16_LE + "truncated".encode("utf-16-le") + b"x", "error", "UTF-16 with an odd byte count", "decode")
        self.add(c + "utf16le_lone_surrogate.txt", codecs.BOM_UTF16_LE + "ab".encode("utf-16-le") + b"\x00\xd8" + "cd".encode("utf-16-le"), "error", "UTF-16 lone surrogate", "decode")
        self.add(c + "utf16_no_bom.txt", PROSE.encode("utf-16-le"), "error", "UTF-16 without BOM looks binary (NULs)", "binary")
        self.add(c + "crlf.txt", PROSE.replace("\n", "\r\n").encode() * 20, "ok", "CRLF line ends")
        self.add(c + "crlf.md", ("# Head\r\n\r\n- a\r\n- b\r\n\r\n" + PROSE.replace("\n", "\r\n") * 5 + "## Two\r\n\r\ntext\r\n").encode(), "ok", "CRLF markdown")
        self.add(c + "lone_cr.txt", PROSE.replace("\n", "\r").encode() * 20, "ok", "classic Mac CR line ends")
        self.add(c + "lone_cr.md", ("# Head\r\rpara one\r\r## Sub\r\r- item\r- item two\r\r" + PROSE.replace("\n", "\r") * 3).encode(), "ok", "CR-only markdown")
        self.add(c + "lone_cr.legal", ("ARTICLE I\rDEFINITIONS\r\r1.1 Terms. The Buyer shall pay.\r\r" * 20).encode(), "ok", "CR-only legal text")
        self.add(c + "mixed_line_ends.txt", b"one\r\ntwo\rthree\nfour\n\r\nfive\r\r\nsix\n" * 50, "ok", "mixed line ends")
        self.add(c + "nul_early.txt", b"hello\x00world\n" * 10, "error", "NUL bytes in the first 8 KiB: binary", "binary")
        self.add(c + "nul_late.txt", PROSE.encode() * 200 + b"late\x00nul\n" + PROSE.encode(), "ok", "NUL after 8 KiB is text (kept, not dropped)")
        self.add(c + "nul_late.md", b"# T\n\n" + PROSE.encode() * 200 + b"late\x00nul\n", "ok", "NUL after 8 KiB in markdown")
        self.add(c + "control_chars.txt", "".join(chr(i) for i in range(1, 32)).encode() * 30 + b"\x7f\xc2\x85\xe2\x80\xa8\xe2\x80\xa9 end", "ok", "C0/C1 controls, NEL, LS, PS")
        self.add(c + "combining.txt", ("e" + "\u0301" * 500 + " ").encode() * 50, "ok", "500 combining marks on one base")
        self.add(c + "emoji_zwj.txt", ("\U0001f468\u200d\U0001f469\u200d\U0001f467\u200d\U0001f466 " * 2000).encode(), "ok", "ZWJ emoji sequences")
        self.add(c + "rtl_bidi.txt", ("\u202eabc\u202c \u05e9\u05dc\u05d5\u05dd \u0645\u0631\u062d\u0628\u0627. " * 300).encode(), "ok", "bidi controls, Hebrew, Arabic")
        self.add(c + "gzip.txt", b"\x1f\x8b\x08\x00" + bytes(self.rng.randrange(1, 256) for _ in range(3000)), "error", "gzip named .txt", "binary")

    # ------------------------------------------------------------ size

    def sizes(self) -> None:
        c = "content/"
        n = self.scale.long_line_bytes
        words = b"lorem ipsum dolor sit amet consectetur adipiscing elit "
        self.add(c + "long_line_words.txt", (words * (n // len(words) + 1))[:n], "ok", f"{n:,}-byte single line of words")
        self.add(c + "long_line_nospace.txt", b"x" * (n // 4), "ok", f"{n // 4:,}-byte single token, no whitespace")
        self.add(c + "long_line.md", b"# H\n\n" + (words * (n // 4 // len(words) + 1))[: n // 4], "ok", "long single markdown line")
        self.add(c + "long_line.html", b"<p>" + (words * (n // 4 // len(words) + 1))[: n // 4] + b"</p>", "ok", "long single HTML paragraph", keep=("lorem ipsum dolor",))
        self.add(c + "long_line.legal", (words * (n // 8 // len(words) + 1))[: n // 8], "ok", "legal text with no punctuation, one line")
        self.add(c + "many_blank_lines.txt", b"a\n" + b"\n" * (n // 4) + b"b\n", "ok", "a million blank lines")

    # ------------------------------------------------------------ structure bombs

    def nesting(self) -> None:
        c = "content/"
        d = self.scale.nesting
        self.add(c + "nested_list_inline.md", b"- " * d + b"deep\n", "ok", f"{d:,}-level nested list on one line")
        lines = "".join("  " * i + "- item %d\n" % i for i in range(min(d, 1500)))
        self.add(c + "nested_list_lines.md", lines.encode(), "ok", "1,500-level indented list")
        self.add(c + "nested_quote.md", b">" * d + b" quoted\n", "ok", f"{d:,}-level blockquote")
        self.add(c + "brackets.md", b"[" * (d * 5) + b"x" + b"]" * 10 + b"\n", "ok", "50,000 open brackets (link-parser bomb)")
        self.add(c + "emphasis.md", b"*a**" * (d * 2) + b"\n", "ok", "unbalanced emphasis runs")
        self.add(c + "backticks.md", b"`" * d + b"x" + b"``" * 100 + b"\n", "ok", "backtick runs")
        self.add(c + "table_wide.md", ("|" + "|".join("c%d" % i for i in range(2000)) + "|\n|" + "---|" * 2000 + "\n|" + "x|" * 2000 + "\n").encode(), "ok", "2,000-column table")
        self.add(c + "unclosed_fence.md", b"# T\n\n```python\n" + b"def f():\n    pass\n" * 500, "ok", "code fence never closed")
        self.add(c + "nested_div.html", b"<html><body>" + b"<div>" * d + b"deep text" + b"</div>" * d + b"</body></html>", "ok", f"{d:,} nested divs", keep=("deep text",))
        self.add(c + "nested_unclosed.html", b"<body>" + b"<div><span><b>" * d + b"never closed", "ok", f"{d:,} unclosed tag triples", keep=("never closed",))
        self.add(c + "nested_lists.html", b"<ul>" + b"<li>x<ul>" * d + b"<li>bottom", "ok", f"{d:,}-level nested HTML lists", keep=("bottom",))
        self.add(c + "nested_table.html", b"<table><tr><td>" * (d // 10) + b"cell", "ok", "1,000 nested tables", keep=("cell",))
        self.add(c + "unclosed_tags.html", b"<html><body><h1>Title<p>para one<p>para two<li>item<h2>Sub<table><tr><td>a<td>b<tr><td>c", "ok", "unclosed tags everywhere", keep=("Title", "para one", "para two", "item", "Sub", "a | b", "c"))
        self.add(c + "unclosed_script.html", b"<html><body><p>visible before</p><script>var x = '<p>not text</p>';", "ok", "script never closed (its content is not text)", keep=("visible before",))
        self.add(c + "unclosed_comment.html", b"<p>before</p><!-- never closed <p>hidden</p>", "ok", "comment never closed", keep=("before",))
        self.add(c + "script_only.html", b"<html><head><script>alert(1)</script><style>p{}</style></head><body><script>x()</script></body></html>", "ok", "no visible text: no chunks")
        self.add(c + "entities.html", b"<p>" + b"&amp;&lt;&#x1F600;&#0;&#xD800;&bogus;" * 5000 + b"</p>", "ok", "entity soup incl. NUL and surrogate references", keep=("&<\U0001f600",))
        self.add(c + "huge_attr.html", b"<p title='" + b"a" * 1_000_000 + b"'>text</p>", "ok", "1 MB attribute", keep=("text",))
        self.add(c + "not_html.html", PROSE.encode(), "ok", "plain text named .html", keep=("Sphinx of black quartz, judge my vow.",))

    # ------------------------------------------------------------ cost bombs

    def bombs(self) -> None:
        """Inputs whose cost used to grow faster than their size (issue 16).

        At full size (``--scale full``) each must finish within max(3 s, 2 s per
        MB) and 200 MB + 10x its size of peak RSS, whole command, default
        settings: ``bench/pathological.py`` times them.  ``--scale ci`` writes
        them at 5% for the correctness checks of ``tests/hostile``.
        """
        c = "content/bomb_"
        f = self.scale.bombs

        def n(full: int) -> int:
            return max(1, int(full * f))

        d = n(100_000)
        self.add(c + "nested_divs.html", b"<html><body>" + b"<div>" * d + b"<p>first paragraph</p><p>second paragraph</p>" + b"</div>" * d + b"</body></html>", "ok", f"{d:,} nested divs around two paragraphs", keep=("first paragraph", "second paragraph"))
        cols = n(20_000)
        row = b"|" + b"".join(b" v%d |" % (i % 100) for i in range(cols)) + b"\n"
        self.add(c + "wide_table.md", b"|" + b"".join(b" c%d |" % i for i in range(cols)) + b"\n|" + b"---|" * cols + b"\n" + row * 8, "ok", f"a markdown table {cols:,} columns wide")
        size = n(5_500_000)
        unit = b"function f%d(a,b){return a+b*%d};"
        body = b"".join(unit % (i, i) for i in range(size // 39))
        self.add(c + "minified_line.js", b"!function(){" + body + b"}();", "ok", f"{len(body) / 1e6:.1f} MB of minified JavaScript on one line")
        k = n(50_000)
        self.add(c + "emphasis.md", b"*a **" * k + b"\n", "ok", f"{k:,} unmatched '*a **'")
        self.add(c + "brackets.md", b"[" * k + b"x\n", "ok", f"{k:,} unmatched '['")
        self.add(c + "links.md", b"[a](" * k + b"\n", "ok", f"{k:,} unclosed link destinations")
        k = n(30_000)
        self.add(c + "nested_lists.md", b"- " * k + b"deep\n", "ok", f"{k:,} nested markdown lists")
        self.add(c + "nested_lists.html", b"<ul>" + b"<li>x<ul>" * k + b"<li>bottom" + b"</li></ul>" * k + b"</ul>", "ok", f"{k:,} nested HTML lists", keep=("bottom",))
        k = n(20_000)
        self.add(c + "nested_brackets.py", b"x = " + b"([{" * (k // 3) + b"1" + b"}])" * (k // 3) + b"\n", "ok", f"{k:,} nested brackets in code")
        self.add(c + "nested_brackets.js", b"var x = " + b"[" * k + b"1" + b"]" * k + b";\n", "ok", f"{k:,} nested brackets in JavaScript")
        k = n(1_000_000)
        self.add(c + "short_lines.txt", b"ab\n" * k, "ok", f"{k:,} short lines")
        self.add(c + "short_lines.md", b"ab\n" * k, "ok", f"{k:,} short lines of markdown")
        k = n(20_000_000)
        self.add(c + "no_space.txt", b"x" * k, "ok", f"{k / 1e6:.0f} MB without a space")
        self.add(c + "no_space.md", b"y" * k, "ok", f"{k / 1e6:.0f} MB of markdown without a space")

    # ------------------------------------------------------------ code, legal

    def code_legal(self) -> None:
        c = "content/"
        self.add(c + "syntax_error.py", b"def f(:\n    return ((\nclass\n  x = [1, 2\nprint('ok')\n" * 50, "ok", "Python syntax errors")
        self.add(c + "mixed_tabs.py", b"def f():\n\tif x:\n        return 1\n\telse:\n    \treturn 2\n" * 100, "ok", "mixed tabs and spaces")
        self.add(c + "many_statements.py", b"".join(b"x%d = %d\n" % (i, i) for i in range(self.scale.statements)), "ok", f"{self.scale.statements:,} one-line statements")
        self.add(c + "deep_parens.py", b"x = " + b"(" * self.scale.nesting + b"1" + b")" * self.scale.nesting + b"\n", "ok", f"{self.scale.nesting:,} nested parentheses")
        body = "".join("function f%d(a,b){return a+b*%d}" % (i, i) for i in range(self.scale.statements // 10))
        self.add(c + "minified.js", ("!function(){" + body + "}();").encode(), "ok", "minified JavaScript, one line")
        self.add(c + "syntax_error.js", b"function ( { var = ; }}}} class {{{ \n" * 100, "ok", "JavaScript syntax errors")
        self.add(c + "syntax_error.rs", b"fn main( { let x = ; impl for {}\n" * 100, "ok", "Rust syntax errors")
        self.add(c + "no_punct.legal", (" ".join(self.rng.choice(["the", "party", "shall", "agreement", "buyer", "seller", "hereto", "notwithstanding", "provided"]) for _ in range(30_000))).encode(), "ok", "legal text with no punctuation at all")
        self.add(c + "enumerators.legal", b"(a) " * 20_000 + b"\n", "ok", "20,000 clause letters")
        self.add(c + "headings_only.legal", b"".join(b"ARTICLE %d\nSECTION %d.\n\xc2\xa7 %d\n" % (i, i, i) for i in range(3000)), "ok", "headings only, no prose")
        self.add(c + "abbrev_storm.legal", b"U.S. v. Smith, 123 F.3d 456 (9th Cir. 1999) (citing Id. at 7; cf. Fed. R. Civ. P. 12(b)(6)). " * 2000, "ok", "citations and abbreviations")

    # ------------------------------------------------------------ PDFs

    def pdfs(self) -> None:
        import pymupdf

        c = "content/"

        def one_page(text: str = "Hello PDF world. " * 20) -> bytes:
            doc = pymupdf.open()
            page = doc.new_page()
            page.insert_textbox(pymupdf.Rect(50, 50, 550, 800), text)
            data = doc.tobytes()
            doc.close()
            return data

        good = one_page()
        self.add(c + "good.pdf", good, "ok", "a normal one-page PDF (control)", keep=("Hello PDF world.",))
        self.add(c + "truncated_half.pdf", good[: len(good) // 2], "either", "cut in half: repaired or refused, never a crash", None)
        self.add(c + "truncated_header.pdf", good[:40], "error", "only the header survives")
        corrupt = bytearray(good)
        for i in range(200, len(corrupt), 37):
            corrupt[i] = self.rng.randrange(256)
        self.add(c + "corrupt_bytes.pdf", bytes(corrupt), "either", "every 37th byte randomised")
        self.add(c + "garbage.pdf", b"%PDF-1.7\n" + bytes(self.rng.randrange(256) for _ in range(5000)), "error", "header then garbage")
        self.add(c + "not_a_pdf.pdf", PROSE.encode(), "error", "text named .pdf", "format")
        doc = pymupdf.open(stream=good, filetype="pdf")
        enc = doc.tobytes(encryption=pymupdf.PDF_ENCRYPT_AES_256, owner_pw="owner", user_pw="user")
        doc.close()
        self.add(c + "encrypted.pdf", enc, "error", "needs a password", "encrypted")
        self.add(c + "lying_page_count.pdf", good.replace(b"/Count 1", b"/Count 999", 1), "either", "page tree says 999 pages, has 1")
        zero = b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
        self.add(c + "zero_pages.pdf", zero, "error", "a valid PDF with no pages", "empty")
        doc = pymupdf.open()
        for _ in range(self.scale.empty_pages):
            doc.new_page()
        self.add(c + f"empty_pages_{self.scale.empty_pages}.pdf", doc.tobytes(garbage=1, deflate=True), "either", f"{self.scale.empty_pages:,} pages without text")
        doc.close()

    # ------------------------------------------------------------ many files, fs oddities

    def many(self) -> None:
        for i in range(self.scale.many_files if self.root is not None else 0):
            sub = "many/%03d/" % (i // 1000)
            path = self.root / sub / ("f%05d.txt" % i)
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(b"File %d. " % i + PROSE.encode())
        self.note("many/", "ok", f"{self.scale.many_files:,} small files")

    def filesystem(self) -> None:
        f = "fs/"
        self.add(f + "with space.txt", PROSE.encode(), "ok", "space in the name")
        self.add(f + "quote'dq\".txt", PROSE.encode(), "ok", "quotes in the name")
        self.add(f + "semi;colon $HOME `x`.txt", PROSE.encode(), "ok", "shell metacharacters in the name")
        self.add(f + "new\nline.txt", PROSE.encode(), "ok", "a newline in the name")
        self.add(f + "ünïcödé 日本.md", b"# T\n\n" + PROSE.encode(), "ok", "non-ASCII name")
        raw = os.fsencode(str(self.root / "fs")) + b"/bad-\xff\xfe-name.txt"
        try:
            with open(raw, "wb") as fh:
                fh.write(PROSE.encode())
            self.note(os.fsdecode(b"fs/bad-\xff\xfe-name.txt"), "ok", "non-UTF-8 bytes in the name")
        except OSError:  # file systems that insist on UTF-8 names
            pass
        loop = self.root / "fs" / "loop"
        loop.mkdir(parents=True, exist_ok=True)
        for name, target in (("a.txt", "b.txt"), ("b.txt", "a.txt"), ("self", "."), ("up", ".."), ("dangling.txt", "nowhere.txt")):
            try:
                os.symlink(target, loop / name)
            except OSError:
                pass
        self.note("fs/loop/a.txt", "error", "symlink loop", "unreadable")
        self.note("fs/loop/self", "ok", "symlinked directory loop: not followed")
        unreadable = self.add(f + "unreadable.txt", PROSE.encode(), "error" if os.geteuid() != 0 else "either", "no read permission (root can still read it)", "unreadable")
        os.chmod(unreadable, 0)
        try:
            os.mkfifo(self.root / "fs" / "fifo.txt")
            self.note("fs/fifo.txt", "error", "a FIFO, not a regular file", "unreadable")
        except (OSError, AttributeError):
            pass


def content_cases(scale: str = "ci", seed: int = 10) -> list[Case]:
    """The ``content/`` cases without writing anything (for test parametrization)."""
    corpus = Corpus(None, SCALES[scale], seed)
    corpus.encodings()
    corpus.sizes()
    corpus.nesting()
    corpus.bombs()
    corpus.code_legal()
    corpus.pdfs()
    return corpus.cases


def build(root: Path, scale: str = "ci", seed: int = 10) -> list[Case]:
    """Write the corpus under ``root`` and return its manifest."""
    corpus = Corpus(root, SCALES[scale], seed)
    root.mkdir(parents=True, exist_ok=True)
    corpus.encodings()
    corpus.sizes()
    corpus.nesting()
    corpus.bombs()
    corpus.code_legal()
    corpus.pdfs()
    corpus.many()
    corpus.filesystem()
    manifest = [asdict(c) for c in corpus.cases]
    (root / "manifest.json").write_text(json.dumps({"scale": scale, "sizes": asdict(SCALES[scale]), "cases": manifest}, indent=1, ensure_ascii=True))
    return corpus.cases


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("out", help="directory to create the corpus in")
    ap.add_argument("--scale", choices=sorted(SCALES), default="ci", help="ci: small and fast (tests); full: the sizes of issue 10")
    ap.add_argument("--seed", type=int, default=10)
    args = ap.parse_args(argv)
    out = Path(args.out)
    if out.exists() and any(out.iterdir()):
        ap.error(f"{out} exists and is not empty")
    cases = build(out, args.scale, args.seed)
    print(f"{len(cases)} cases in {out} ({args.scale})", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
