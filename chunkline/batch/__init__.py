"""Batch runs at scale: a supervised process pool with per-file time limits,
sharded directory output with a manifest, incremental and resumable runs,
and a Ray engine that produces the same bytes as the local one.

``chunkline.pipeline.run_chunk`` is the entry point; these modules are its
machinery.  Ray is imported only by ``ray_engine`` and only when used.
"""

from .directory import ShardedOutput, is_directory_output
from .manifest import Entry, read_manifest
from .pool import TaskFailure, map_supervised, single_thread_env

__all__ = ["Entry", "ShardedOutput", "TaskFailure", "is_directory_output", "map_supervised", "read_manifest", "single_thread_env"]
