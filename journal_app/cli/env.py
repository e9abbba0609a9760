"""What a command may touch, passed in so tests give their own (as httpie's Environment)."""

from __future__ import annotations

import getpass
import os
import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import IO


@dataclass
class Env:
    """Standard streams, the environment and the person's answers: nothing else is reached for."""

    stdin: IO[str] = field(default_factory=lambda: sys.stdin)
    stdout: IO[str] = field(default_factory=lambda: sys.stdout)
    stderr: IO[str] = field(default_factory=lambda: sys.stderr)
    environ: Mapping[str, str] = field(default_factory=lambda: os.environ)
    ask_secret: Callable[[str], str] = getpass.getpass

    def interactive(self) -> bool:
        return self.stdin.isatty()

    def ask(self, question: str) -> str:
        """A line typed by the person after `question` (on stderr, so stdout stays data)."""
        self.stderr.write(question)
        self.stderr.flush()
        return self.stdin.readline().rstrip("\n")
