"""How many worker processes a local phase gets.

Why it exists: the local engine and the local MinHash run many short phases. Starting a pool of
worker processes costs from a few tenths of a second (fork) to about 2 s (datatrove's default
forkserver, which re-imports the stack in every worker): more than the work of a phase over small
inputs. Such a phase runs its tasks one after another in the calling process instead; its tasks
and outputs are the same either way.
"""

from __future__ import annotations

from pathlib import Path
from typing import Sequence

#: Total size of a phase's input files below which it runs in the calling process.
IN_PROCESS_BYTES = 64 << 20


def phase_workers(inputs: Sequence[str | Path], workers: int, tasks: int) -> int:
    """Worker processes for a phase of ``tasks`` tasks reading ``inputs``: 1 (in process) when the
    inputs are known and small, else up to ``workers``."""
    if inputs and sum(Path(p).stat().st_size for p in inputs if Path(p).exists()) < IN_PROCESS_BYTES:
        return 1
    return max(1, min(workers, tasks))
