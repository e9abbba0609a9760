"""Ressenti: a private, bilingual reflective-practice journal."""

__version__ = "0.1.0"
