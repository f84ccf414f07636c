"""Parsers: one module per format, each registering itself (see ``base``)."""

from .base import PARSERS, ParseContext, ParseOptions, ParserSpec, detect_format, get_parser, parse_bytes, register_parser

__all__ = ["PARSERS", "ParseContext", "ParseOptions", "ParserSpec", "detect_format", "get_parser", "parse_bytes", "register_parser"]
