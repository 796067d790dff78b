"""One way to open an ONNX model on the CPU, for the reader, the embedder and the reranker."""

from __future__ import annotations

from pathlib import Path
from typing import Any


def cpu_session(model: bytes | Path, threads: int) -> Any:
    """An onnxruntime session on `threads` CPU threads that never busy-waits: the coach shares its
    cores with a web server and other jobs. `model` is the file's bytes or its path."""
    import onnxruntime as ort

    options = ort.SessionOptions()
    options.intra_op_num_threads = threads
    options.inter_op_num_threads = 1
    options.add_session_config_entry("session.intra_op.allow_spinning", "0")
    source = model if isinstance(model, bytes) else str(model)
    return ort.InferenceSession(source, sess_options=options, providers=["CPUExecutionProvider"])
