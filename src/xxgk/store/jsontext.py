"""How the store encodes a report's contract JSON. No Django here: the Dask workers that parse
files import it to send the encoding back ready-made."""

from __future__ import annotations

import json
from typing import Any


class RawJSON(str):
    """JSON text encoded already (by the worker that parsed the file), stored as it is: the
    driver that writes the store never decodes and re-encodes a report's 30 KB of cells."""


class CompactJSON(json.JSONEncoder):
    """Chinese text as itself (3 bytes a character in UTF-8, not 6 as \\\\uXXXX) and no spaces: the
    contract JSON of a report is half the size, and encodes faster. `RawJSON` passes through;
    dates and decimals (never in the contract, which keeps decimals as strings) as strings."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs["ensure_ascii"] = False
        kwargs["separators"] = (",", ":")
        super().__init__(*args, **kwargs)

    def encode(self, o: Any) -> str:
        if isinstance(o, RawJSON):
            return str(o)
        return super().encode(o)

    def default(self, o: Any) -> Any:
        import datetime
        import decimal

        if isinstance(o, (datetime.date, datetime.datetime)):
            return o.isoformat()
        if isinstance(o, decimal.Decimal):
            return str(o)
        return super().default(o)


def compact_json(value: Any) -> RawJSON:
    """`value` encoded as the store keeps it."""
    return RawJSON(CompactJSON().encode(value))
