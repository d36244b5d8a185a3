"""Forward values of every op in the op table against its NumPy reference, and result dtypes
(PyTorch's type promotion) and error types against values pasted from real PyTorch 2.13."""

import warnings

import numpy as np
import pytest
from op_table import OPS, numpy_args, tensor_args

import chainrule as cr

CASES = [pytest.param(op, s, id=f"{op.name}-{s.desc}") for op in OPS for s in op.samples()]


def _as_tuple(x):
    return tuple(x) if isinstance(x, tuple) else (x,)


def _reference(op, sample):
    with np.errstate(all="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # NumPy's "Mean of empty slice"
        return _as_tuple(op.ref(*numpy_args(sample), **sample.kwargs))


@pytest.mark.parametrize("op, sample", CASES)
def test_values_match_numpy_reference(op, sample):
    expected = _reference(op, sample)
    got = _as_tuple(op.call(sample, tensor_args(sample, requires_grad=False)))
    assert len(got) == len(expected)
    for g, e in zip(got, expected):
        assert isinstance(g, cr.Tensor)
        e = np.asarray(e)
        assert tuple(g.shape) == e.shape
        if e.dtype.kind in "iub":
            assert g._data.dtype == (np.int64 if e.dtype.kind in "iu" else np.bool_)
            np.testing.assert_array_equal(g._data, e)
        else:
            assert g._data.dtype == np.float64
            np.testing.assert_allclose(g._data, e, rtol=op.rtol, atol=op.atol, equal_nan=True)


@pytest.mark.parametrize("op, sample", [c for c in CASES if c.values[0].float32])
def test_float32_values(op, sample):
    """float32 in, float32 out, values close to the float64 reference."""
    expected = _reference(op, sample)
    got = _as_tuple(op.call(sample, tensor_args(sample, np.float32, False)))
    for g, e in zip(got, expected):
        e = np.asarray(e)
        if e.dtype.kind == "f":
            assert g._data.dtype == np.float32
            np.testing.assert_allclose(g._data, e, rtol=2e-5, atol=2e-5, equal_nan=True)


# --- dtypes: generated with real PyTorch 2.13 (operands: dtype[shape] tensors, Python scalars) ---
# abbreviations: b bool, u8 uint8, i32 int32, i64 int64, f16/f32/f64 floats; !RE RuntimeError,
# !NI NotImplementedError, '-' not tested. Rows are the first operand, columns the second.

ALL = ('b[2] u8[2] i32[2] i64[2] f16[2] f32[2] f64[2] b[] i32[] i64[] f32[] f64[] py:True py:2 '
       'py:2.5')

BINARY_DTYPES = [
    ('add', ALL, [
        'b[2]: b u8 i32 i64 f16 f32 f64 b i32 i64 f32 f64 b i64 f32',
        'u8[2]: u8 u8 i32 i64 f16 f32 f64 u8 u8 u8 f32 f64 u8 u8 f32',
        'i32[2]: i32 i32 i32 i64 f16 f32 f64 i32 i32 i32 f32 f64 i32 i32 f32',
        'i64[2]: i64 i64 i64 i64 f16 f32 f64 i64 i64 i64 f32 f64 i64 i64 f32',
        'f16[2]: f16 f16 f16 f16 f16 f32 f64 f16 f16 f16 f16 f16 f16 f16 f16',
        'f32[2]: f32 f32 f32 f32 f32 f32 f64 f32 f32 f32 f32 f32 f32 f32 f32',
        'f64[2]: f64 f64 f64 f64 f64 f64 f64 f64 f64 f64 f64 f64 f64 f64 f64',
        'b[]: b u8 i32 i64 f16 f32 f64 b i32 i64 f32 f64 b i64 f32',
        'i32[]: i32 u8 i32 i64 f16 f32 f64 i32 i32 i64 f32 f64 i32 i32 f32',
        'i64[]: i64 u8 i32 i64 f16 f32 f64 i64 i64 i64 f32 f64 i64 i64 f32',
        'f32[]: f32 f32 f32 f32 f16 f32 f64 f32 f32 f32 f32 f64 f32 f32 f32',
        'f64[]: f64 f64 f64 f64 f16 f32 f64 f64 f64 f64 f64 f64 f64 f64 f64',
        'py:True: b u8 i32 i64 f16 f32 f64 b i32 i64 f32 f64 - - -',
        'py:2: i64 u8 i32 i64 f16 f32 f64 i64 i32 i64 f32 f64 - - -',
        'py:2.5: f32 f32 f32 f32 f16 f32 f64 f32 f32 f32 f32 f64 - - -',
    ]),
    ('sub', ALL, [
        'b[2]: !RE !RE !RE !RE !RE !RE !RE !RE !RE !RE !RE !RE !RE !RE !RE',
        'u8[2]: !RE u8 i32 i64 f16 f32 f64 !RE u8 u8 f32 f64 !RE u8 f32',
        'i32[2]: !RE i32 i32 i64 f16 f32 f64 !RE i32 i32 f32 f64 !RE i32 f32',
        'i64[2]: !RE i64 i64 i64 f16 f32 f64 !RE i64 i64 f32 f64 !RE i64 f32',
        'f16[2]: !RE f16 f16 f16 f16 f32 f64 !RE f16 f16 f16 f16 !RE f16 f16',
        'f32[2]: !RE f32 f32 f32 f32 f32 f64 !RE f32 f32 f32 f32 !RE f32 f32',
        'f64[2]: !RE f64 f64 f64 f64 f64 f64 !RE f64 f64 f64 f64 !RE f64 f64',
        'b[]: !RE !RE !RE !RE !RE !RE !RE !RE !RE !RE !RE !RE !RE !RE !RE',
        'i32[]: !RE u8 i32 i64 f16 f32 f64 !RE i32 i64 f32 f64 !RE i32 f32',
        'i64[]: !RE u8 i32 i64 f16 f32 f64 !RE i64 i64 f32 f64 !RE i64 f32',
        'f32[]: !RE f32 f32 f32 f16 f32 f64 !RE f32 f32 f32 f64 !RE f32 f32',
        'f64[]: !RE f64 f64 f64 f16 f32 f64 !RE f64 f64 f64 f64 !RE f64 f64',
        'py:True: !RE !RE !RE !RE !RE !RE !RE !RE !RE !RE !RE !RE - - -',
        'py:2: !RE u8 i32 i64 f16 f32 f64 !RE i32 i64 f32 f64 - - -',
        'py:2.5: !RE f32 f32 f32 f16 f32 f64 !RE f32 f32 f32 f64 - - -',
    ]),
    ('mul', ALL, [
        'b[2]: b u8 i32 i64 f16 f32 f64 b i32 i64 f32 f64 b i64 f32',
        'u8[2]: u8 u8 i32 i64 f16 f32 f64 u8 u8 u8 f32 f64 u8 u8 f32',
        'i32[2]: i32 i32 i32 i64 f16 f32 f64 i32 i32 i32 f32 f64 i32 i32 f32',
        'i64[2]: i64 i64 i64 i64 f16 f32 f64 i64 i64 i64 f32 f64 i64 i64 f32',
        'f16[2]: f16 f16 f16 f16 f16 f32 f64 f16 f16 f16 f16 f16 f16 f16 f16',
        'f32[2]: f32 f32 f32 f32 f32 f32 f64 f32 f32 f32 f32 f32 f32 f32 f32',
        'f64[2]: f64 f64 f64 f64 f64 f64 f64 f64 f64 f64 f64 f64 f64 f64 f64',
        'b[]: b u8 i32 i64 f16 f32 f64 b i32 i64 f32 f64 b i64 f32',
        'i32[]: i32 u8 i32 i64 f16 f32 f64 i32 i32 i64 f32 f64 i32 i32 f32',
        'i64[]: i64 u8 i32 i64 f16 f32 f64 i64 i64 i64 f32 f64 i64 i64 f32',
        'f32[]: f32 f32 f32 f32 f16 f32 f64 f32 f32 f32 f32 f64 f32 f32 f32',
        'f64[]: f64 f64 f64 f64 f16 f32 f64 f64 f64 f64 f64 f64 f64 f64 f64',
        'py:True: b u8 i32 i64 f16 f32 f64 b i32 i64 f32 f64 - - -',
        'py:2: i64 u8 i32 i64 f16 f32 f64 i64 i32 i64 f32 f64 - - -',
        'py:2.5: f32 f32 f32 f32 f16 f32 f64 f32 f32 f32 f32 f64 - - -',
    ]),
    ('div', ALL, [
        'b[2]: f32 f32 f32 f32 f16 f32 f64 f32 f32 f32 f32 f64 f32 f32 f32',
        'u8[2]: f32 f32 f32 f32 f16 f32 f64 f32 f32 f32 f32 f64 f32 f32 f32',
        'i32[2]: f32 f32 f32 f32 f16 f32 f64 f32 f32 f32 f32 f64 f32 f32 f32',
        'i64[2]: f32 f32 f32 f32 f16 f32 f64 f32 f32 f32 f32 f64 f32 f32 f32',
        'f16[2]: f16 f16 f16 f16 f16 f32 f64 f16 f16 f16 f16 f16 f16 f16 f16',
        'f32[2]: f32 f32 f32 f32 f32 f32 f64 f32 f32 f32 f32 f32 f32 f32 f32',
        'f64[2]: f64 f64 f64 f64 f64 f64 f64 f64 f64 f64 f64 f64 f64 f64 f64',
        'b[]: f32 f32 f32 f32 f16 f32 f64 f32 f32 f32 f32 f64 f32 f32 f32',
        'i32[]: f32 f32 f32 f32 f16 f32 f64 f32 f32 f32 f32 f64 f32 f32 f32',
        'i64[]: f32 f32 f32 f32 f16 f32 f64 f32 f32 f32 f32 f64 f32 f32 f32',
        'f32[]: f32 f32 f32 f32 f16 f32 f64 f32 f32 f32 f32 f64 f32 f32 f32',
        'f64[]: f64 f64 f64 f64 f16 f32 f64 f64 f64 f64 f64 f64 f64 f64 f64',
        'py:True: f32 f32 f32 f32 f16 f32 f64 f32 f32 f32 f32 f64 - - -',
        'py:2: f32 f32 f32 f32 f16 f32 f64 f32 f32 f32 f32 f64 - - -',
        'py:2.5: f32 f32 f32 f32 f16 f32 f64 f32 f32 f32 f32 f64 - - -',
    ]),
    ('pow', ALL, [
        'b[2]: !NI u8 i32 i64 f16 f32 f64 !NI i32 i64 f32 f64 b i64 f32',
        'u8[2]: u8 u8 i32 i64 f16 f32 f64 u8 u8 u8 f32 f64 u8 u8 f32',
        'i32[2]: i32 i32 i32 i64 f16 f32 f64 i32 i32 i32 f32 f64 i32 i32 f32',
        'i64[2]: i64 i64 i64 i64 f16 f32 f64 i64 i64 i64 f32 f64 i64 i64 f32',
        'f16[2]: f16 f16 f16 f16 f16 f32 f64 f16 f16 f16 f16 f16 f16 f16 f16',
        'f32[2]: f32 f32 f32 f32 f32 f32 f64 f32 f32 f32 f32 f32 f32 f32 f32',
        'f64[2]: f64 f64 f64 f64 f64 f64 f64 f64 f64 f64 f64 f64 f64 f64 f64',
        'b[]: !NI u8 i32 i64 f16 f32 f64 !NI i32 i64 f32 f64 b i64 f32',
        'i32[]: i32 u8 i32 i64 f16 f32 f64 i32 i32 i64 f32 f64 i32 i32 f32',
        'i64[]: i64 u8 i32 i64 f16 f32 f64 i64 i64 i64 f32 f64 i64 i64 f32',
        'f32[]: f32 f32 f32 f32 f16 f32 f64 f32 f32 f32 f32 f64 f32 f32 f32',
        'f64[]: f64 f64 f64 f64 f16 f32 f64 f64 f64 f64 f64 f64 f64 f64 f64',
        'py:True: !NI u8 i32 i64 f16 f32 f64 !NI i32 i64 f32 f64 - - -',
        'py:2: i64 u8 i32 i64 f16 f32 f64 i64 i32 i64 f32 f64 - - -',
        'py:2.5: f32 f32 f32 f32 f16 f32 f64 f32 f32 f32 f32 f64 - - -',
    ]),
    ('eq', ALL, [
        'b[2]: b b b b b b b b b b b b b b b',
        'u8[2]: b b b b b b b b b b b b b b b',
        'i32[2]: b b b b b b b b b b b b b b b',
        'i64[2]: b b b b b b b b b b b b b b b',
        'f16[2]: b b b b b b b b b b b b b b b',
        'f32[2]: b b b b b b b b b b b b b b b',
        'f64[2]: b b b b b b b b b b b b b b b',
        'b[]: b b b b b b b b b b b b b b b',
        'i32[]: b b b b b b b b b b b b b b b',
        'i64[]: b b b b b b b b b b b b b b b',
        'f32[]: b b b b b b b b b b b b b b b',
        'f64[]: b b b b b b b b b b b b b b b',
        'py:True: b b b b b b b b b b b b - - -',
        'py:2: b b b b b b b b b b b b - - -',
        'py:2.5: b b b b b b b b b b b b - - -',
    ]),
    ('maximum', 'b[2] i32[2] i64[2] f32[2] f64[2] i64[] f64[]', [
        'b[2]: b i32 i64 f32 f64 i64 f64',
        'i32[2]: i32 i32 i64 f32 f64 i32 f64',
        'i64[2]: i64 i64 i64 f32 f64 i64 f64',
        'f32[2]: f32 f32 f32 f32 f64 f32 f32',
        'f64[2]: f64 f64 f64 f64 f64 f64 f64',
        'i64[]: i64 i32 i64 f32 f64 i64 f64',
        'f64[]: f64 f64 f64 f32 f64 f64 f64',
    ]),
    ('minimum', 'b[2] i32[2] i64[2] f32[2] f64[2] i64[] f64[]', [
        'b[2]: b i32 i64 f32 f64 i64 f64',
        'i32[2]: i32 i32 i64 f32 f64 i32 f64',
        'i64[2]: i64 i64 i64 f32 f64 i64 f64',
        'f32[2]: f32 f32 f32 f32 f64 f32 f32',
        'f64[2]: f64 f64 f64 f64 f64 f64 f64',
        'i64[]: i64 i32 i64 f32 f64 i64 f64',
        'f64[]: f64 f64 f64 f32 f64 f64 f64',
    ]),
    ('where', 'b[2] i64[2] f32[2] f64[] i64[] py:True py:2 py:2.5', [
        'b[2]: b i64 f32 f64 i64 b i64 f32',
        'i64[2]: i64 i64 f32 f64 i64 i64 i64 f32',
        'f32[2]: f32 f32 f32 f32 f32 f32 f32 f32',
        'f64[]: f64 f64 f32 f64 f64 f64 f64 f64',
        'i64[]: i64 i64 f32 f64 i64 i64 i64 f32',
        'py:True: b i64 f32 f64 i64 - - -',
        'py:2: i64 i64 f32 f64 i64 - - -',
        'py:2.5: f32 f32 f32 f64 f32 - - -',
    ]),
    ('clamp', 'py:2 py:2.5 f64[] f64[2] i32[]', [
        'i64[2]: i64 f32 f64 f64 i64',
        'u8[2]: u8 f32 f64 f64 u8',
        'f32[2]: f32 f32 f32 f64 f32',
        'f64[]: f64 f64 f64 f64 f64',
    ]),
    ('cat', 'b[2] i32[2] i64[2] f32[2] f64[2]', [
        'b[2]: b i32 i64 f32 f64',
        'i32[2]: i32 i32 i64 f32 f64',
        'i64[2]: i64 i64 i64 f32 f64',
        'f32[2]: f32 f32 f32 f32 f64',
        'f64[2]: f64 f64 f64 f64 f64',
    ]),
    ('stack', 'b[2] i32[2] i64[2] f32[2] f64[2]', [
        'b[2]: b i32 i64 f32 f64',
        'i32[2]: i32 i32 i64 f32 f64',
        'i64[2]: i64 i64 i64 f32 f64',
        'f32[2]: f32 f32 f32 f32 f64',
        'f64[2]: f64 f64 f64 f64 f64',
    ]),
    ('matmul', 'i64[2] f32[2] f64[2]', [
        'i64[2]: i64 !RE !RE',
        'f32[2]: !RE f32 !RE',
        'f64[2]: !RE !RE f64',
    ]),
]

UNARY_COLUMNS = 'b[2] u8[2] i32[2] i64[2] f16[2] f32[2] f64[2]'
UNARY_DTYPES = [
    'exp: f32 f32 f32 f32 f16 f32 f64',
    'log: f32 f32 f32 f32 f16 f32 f64',
    'sqrt: f32 f32 f32 f32 f16 f32 f64',
    'rsqrt: f32 f32 f32 f32 f16 f32 f64',
    'sin: f32 f32 f32 f32 f16 f32 f64',
    'cos: f32 f32 f32 f32 f16 f32 f64',
    'tanh: f32 f32 f32 f32 f16 f32 f64',
    'sigmoid: f32 f32 f32 f32 f16 f32 f64',
    'reciprocal: f32 f32 f32 f32 f16 f32 f64',
    'abs: !NI u8 i32 i64 f16 f32 f64',
    'neg: !RE u8 i32 i64 f16 f32 f64',
    'relu: !RE u8 i32 i64 f16 f32 f64',
    'sign: b u8 i32 i64 f16 f32 f64',
    'square: i64 u8 i32 i64 f16 f32 f64',
    'clone: b u8 i32 i64 f16 f32 f64',
    'sum: i64 i64 i64 i64 f16 f32 f64',
    'mean: !RE !RE !RE !RE f16 f32 f64',
    'amax: b u8 i32 i64 f16 f32 f64',
    'max: b u8 i32 i64 f16 f32 f64',
    'softmax: !NI !NI !NI !NI f16 f32 f64',
    'log_softmax: !NI !NI !NI !NI f16 f32 f64',
    'logsumexp: f32 f32 f32 f32 f16 f32 f64',
]

_DT = {"b": cr.bool, "u8": cr.uint8, "i32": cr.int32, "i64": cr.int64, "f16": cr.float16,
       "f32": cr.float32, "f64": cr.float64}
_ERRORS = {"!RE": RuntimeError, "!NI": NotImplementedError, "!TE": TypeError}
_BINARY = {
    "add": lambda a, b: a + b, "sub": lambda a, b: a - b, "mul": lambda a, b: a * b,
    "div": lambda a, b: a / b, "pow": lambda a, b: a ** b, "eq": lambda a, b: a == b,
    "maximum": cr.maximum, "minimum": cr.minimum,
    "where": lambda a, b: cr.where(cr.tensor([True, False]), a, b),
    "clamp": lambda a, b: cr.clamp(a, b), "cat": lambda a, b: cr.cat([a, b]),
    "stack": lambda a, b: cr.stack([a, b]), "matmul": lambda a, b: a @ b,
}
_UNARY = {
    "softmax": lambda x: cr.softmax(x, 0), "log_softmax": lambda x: cr.log_softmax(x, 0),
    "logsumexp": lambda x: cr.logsumexp(x, 0),
}


def _operand(spec):
    """'f32[2]' -> a 1-d float32 tensor, 'i64[]' -> a 0-d int64 tensor, 'py:2.5' -> 2.5."""
    if spec.startswith("py:"):
        return {"True": True, "2": 2, "2.5": 2.5}[spec[3:]]
    name, shape = spec[:-1].split("[")
    if name == "b":
        return cr.tensor([True, False] if shape else True)
    return cr.tensor([1, 2] if shape else 1, dtype=_DT[name])


def _dtype_cases():
    for op, columns, rows in BINARY_DTYPES:
        columns = columns.split()
        for row in rows:
            first, cells = row.split(": ")
            for second, want in zip(columns, cells.split()):
                if want != "-":
                    yield pytest.param(op, first, second, want, id=f"{op}-{first}-{second}")


def _check(fn, args, want):
    if want.startswith("!"):
        with pytest.raises(_ERRORS[want]):
            fn(*args)
        return
    out = fn(*args)
    assert out.dtype == _DT[want], f"got {out.dtype}, PyTorch gives {_DT[want]}"


@pytest.mark.parametrize("op, first, second, want", list(_dtype_cases()))
def test_binary_result_dtype_matches_pytorch(op, first, second, want):
    _check(_BINARY[op], (_operand(first), _operand(second)), want)


def _unary_cases():
    for row in UNARY_DTYPES:
        name, cells = row.split(": ")
        for spec, want in zip(UNARY_COLUMNS.split(), cells.split()):
            yield pytest.param(name, spec, want, id=f"{name}-{spec}")


@pytest.mark.parametrize("name, spec, want", list(_unary_cases()))
def test_unary_result_dtype_matches_pytorch(name, spec, want):
    _check(_UNARY.get(name) or getattr(cr, name), (_operand(spec),), want)


@pytest.mark.parametrize("fn, want", [
    (lambda c: cr.where(c, 1.0, 0), cr.float32), (lambda c: cr.where(c, 1, 0), cr.int64),
    (lambda c: cr.where(c, True, False), cr.bool), (lambda c: cr.where(c, 2.5, 1.5), cr.float32),
    (lambda c: cr.tensor([1, 2]) * 2.5, cr.float32),
    (lambda c: cr.tensor([1, 2]) / cr.tensor([2, 2]), cr.float32),
    (lambda c: cr.tensor([1.0]) + cr.tensor(2.0, dtype=cr.float64), cr.float32),
    (lambda c: cr.tensor([True]) + cr.tensor([3]), cr.int64),
    (lambda c: cr.sum(cr.tensor([1, 2], dtype=cr.uint8)), cr.int64),
    (lambda c: cr.sum(cr.tensor([1.0, 2.0]), dtype=cr.float64), cr.float64),
    (lambda c: cr.mean(cr.tensor([1, 2]), dtype=cr.float64), cr.float64),
    (lambda c: cr.softmax(cr.tensor([1, 2]), 0, dtype=cr.float64), cr.float64),
    (lambda c: cr.div(cr.tensor([5, 3]), 2, rounding_mode="floor"), cr.int64),
    (lambda c: cr.div(cr.tensor([5, 3]), 2.0, rounding_mode="trunc"), cr.float32),
])
def test_more_result_dtypes(fn, want):
    assert fn(cr.tensor([True, False])).dtype == want


# --- values at a few points PyTorch decides specially (pasted from PyTorch 2.13) -----------------

def test_integer_results_pasted_from_pytorch():
    assert (cr.tensor([1, 2, 3]) ** 2).tolist() == [1, 4, 9]
    assert (2 ** cr.tensor([1, 2, 3])).tolist() == [2, 4, 8]
    assert (cr.tensor([True, False]) ** 2).tolist() == [1, 0]
    assert (cr.tensor([True, False]) ** True).tolist() == [True, False]
    assert (cr.tensor([True, False]) ** False).tolist() == [True, True]
    assert cr.div(cr.tensor([-7, 7]), 2, rounding_mode="floor").tolist() == [-4, 3]
    assert cr.div(cr.tensor([-7, 7]), 2, rounding_mode="trunc").tolist() == [-3, 3]
    assert (cr.tensor([7, -7]) // cr.tensor([2, 2])).tolist() == [3, -4]
    assert cr.square(cr.tensor([True, False])).tolist() == [1, 0]
    assert cr.sign(cr.tensor([True, False])).tolist() == [True, False]
    assert cr.sum(cr.tensor([200, 100], dtype=cr.uint8)).item() == 300


def test_nonfinite_values_pasted_from_pytorch():
    x = cr.tensor([0.0, -1.0, float("inf"), float("-inf"), float("nan")])
    assert str(cr.log(x)) == "tensor([-inf, nan, inf, nan, nan])"
    assert str(cr.sqrt(x)) == "tensor([0., nan, inf, nan, nan])"
    assert str(cr.reciprocal(x)) == "tensor([inf, -1.,  0., -0., nan])"
    assert str(cr.sigmoid(x)) == "tensor([0.5000, 0.2689, 1.0000, 0.0000,    nan])"
    assert str(cr.tanh(x)) == "tensor([ 0.0000, -0.7616,  1.0000, -1.0000,     nan])"
    assert str(cr.relu(x)) == "tensor([0., 0., inf, 0., nan])"
    assert str(cr.softmax(cr.tensor([float("-inf"), 0.0]), 0)) == "tensor([0., 1.])"
    assert str(cr.logsumexp(cr.tensor([float("-inf"), float("-inf")]), 0)) == "tensor(-inf)"
    assert str(cr.logsumexp(cr.tensor([float("inf"), 1.0]), 0)) == "tensor(inf)"
    assert str(cr.tensor([1.0, -1.0, 0.0]) / 0.0) == "tensor([inf, -inf, nan])"
    assert str(cr.clamp(cr.tensor([float("nan"), 2.0]), 0.0, 1.0)) == "tensor([nan, 1.])"
    assert str(cr.maximum(cr.tensor([float("nan"), 1.0]), cr.tensor([0.0, 2.0]))) == \
        "tensor([nan, 2.])"
    assert str(cr.max(cr.tensor([1.0, float("nan"), 3.0]))) == "tensor(nan)"
    assert str(cr.tensor(0.0) ** -1.0) == "tensor(inf)"
    assert str(cr.tensor(-8.0) ** (1 / 3)) == "tensor(nan)"


# --- misuse: error types as PyTorch 2.13 raises them (pasted), messages naming the shapes ---------

ERRORS = [
    ('add_shapes', 'cr.ones(2, 3) + cr.ones(3, 2)', RuntimeError, '\\[2, 3\\].*\\[3, 2\\]'),
    ('mul_shapes', 'cr.ones(4) * cr.ones(3)', RuntimeError, '\\[4\\].*\\[3\\]'),
    ('sub_shapes_0size', 'cr.ones(2, 0) - cr.ones(3)', RuntimeError, '\\[2, 0\\].*\\[3\\]'),
    ('div_shapes', 'cr.ones(2, 3) / cr.ones(2, 2)', RuntimeError, '\\[2, 3\\].*\\[2, 2\\]'),
    ('pow_shapes', 'cr.ones(2, 3) ** cr.ones(4, 1, 2)', RuntimeError, '\\[2, 3\\].*\\[4, 1, 2\\]'),
    ('maximum_shapes', 'cr.maximum(cr.ones(2), cr.ones(3))', RuntimeError, '\\[2\\].*\\[3\\]'),
    ('where_shapes', 'cr.where(cr.ones(2, 3) > 0, cr.ones(3, 2), 0.0)', RuntimeError, '\\[3, 2\\]'),
    ('clamp_shapes', 'cr.clamp(cr.ones(2, 3), cr.ones(5))', RuntimeError, '\\[2, 3\\].*\\[5\\]'),
    ('matmul_2d', 'cr.matmul(cr.ones(2, 3), cr.ones(2, 3))', RuntimeError, '2x3 and 2x3'),
    ('matmul_1d', 'cr.matmul(cr.ones(3), cr.ones(4))', RuntimeError, '\\[3\\].*\\[4\\]|3.*4'),
    ('matmul_batch', 'cr.matmul(cr.ones(2, 2, 3), cr.ones(3, 3, 2))', RuntimeError,
     '\\[2, 2, 3\\].*\\[3, 3, 2\\]'),
    ('matmul_vec_mat', 'cr.matmul(cr.ones(4), cr.ones(3, 2))', RuntimeError, '4.*3'),
    ('matmul_0d', 'cr.matmul(cr.ones(()), cr.ones(3))', RuntimeError, '1D'),
    ('matmul_dtype', 'cr.matmul(cr.ones(2, 3), cr.ones(3, 2, dtype=cr.float64))', RuntimeError,
     'dtype|float'),
    ('mm_1d', 'cr.mm(cr.ones(3), cr.ones(3, 2))', RuntimeError, ''),
    ('bmm_batch', 'cr.bmm(cr.ones(2, 2, 3), cr.ones(3, 3, 2))', RuntimeError, ''),
    ('dot_size', 'cr.dot(cr.ones(3), cr.ones(4))', RuntimeError, '3.*4'),
    ('mv_size', 'cr.mv(cr.ones(2, 3), cr.ones(4))', RuntimeError, ''),
    ('outer_2d', 'cr.outer(cr.ones(2, 1), cr.ones(2))', RuntimeError, '1-D|1D'),
    ('sum_dim', 'cr.ones(2, 3).sum(2)', IndexError, 'range'),
    ('sum_dup', 'cr.ones(2, 3).sum((0, -2))', RuntimeError, 'multiple times'),
    ('mean_int', 'cr.tensor([1, 2]).mean()', RuntimeError, 'dtype'),
    ('softmax_dim', 'cr.ones(2, 3).softmax(2)', IndexError, 'range'),
    ('softmax_int', 'cr.softmax(cr.tensor([1, 2]), 0)', NotImplementedError, 'Long'),
    ('max_dim_range', 'cr.ones(2, 3).max(2)', IndexError, 'range'),
    ('max_empty', 'cr.zeros(0).max()', RuntimeError, 'numel\\(\\) == 0'),
    ('amax_empty', 'cr.zeros(2, 0).amax()', RuntimeError, 'numel\\(\\) == 0'),
    ('max_dim_empty', 'cr.zeros(2, 0).max(1)', IndexError, 'non-zero size'),
    ('argmax_empty', 'cr.zeros(0).argmax()', IndexError, 'numel\\(\\) == 0'),
    ('argmax_dim_empty', 'cr.zeros(2, 0).argmax(1)', IndexError, 'non-zero size'),
    ('argmax_bool', 'cr.tensor([True, False]).argmax()', RuntimeError, 'bool'),
    ('max_tuple_dim', 'cr.ones(2, 3).max(dim=(0,))', TypeError, ''),
    ('reshape_size', 'cr.ones(2, 3).reshape(4, -1)', RuntimeError, 'invalid for input of size 6'),
    ('reshape_two_infer', 'cr.ones(2, 3).reshape(-1, -1)', RuntimeError, 'only one dimension'),
    ('view_noncontig', 'cr.ones(2, 3).t().view(-1)', RuntimeError, 'view|stride'),
    ('transpose_dim', 'cr.ones(2, 3).transpose(0, 2)', IndexError, 'range'),
    ('permute_len', 'cr.ones(2, 3).permute(0)', RuntimeError, ''),
    ('permute_dup', 'cr.ones(2, 3).permute(0, 0)', RuntimeError, 'dup|repeat'),
    ('squeeze_dim', 'cr.ones(2, 3).squeeze(2)', IndexError, 'range'),
    ('unsqueeze_dim', 'cr.ones(2, 3).unsqueeze(3)', IndexError, 'range'),
    ('expand_size', 'cr.ones(2, 3).expand(3, 3)', RuntimeError, 'must match'),
    ('expand_fewer', 'cr.ones(2, 3).expand(3)', RuntimeError, 'number of sizes'),
    ('flatten_order', 'cr.ones(2, 3).flatten(1, 0)', RuntimeError, 'start_dim'),
    ('unflatten_size', 'cr.ones(2, 3).unflatten(1, (2, 2))', RuntimeError, ''),
    ('cat_sizes', 'cr.cat([cr.ones(2, 3), cr.ones(2, 2)])', RuntimeError,
     '\\[2, 3\\].*\\[2, 2\\]|Sizes'),
    ('cat_ndim', 'cr.cat([cr.ones(2, 3), cr.ones(3)])', RuntimeError, ''),
    ('cat_0d', 'cr.cat([cr.tensor(1.0), cr.tensor(2.0)])', RuntimeError, 'zero-dim'),
    ('cat_empty', 'cr.cat([])', ValueError, 'non-empty'),
    ('cat_dim', 'cr.cat([cr.ones(2, 3)], 2)', IndexError, 'range'),
    ('stack_sizes', 'cr.stack([cr.ones(2), cr.ones(3)])', RuntimeError, 'equal size'),
    ('stack_empty', 'cr.stack([])', RuntimeError, 'non-empty'),
    ('getitem_oob', 'cr.ones(2)[5]', IndexError, 'out of bounds|out of range'),
    ('getitem_too_many', 'cr.ones(2)[0, 0]', IndexError, 'too many'),
    ('getitem_float', 'cr.ones(2)[1.0]', IndexError, ''),
    ('getitem_neg_step', 'cr.ones(2)[::-1]', ValueError, 'step'),
    ('getitem_mask_shape', 'cr.ones(2)[cr.tensor([True])]', IndexError, 'mask|shape'),
    ('getitem_adv_oob', 'cr.ones(2)[[0, 5]]', IndexError, 'out of bounds|out of range'),
    ('setitem_shape',
     '(lambda y: y.__setitem__(0, cr.ones(4)))(cr.ones(2, 3, requires_grad=True) * 1)',
     RuntimeError, '\\[4\\].*\\[3\\]|shape'),
    ('sub_bool', 'cr.tensor([True]) - cr.tensor([False])', RuntimeError, 'bool'),
    ('neg_bool', '-cr.tensor([True])', RuntimeError, 'bool'),
    ('pow_int_neg', 'cr.tensor([2]) ** -1', RuntimeError, 'negative'),
    ('div_mode', "cr.div(cr.ones(2), 2, rounding_mode='round')", RuntimeError, 'rounding_mode'),
    ('clamp_none', 'cr.clamp(cr.ones(2))', RuntimeError, 'min.*max'),
]


@pytest.mark.parametrize("expr, error, pattern", [pytest.param(*c[1:], id=c[0]) for c in ERRORS])
def test_errors_match_pytorch(expr, error, pattern):
    with pytest.raises(error, match=pattern or None):
        eval(expr)


def test_failed_setitem_changes_nothing():
    y = cr.tensor([[1.0, 2.0, 3.0]], requires_grad=True) * 1
    before, version, node = y.tolist(), y._version, y.grad_fn
    with pytest.raises(RuntimeError, match=r"\[4\].*\[3\]"):
        y[0] = cr.ones(4)
    assert (y.tolist(), y._version, y.grad_fn) == (before, version, node)
