"""Segmenters: one module per strategy, each registering itself (see ``base``)."""

from .base import SEGMENTERS, Budget, SegmentContext, Span, Strategy, build_chunks, get_segmenter, parse_strategy, register_segmenter, segment

__all__ = ["SEGMENTERS", "Budget", "SegmentContext", "Span", "Strategy", "build_chunks", "get_segmenter", "parse_strategy", "register_segmenter", "segment"]
