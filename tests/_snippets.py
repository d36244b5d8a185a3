"""Runs a snippet with chainrule bound to `torch` and returns what it prints (or `!Error`)."""

import contextlib
import io
import warnings

import numpy as np

import chainrule as torch


def _p(*xs):
    for x in xs:
        print(repr(x))


def _run(code):
    buf = io.StringIO()
    try:
        with contextlib.redirect_stdout(buf), warnings.catch_warnings():
            warnings.simplefilter("ignore")
            exec(code, {"torch": torch, "np": np, "P": _p})  # noqa: S102
    except Exception as e:  # noqa: BLE001 - the exception type is part of the expected output
        buf.write(f"!{type(e).__name__}")
    finally:
        torch.set_default_dtype(torch.float32)
    return buf.getvalue()


def _ids(cases):
    return [code if len(code) < 60 else code[:57] + "..." for code, _ in cases]
