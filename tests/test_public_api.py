"""The public surface of `xxgk` is defined in one place (`xxgk.__all__`) and kept honest here."""

from __future__ import annotations

import inspect

import xxgk
import xxgk.errors

EXPECTED = [
    "SCHEMA",
    "BinaryInput",
    "Cell",
    "EmptyInput",
    "EncodingError",
    "Finding",
    "InputError",
    "InputTooLarge",
    "InvalidReport",
    "MissingGlyphs",
    "NotAReport",
    "PdfUnavailable",
    "RenderError",
    "Report",
    "TruncatedInput",
    "UnknownFormat",
    "ValidationFailed",
    "XxgkError",
    "check",
    "parse",
    "render",
]


def test_all_is_exactly_the_expected_list() -> None:
    assert sorted(xxgk.__all__) == sorted(EXPECTED)
    assert len(set(xxgk.__all__)) == len(xxgk.__all__)


def test_every_exported_name_exists() -> None:
    for name in xxgk.__all__:
        assert hasattr(xxgk, name), name


def test_every_public_error_is_exported_and_in_the_tree() -> None:
    errors = {n for n, obj in vars(xxgk.errors).items() if inspect.isclass(obj) and issubclass(obj, Exception)}
    assert errors <= set(xxgk.__all__)
    for name in errors:
        assert issubclass(getattr(xxgk, name), xxgk.XxgkError)
        # The exception tree drawn in the module docstring names every class.
        assert name in (xxgk.errors.__doc__ or ""), name


def test_public_names_of_the_package_are_exported() -> None:
    public = {n for n in vars(xxgk) if not n.startswith("_")}
    modules = {n for n in public if inspect.ismodule(getattr(xxgk, n))}
    assert public - modules - {"annotations"} == set(xxgk.__all__)


def test_version() -> None:
    assert isinstance(xxgk.__version__, str) and xxgk.__version__.count(".") == 2
