"""Prompt packs: open data (TOML), one file a pack. See docs/prompt-packs.md."""
