"""A progress bar on stderr, with the standard library only."""

import sys
import time


class Progress:
    """`start(label, total)`, `advance(n)`, `finish()`; redraws at most
    ten times a second, and draws nothing when disabled."""

    def __init__(self, *, enabled: bool = True, stream=None, width: int = 30):
        self.enabled = enabled
        self.stream = stream or sys.stderr
        self.width = width
        self.label, self.total, self.done = "", 0, 0
        self._started = self._drawn = 0.0

    def start(self, label: str, total: int) -> None:
        self.label, self.total, self.done = label, total, 0
        self._started = time.perf_counter()
        self._drawn = 0.0
        self._draw(force=True)

    def advance(self, n: int) -> None:
        self.done += n
        self._draw()

    def finish(self) -> None:
        if self.enabled and self.total is not None:
            self._draw(force=True)
            self.stream.write("\n")
            self.stream.flush()
        self.total = None

    def _draw(self, force: bool = False) -> None:
        if not self.enabled or self.total is None:
            return
        now = time.perf_counter()
        if not force and now - self._drawn < 0.1:
            return
        self._drawn = now
        fraction = self.done / self.total if self.total else 1.0
        filled = int(self.width * fraction)
        rate = self.done / (now - self._started) if now > self._started else 0.0
        self.stream.write(
            f"\r{self.label} [{'#' * filled}{'.' * (self.width - filled)}] "
            f"{self.done}/{self.total} {rate:7.1f}/s"
        )
        self.stream.flush()
