"""The page helpers now live in support.py (one support module); this name stays for existing imports."""

from support import click, in_db, open_page, run_page, texts

__all__ = ["click", "in_db", "open_page", "run_page", "texts"]
