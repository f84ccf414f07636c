"""The quiet-unit rule structure and semantic share (``blocks.attach_quiet``)."""

from __future__ import annotations

from chunkline.segmenters.blocks import attach_quiet


def _run(units, fits=True):
    # units: (kind, text) with kind "h" heading, "q" quiet, "p" prose; a unit is a list of texts
    return attach_quiet(
        [[k + ":" + t] for k, t in units],
        lambda u: u[-1].startswith("h:"),
        lambda u: u[0].startswith("q:"),
        lambda h, q: h + q,
        lambda first, h: [first[0], *h] if fits else None,
    )


def test_quiet_after_a_heading_joins_it_and_quiet_before_a_heading_leads_it():
    units = [("p", "a"), ("q", "anchor"), ("h", "H"), ("q", "added"), ("p", "b")]
    assert _run(units) == [["p:a"], ["q:anchor", "h:H", "q:added"], ["p:b"]]


def test_leading_quiet_stays_when_it_may_not_join():
    units = [("p", "a"), ("q", "anchor"), ("h", "H"), ("p", "b"), ("q", "end")]
    assert _run(units, fits=False) == [["p:a"], ["q:anchor"], ["h:H"], ["p:b"], ["q:end"]]
