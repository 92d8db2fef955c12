"""RapidOCR's two models (text detector, recogniser) as bare ONNX sessions, loaded once per process.

Why bare sessions: the reader runs its own detection post-processing and CTC decoding (recognise.py);
it needs the character table and the class ids of digits, zeros and spaces, built here once."""

from __future__ import annotations

import threading
import unicodedata
from typing import Any

from ...errors import InputError
from .params import THREADS

ZEROS = "0０〇OoＯｏ"
ROUND = "○。"  # round glyphs counted as 0 only when the ink is digit-sized
_engine: Any = None
_engine_lock = threading.Lock()


class Engine:
    """RapidOCR's detector and recogniser sessions, with the lookup tables the decoder needs."""

    def __init__(self) -> None:
        try:
            from rapidocr_onnxruntime import RapidOCR
        except ImportError as e:  # pragma: no cover - depends on the install
            raise InputError("reading scanned images needs the OCR extra: pip install 'xxgk[ocr]' (rapidocr-onnxruntime)") from e
        import numpy as np

        ocr = RapidOCR(intra_op_num_threads=THREADS, inter_op_num_threads=THREADS)
        self.det = ocr.text_det
        self.det.postprocess_op.box_thresh = 0.4
        self.det.postprocess_op.unclip_ratio = 1.6
        self.det.postprocess_op.min_size = 2
        self.rec = ocr.text_rec.session
        self.chars: list[str] = list(ocr.text_rec.postprocess_op.character)
        pos = {c: i for i, c in enumerate(self.chars)}
        #: class → class it is read as: full-width digits fold onto ASCII digits.
        self.fold = {
            i: pos[n] for i, c in enumerate(self.chars)
            if i and len(c) == 1 and (n := unicodedata.normalize("NFKC", c)) != c and n.isdigit() and n in pos
        }
        members: dict[int, list[int]] = {}
        for i, j in self.fold.items():
            members.setdefault(j, [j]).append(i)
        self.members = {j: np.array(m) for j, m in members.items()}
        self.fold_arr = np.arange(len(self.chars))
        self.twin = np.full(len(self.chars), -1)  # class → its full-width twin, or -1
        for i, j in self.fold.items():
            self.fold_arr[i] = j
            self.twin[j] = i
        self.zeros = np.array([pos[c] for c in ZEROS if c in pos])
        self.round_zeros = np.array([pos[c] for c in ZEROS + ROUND if c in pos])
        self.spaces = np.array([i for i, c in enumerate(self.chars) if i and c.isspace()])

    def classes(self, c: int) -> Any:
        """The classes read as class `c` (itself and its full-width twin)."""
        import numpy as np

        m = self.members.get(c)
        return m if m is not None else np.array([c])


def get_engine() -> Engine:
    global _engine
    if _engine is None:
        with _engine_lock:
            if _engine is None:
                _engine = Engine()
    return _engine
