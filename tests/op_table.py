"""The op table that drives the op tests (PyTorch's OpInfo, JAX's LAX_GRAD_OPS).

Each `OpInfo` holds the op (a chainrule callable), a NumPy reference forward, the domain its
sample inputs are drawn from, the sample inputs themselves and flags. The tests built on it:

- tests/test_ops_grad.py: gradcheck + gradgradcheck in float64 for every sample, gradient shapes
  and dtypes (float32 too), a test that every public differentiable op has an entry, and the
  documented conventions at singular points.
- tests/test_ops_values.py: forward values against the NumPy reference, and result dtypes
  (PyTorch's type promotion) against values pasted from real PyTorch.

Sample arguments: a float ndarray becomes a tensor that requires grad; `Const(array)` a tensor that
does not (masks, indices, inputs that must not be perturbed); `NonContig(array)` a leaf that
requires grad whose storage is transposed (non-contiguous strides); `Expanded(array, shape)` a
leaf the op sees through `expand(shape)` (stride-0); Python scalars stay scalars. Run an entry with
`op.call(sample, tensor_args(sample))`. Samples keep away from kinks and ties (|x - kink| >= 0.1;
central differences use eps = 1e-6); the conventions at those points are tested on their own in
test_ops_grad.py.

Adding an op: append an OpInfo to OPS with `covers=(the public function,)`; the coverage test in
test_ops_grad.py fails until every public op from chainrule.ops has an entry (or is listed in
NOT_DIFFERENTIABLE).
"""

import operator

import numpy as np

import chainrule as cr

# --- sample inputs ------------------------------------------------------------------------------


class Const:
    """A tensor argument that does not require grad (never perturbed by gradcheck)."""

    def __init__(self, value):
        self.value = np.asarray(value)


class NonContig:
    """A leaf that requires grad, stored with transposed strides (not C-contiguous)."""

    def __init__(self, value):
        assert value.ndim >= 2
        self.value = np.asfortranarray(value)


class Expanded:
    """A leaf that requires grad, seen by the op through `expand(shape)` (stride-0 input)."""

    def __init__(self, value, shape):
        self.value = value
        self.shape = shape


class Sample:
    def __init__(self, *args, desc="", **kwargs):
        self.args = args
        self.kwargs = kwargs
        self.desc = desc or _describe(args, kwargs)

    def __repr__(self):
        return self.desc


def _describe(args, kwargs):
    def one(a):
        if isinstance(a, np.ndarray):
            return "x" + "x".join(map(str, a.shape)) if a.ndim else "0d"
        if isinstance(a, Const):
            return "const" + str(list(a.value.shape))
        if isinstance(a, NonContig):
            return "noncontig" + str(list(a.value.shape))
        if isinstance(a, Expanded):
            return f"expanded{list(a.value.shape)}to{list(a.shape)}"
        return repr(a)

    parts = [one(a) for a in args] + [f"{k}={v!r}" for k, v in kwargs.items()]
    return ",".join(parts).replace(" ", "")


def tensor_args(sample, dtype=np.float64, requires_grad=True):
    """The sample's arguments as chainrule values (tensors of `dtype` for float arrays)."""
    out = []
    for a in sample.args:
        if isinstance(a, Const):
            out.append(cr.from_numpy(a.value.copy()))
        elif isinstance(a, NonContig):
            data = np.asfortranarray(a.value.astype(dtype))
            out.append(cr.from_numpy(data).requires_grad_(requires_grad))
        elif isinstance(a, np.ndarray):
            out.append(cr.from_numpy(a.astype(dtype)).requires_grad_(requires_grad))
        elif isinstance(a, Expanded):
            out.append(cr.from_numpy(a.value.astype(dtype)).requires_grad_(requires_grad))
        else:
            out.append(a)
    return out


def numpy_args(sample, dtype=np.float64):
    out = []
    for a in sample.args:
        if isinstance(a, (Const, NonContig)):
            out.append(a.value.astype(dtype) if a.value.dtype.kind == "f" else a.value)
        elif isinstance(a, np.ndarray):
            out.append(a.astype(dtype))
        elif isinstance(a, Expanded):
            out.append(np.broadcast_to(a.value.astype(dtype), a.shape))
        else:
            out.append(a)
    return out


# --- drawing inputs away from kinks ---------------------------------------------------------------


def uniform(rng, shape, lo=-2.0, hi=2.0, avoid=()):
    """Uniform in [lo, hi], at least 0.1 away from each point in `avoid`."""
    x = rng.uniform(lo, hi, shape)
    for p in avoid:
        close = np.abs(x - p) < 0.1
        x = np.where(close, p + np.where(x >= p, 0.1, -0.1) + np.sign(x - p + 1e-300) * 0.05, x)
    return x


def distinct(rng, shape, spacing=0.3):
    """Values at least `spacing` apart (no ties for max/min/sort-like ops)."""
    n = int(np.prod(shape))
    return (rng.permutation(n) * spacing - n * spacing / 2 + rng.uniform(0, 0.05, n)).reshape(
        shape)


def separated(rng, shapes, lo=-2.0, hi=2.0, gap=0.1):
    """Arrays of `shapes` whose broadcast elements differ pairwise by at least `gap` (no ties)."""
    for _ in range(10000):
        xs = [rng.uniform(lo, hi, s) for s in shapes]
        b = np.broadcast_arrays(*xs)
        if all(np.all(np.abs(b[i] - b[j]) >= gap) for i in range(len(b)) for j in range(i)):
            return xs
    raise AssertionError(f"could not draw separated arrays for {shapes}")


# --- the table ----------------------------------------------------------------------------------

# Tolerances of every gradient check in the op tests: tight enough to catch a rule that is off by
# 0.1% (gradcheck's defaults, rtol=1e-3 as in PyTorch, would let exactly 0.1% through), loose
# enough for central differences in float64 (their error here is below 1e-9).
GRAD_TOL = {"atol": 1e-7, "rtol": 1e-5}


class OpInfo:
    """One op: `op(*args, **kwargs)` under test, `ref(*numpy_args, **kwargs)` its NumPy reference.

    `covers`: the public callables this entry tests (for the coverage test).
    `gradgrad`: run gradgradcheck too. `float32`: float32 inputs give float32 outputs and grads.
    `atol`/`rtol`: value-test tolerances (float64).
    """

    def __init__(self, name, op, ref, samples, covers=(), gradgrad=True, float32=True,
                 atol=1e-12, rtol=1e-10):
        self.name = name
        self.op = op
        self.ref = ref
        self._samples = samples
        self.covers = tuple(covers)
        self.gradgrad = gradgrad
        self.float32 = float32
        self.atol = atol
        self.rtol = rtol

    def call(self, sample, args):
        """Run the op on `args` (from tensor_args): Expanded leaves are expanded first."""
        args = [a.expand(s.shape) if isinstance(s, Expanded) else a
                for a, s in zip(args, sample.args)]
        return self.op(*args, **sample.kwargs)

    def samples(self):
        return self._samples(np.random.default_rng(_seed(self.name)))

    def __repr__(self):
        return self.name


def _seed(name):
    return sum(ord(c) * 31**i for i, c in enumerate(name)) % 2**32


# --- sample makers --------------------------------------------------------------------------------

UNARY_SHAPES = [(), (3,), (2, 3), (2, 2, 3), (0,), (2, 0)]


def unary_samples(lo=-2.0, hi=2.0, avoid=()):
    def make(rng):
        out = [Sample(uniform(rng, s, lo, hi, avoid)) for s in UNARY_SHAPES]
        out.append(Sample(NonContig(uniform(rng, (2, 3), lo, hi, avoid))))
        out.append(Sample(Expanded(uniform(rng, (3, 1), lo, hi, avoid), (3, 4))))
        return out

    return make


BINARY_SHAPES = [
    ((2, 3), (2, 3)), ((3, 1), (1, 4)), ((1, 4), (3, 1)), ((3,), (2, 2, 3)), ((2, 2, 3), (3,)),
    ((), (2, 3)), ((2, 3), ()), ((), ()), ((0,), (0,)), ((2, 0), (2, 0)), ((2, 0), (1,)),
    ((0,), (2, 1)),
]


def binary_samples(x_dom=(-2.0, 2.0), y_dom=(-2.0, 2.0), x_avoid=(), y_avoid=(), scalars=(),
                   gap=None, accept=None):
    """Broadcasting pairs both ways, 0-d, zero-size, non-contiguous, Python scalars each side.

    `scalars`: (x_scalar, y_scalar) pairs used as 'tensor op scalar' and 'scalar op tensor'.
    `gap`: x and y differ by at least this much everywhere (maximum/minimum: no ties).
    `accept(x, y)`: redraw until True (keeps a pair away from the op's kinks).
    """

    def draw(rng, sx, sy):
        for _ in range(10000):
            if gap is not None:
                x, y = separated(rng, (sx, sy), *x_dom, gap=gap)
            else:
                x, y = uniform(rng, sx, *x_dom, x_avoid), uniform(rng, sy, *y_dom, y_avoid)
            if accept is None or accept(x, y):
                return x, y
        raise AssertionError(f"no acceptable sample for shapes {sx}, {sy}")

    def make(rng):
        out = [Sample(*draw(rng, sx, sy)) for sx, sy in BINARY_SHAPES]
        x, y = draw(rng, (2, 3), (2, 3))
        out.append(Sample(NonContig(x), y))
        x, y = draw(rng, (3, 2), (3, 2))
        out.append(Sample(x, NonContig(y)))
        x, y = draw(rng, (1, 3), (2, 3))
        out.append(Sample(Expanded(x, (2, 3)), y))
        x, y = draw(rng, (2, 3), (2, 1))
        out.append(Sample(x, Expanded(y, (2, 3))))
        for xs, ys in scalars:
            if ys is not None:
                out.append(Sample(draw(rng, (2, 3), ())[0], ys))
            if xs is not None:
                out.append(Sample(xs, draw(rng, (), (2, 3))[1]))
        return out

    return make


def _clamp_samples(rng):
    def x_away(shape, *bounds):
        for _ in range(10000):
            x = rng.uniform(-2, 2, shape)
            b = [np.broadcast_to(v, np.broadcast_shapes(shape, np.shape(v))) for v in bounds]
            if all(np.all(np.abs(np.broadcast_to(x, v.shape) - v) >= 0.1) for v in b):
                return x
        raise AssertionError("no sample")

    lo3 = rng.uniform(-1.0, -0.3, (3,))
    hi0 = np.array(0.6)
    lo_b = rng.uniform(-1.0, -0.3, (2, 1))
    hi_b = rng.uniform(0.3, 1.0, (1, 3))
    lo_hi = np.array([0.5, -0.8, 0.1])
    return [
        Sample(x_away((2, 3), -0.5), min=-0.5),
        Sample(x_away((2, 3), 0.5), max=0.5),
        Sample(x_away((2, 2, 3), -0.5, 0.7), min=-0.5, max=0.7),
        Sample(x_away((), -0.5, 0.7), min=-0.5, max=0.7),
        Sample(np.zeros((2, 0)), min=-0.5, max=0.7),
        Sample(NonContig(x_away((2, 3), -0.5, 0.5)), min=-0.5, max=0.5),
        # tensor bounds (both differentiable), broadcasting against x
        Sample(x_away((2, 3), lo3, hi0), lo3, hi0, desc="tensor_min(3,)_max0d"),
        Sample(x_away((2, 3), lo_b, hi_b), lo_b, hi_b, desc="tensor_bounds_broadcast"),
        Sample(x_away((3,), lo3), lo3, None, desc="tensor_min_only"),
        Sample(x_away((2, 3), hi_b), None, hi_b, desc="tensor_max_only"),
        Sample(x_away((3,), lo_b), lo_b, None, desc="bound_broadcasts_x"),
        # min > max: the result is max everywhere, and max takes the whole gradient
        Sample(x_away((2, 3), 0.5, -0.5), min=0.5, max=-0.5),
        Sample(x_away((2, 3), lo_hi, -0.5), lo_hi, np.array(-0.5), desc="min_above_max_some"),
    ]


def _away_from_integer_ratio(x, y):
    """remainder(x, y) jumps where x / y is an integer: keep the fraction in [0.1, 0.9]."""
    frac = np.mod(np.divide(x, y), 1.0)
    return bool(np.all((frac > 0.1) & (frac < 0.9)))


def _masked_fill_samples(rng):
    def mask(shape):
        return Const(rng.uniform(size=shape) > 0.5)

    n = rng.normal
    return [
        Sample(n(size=(2, 3)), mask((2, 3)), 2.5), Sample(n(size=(2, 3)), mask((3,)), -1.0),
        Sample(n(size=(2, 3)), mask((2, 1)), n(size=()), desc="tensor_value"),
        Sample(n(size=()), mask(()), n(size=()), desc="0d"),
        Sample(n(size=(2, 0)), mask((2, 0)), 1.5),
        Sample(NonContig(n(size=(2, 3))), mask((2, 3)), n(size=())),
    ]


def _clamp(x, min=None, max=None):
    return cr.clamp(x, min, max)


def _clamp_ref(x, min=None, max=None):
    out = x
    if min is not None:
        out = np.maximum(out, min)
    if max is not None:
        out = np.minimum(out, max)
    return out


def _where_samples(rng):
    def cond(shape):
        return Const(rng.uniform(size=shape) > 0.5)

    return [
        Sample(cond((2, 3)), rng.normal(size=(2, 3)), rng.normal(size=(2, 3))),
        Sample(cond((3,)), rng.normal(size=(2, 1)), rng.normal(size=())),
        Sample(cond((2, 1)), rng.normal(size=(3,)), rng.normal(size=(2, 3))),
        Sample(cond(()), rng.normal(size=()), rng.normal(size=())),
        Sample(cond((2, 3)), rng.normal(size=(2, 3)), 0.5),
        Sample(cond((2, 3)), -1.5, rng.normal(size=(3,))),
        Sample(cond((2, 0)), rng.normal(size=(2, 0)), rng.normal(size=(0,))),
        Sample(cond((2, 3)), NonContig(rng.normal(size=(2, 3))), rng.normal(size=(2, 3))),
    ]


def _pow_samples(rng):
    pos = (0.5, 2.0)
    out = binary_samples(pos, (-2.0, 2.0), scalars=((2.0, 2.0), (0.5, -1.5), (1.5, 0.5)))(rng)
    # integer exponents: negative bases too; x**0 and x**1
    for e in (2, 3, -2, 0, 1, 0.0):
        out.append(Sample(uniform(rng, (2, 3), -2, 2, avoid=(0,)), e))
    out.append(Sample(uniform(rng, (), 0.5, 2), 2.5))
    out.append(Sample(np.zeros((2, 0)), 2))
    return out


def _matmul_pairs(rng):
    shapes = [
        ((3,), (3,)), ((2, 3), (3, 4)), ((3,), (3, 2)), ((2, 3), (3,)),
        ((2, 2, 3), (2, 3, 2)), ((2, 2, 3), (3, 2)), ((3, 2), (2, 2, 3)),
        ((2, 1, 2, 3), (3, 3, 2)), ((3,), (2, 3, 2)), ((2, 2, 3), (3,)),
        ((0, 3), (3, 2)), ((2, 0), (0, 3)), ((0,), (0,)), ((2, 3), (3, 0)),
    ]
    out = [Sample(rng.normal(size=a), rng.normal(size=b)) for a, b in shapes]
    out.append(Sample(NonContig(rng.normal(size=(2, 3))), NonContig(rng.normal(size=(3, 4)))))
    out.append(Sample(Expanded(rng.normal(size=(1, 3)), (2, 3)), rng.normal(size=(3, 2))))
    return out


def _ref_matmul(x, y):
    return np.matmul(x, y)


REDUCE_KW = [
    ((2, 2, 3), {}), ((2, 2, 3), {"dim": 0}), ((2, 2, 3), {"dim": -1}),
    ((2, 2, 3), {"dim": (0, 2)}), ((2, 2, 3), {"dim": (-1, 0), "keepdim": True}),
    ((2, 2, 3), {"dim": 1, "keepdim": True}), ((2, 3), {"dim": ()}), ((), {}),
    ((), {"dim": 0}), ((), {"dim": -1, "keepdim": True}), ((0,), {}), ((2, 0), {"dim": 1}),
    ((2, 0), {"dim": 0}), ((2, 0), {"dim": (0, 1), "keepdim": True}),
]


def reduce_samples(kws=REDUCE_KW, draw=None):
    def make(rng):
        d = draw or (lambda rng, s: rng.uniform(-2, 2, s))
        out = [Sample(d(rng, s), **kw) for s, kw in kws]
        out.append(Sample(NonContig(d(rng, (2, 3))), dim=1))
        if draw is None:  # (an expanded input repeats values: ties for max-like reductions)
            out.append(Sample(Expanded(d(rng, (2, 1)), (2, 3)), dim=1))
        return out

    return make


def _np_dims(dim, ndim):
    if dim is None or dim == () or dim == []:
        return tuple(range(ndim))
    return tuple(d % max(ndim, 1) for d in ((dim,) if isinstance(dim, int) else dim)) \
        if ndim else ()


def _ref_reduce(np_fn):
    def ref(x, dim=None, keepdim=False):
        return np_fn(x, axis=_np_dims(dim, x.ndim), keepdims=keepdim)

    return ref


def _ref_logsumexp(x, dim, keepdim=False):
    axes = _np_dims(dim, x.ndim)
    with np.errstate(divide="ignore"):
        if x.size == 0:
            return np.log(np.sum(np.exp(x), axis=axes, keepdims=keepdim))
        m = np.max(x, axis=axes, keepdims=True)
        out = np.log(np.sum(np.exp(x - m), axis=axes, keepdims=True)) + m
    return out if keepdim else np.squeeze(out, axes)


def _ref_softmax(x, dim):
    if x.ndim == 0:
        return np.ones_like(x)
    m = np.max(x, axis=dim, keepdims=True) if x.size else 0
    e = np.exp(x - m)
    return e / np.sum(e, axis=dim, keepdims=True)


def _ref_log_softmax(x, dim):
    if x.ndim == 0:
        return np.zeros_like(x)
    return x - _ref_logsumexp(x, dim, keepdim=True)


SOFTMAX_KW = [((2, 3), 1), ((2, 3), 0), ((2, 2, 3), -1), ((2, 2, 3), 1), ((), 0), ((3,), -1),
              ((2, 0), 1), ((2, 0), 0)]


def _softmax_samples(rng):
    out = [Sample(rng.uniform(-3, 3, s), dim=d) for s, d in SOFTMAX_KW]
    out.append(Sample(NonContig(rng.uniform(-3, 3, (2, 3))), dim=1))
    return out


def _ref_max_dim(np_fn, np_arg):
    def ref(x, dim, keepdim=False):
        if x.ndim == 0:
            return x.copy(), np.zeros((), np.int64)
        return (np_fn(x, axis=dim, keepdims=keepdim),
                np.expand_dims(np_arg(x, axis=dim), dim) if keepdim else np_arg(x, axis=dim))

    return ref


def _max_dim_samples(rng):
    return [
        Sample(distinct(rng, (2, 3)), 1), Sample(distinct(rng, (2, 3)), 0),
        Sample(distinct(rng, (2, 2, 3)), -1, keepdim=True), Sample(distinct(rng, (2, 2, 3)), 1),
        Sample(distinct(rng, ()), 0), Sample(distinct(rng, (3,)), -1, keepdim=True),
        Sample(np.zeros((2, 0)), 0), Sample(NonContig(distinct(rng, (2, 3))), 1),
    ]


def _full_reduce_samples(rng):
    return [Sample(distinct(rng, s)) for s in ((), (3,), (2, 3), (2, 2, 3))] + [
        Sample(NonContig(distinct(rng, (2, 3))))]


AMAX_KW = [((2, 2, 3), {}), ((2, 2, 3), {"dim": 1}), ((2, 2, 3), {"dim": (0, -1)}),
           ((2, 2, 3), {"dim": (2, 0), "keepdim": True}), ((), {}), ((), {"dim": 0}),
           ((2, 0), {"dim": 0}), ((3,), {"dim": ()})]


# --- shape ops ---------------------------------------------------------------------------------


def _shape_samples(specs):
    """specs: (input shape, args tuple, kwargs); plus a non-contiguous (2, 3) input if given."""

    def make(rng):
        out = []
        for shape, args, kwargs in specs:
            if shape == "noncontig":
                x = NonContig(rng.normal(size=(2, 3)))
            else:
                x = rng.normal(size=shape)
            out.append(Sample(x, *args, **kwargs))
        return out

    return make


def _ref_reshape(x, *shape):
    if len(shape) == 1 and isinstance(shape[0], tuple):
        shape = shape[0]
    return np.reshape(x, shape)


def _ref_transpose(x, d0, d1):
    return np.swapaxes(x, d0, d1) if x.ndim else x


def _ref_t(x):
    return x.T


def _ref_permute(x, *dims):
    if len(dims) == 1 and isinstance(dims[0], tuple):
        dims = dims[0]
    return np.transpose(x, dims) if x.ndim else x


def _ref_squeeze(x, dim=None):
    if dim is None:
        return np.squeeze(x)
    dims = (dim,) if isinstance(dim, int) else dim
    dims = tuple(d % max(x.ndim, 1) for d in dims if x.ndim and x.shape[d] == 1)
    return np.squeeze(x, dims) if x.ndim else x


def _ref_expand(x, *shape):
    if len(shape) == 1 and isinstance(shape[0], tuple):
        shape = shape[0]
    lead = len(shape) - x.ndim
    shape = tuple(x.shape[i - lead] if s == -1 else s for i, s in enumerate(shape))
    return np.broadcast_to(x, shape)


def _ref_flatten(x, start_dim=0, end_dim=-1):
    if x.ndim == 0:
        return x.reshape(1)
    s, e = start_dim % x.ndim, end_dim % x.ndim
    return x.reshape(x.shape[:s] + (-1 if x.size else int(np.prod(x.shape[s:e + 1])),)
                     + x.shape[e + 1:])


def _ref_unflatten(x, dim, sizes):
    d = dim % x.ndim
    return x.reshape(x.shape[:d] + tuple(sizes) + x.shape[d + 1:])


def _cr_key(key):
    """A NumPy index with its arrays turned into chainrule tensors (as a user would write it)."""
    if isinstance(key, tuple):
        return tuple(_cr_key(k) for k in key)
    if isinstance(key, np.ndarray):
        return cr.from_numpy(key.copy())
    return key


def _getitem(x, key):
    return x[_cr_key(key)]


def _ref_getitem(x, key):
    return x[key]


ix = np.array  # index arrays read better short

GETITEM_KEYS = [
    ((2, 3, 4), 1), ((2, 3, 4), -1), ((2, 3, 4), (1, -2)), ((2, 3, 4), (0, 1, 2)),
    ((2, 3, 4), (slice(None), slice(1, None, 2))), ((2, 3, 4), (Ellipsis, 1)),
    ((2, 3, 4), (None, 0, Ellipsis, None)), ((2, 3, 4), (slice(None), None, slice(0, 2))),
    ((), ()), ((), None), ((2, 3, 4), slice(5, 9)), ((2, 0), (slice(None), slice(0, 1))),
    # advanced: repeated indices accumulate in the gradient
    ((2, 3, 4), ix([0, 0, 1])), ((2, 3, 4), (slice(None), ix([2, 0, 2, 2]))),
    ((2, 3, 4), (ix([0, 1, 1]), ix([2, 0, 2]))),
    ((2, 3, 4), (ix([[0, 1], [1, 1]]), Ellipsis, ix(3))),
    ((2, 3, 4), (ix([1, 0]), slice(None), ix([-1, 0]))), ((3, 4), ix([True, False, True])),
    ((3, 4), ix([[True, False, True, True], [False, False, True, False], [True] * 4])),
    ((2, 3, 4), (slice(None), ix([1, 2]), slice(1, 3))), ((2, 3), (ix([], dtype=np.int64),)),
    ((4,), ix([3, 3, 3])),
]


def _getitem_samples(rng):
    out = [Sample(rng.normal(size=s), key=k, desc=f"x{list(s)}[{k!r}]") for s, k in GETITEM_KEYS]
    out.append(Sample(NonContig(rng.normal(size=(3, 4))), key=(slice(None), ix([0, 2])),
                      desc="noncontig[:, [0, 2]]"))
    return out


def _setitem(x, value, key):
    y = x * 1.0  # a non-leaf copy, so the in-place write is recorded
    y[_cr_key(key)] = value
    return y


def _ref_setitem(x, value, key):
    y = x.copy()
    y[key] = value
    return y


SETITEM_CASES = [
    ((2, 3), (2, 3), (slice(None),)), ((2, 3), (3,), 0), ((2, 3), (1,), (slice(None), 1)),
    ((2, 3, 4), (), (Ellipsis, 2)), ((2, 3, 4), (2, 4), (slice(None), 1)),
    ((3, 4), (2, 4), ix([2, 0])), ((3, 4), (4,), ix([True, False, True])),
    ((3, 4), (3,), (ix([0, 1, 2]), ix([3, 0, 1]))), ((2, 3), (0, 3), slice(2, 2)),
    ((2, 3), None, (0, slice(1, 3))), ((2, 3), (1, 1, 3), 1), ((2, 3), (1, 1, 2), (slice(None), 0)),
]


def _setitem_samples(rng):
    out = []
    for xs, vs, key in SETITEM_CASES:
        v = 2.5 if vs is None else rng.normal(size=vs)
        out.append(Sample(rng.normal(size=xs), v, key=key, desc=f"x{list(xs)}[{key!r}]={vs}"))
    out.append(Sample(NonContig(rng.normal(size=(2, 3))), rng.normal(size=(3,)), key=1,
                      desc="noncontig[1]=v"))
    return out


def _cat(*xs, dim=0):
    return cr.cat(xs, dim)


def _ref_cat(*xs, dim=0):
    xs = [x for x in xs if not (x.ndim == 1 and x.shape[0] == 0)] or xs[:1]
    return np.concatenate(xs, dim)


def _stack(*xs, dim=0):
    return cr.stack(xs, dim)


def _ref_stack(*xs, dim=0):
    return np.stack(xs, dim)


def _cat_samples(rng):
    n = rng.normal
    return [
        Sample(n(size=(2, 3)), n(size=(1, 3))), Sample(n(size=(2, 3)), n(size=(2, 1)), dim=1),
        Sample(n(size=(2, 2)), n(size=(2, 3)), n(size=(2, 1)), dim=-1),
        Sample(n(size=(3,)), n(size=(2,))), Sample(n(size=(2, 3)), n(size=(0, 3))),
        Sample(n(size=(2, 3)), n(size=(0,)), desc="legacy_empty_1d_skipped"),
        Sample(n(size=(2, 2, 3)), n(size=(2, 1, 3)), dim=1), Sample(n(size=(4,))),
        Sample(NonContig(n(size=(2, 3))), n(size=(2, 3)), dim=1),
    ]


def _stack_samples(rng):
    n = rng.normal
    return [
        Sample(n(size=(2, 3)), n(size=(2, 3))), Sample(n(size=(2, 3)), n(size=(2, 3)), dim=-1),
        Sample(n(size=(3,)), n(size=(3,)), n(size=(3,)), dim=1), Sample(n(size=()), n(size=())),
        Sample(n(size=(2, 0)), n(size=(2, 0)), dim=1),
        Sample(NonContig(n(size=(2, 3))), n(size=(2, 3)), dim=2),
    ]


def _movedim_ref(x, source, destination):
    return np.moveaxis(x, source, destination)


def _to_float64(x):
    return x.to(cr.float64)


def _ref_identity(x):
    return x.copy()


# --- elementwise references ---------------------------------------------------------------------


def _ref_sigmoid(x):
    return 1 / (1 + np.exp(-x))


def _ref_relu(x):
    return np.maximum(x, 0)


def _ref_div(x, y):
    return np.true_divide(x, y)


def _ref_where(c, x, y):
    return np.where(c, x, y)


def _ref_pow(x, y):
    return np.power(x, y)


def _add_alpha(x, y):
    return cr.add(x, y, alpha=2.5)


def _sub_alpha(x, y):
    return cr.sub(x, y, alpha=-0.5)


SCALARS = ((2.5, -1.5), (3, 2))  # floats and ints, each side
POS = (0.5, 2.0)

OPS = [
    # binary arithmetic: function form and operator form (the reflected dunders for scalar-left)
    OpInfo("add", cr.add, np.add, binary_samples(scalars=SCALARS), covers=(cr.add,)),
    OpInfo("add_alpha", _add_alpha, lambda x, y: x + 2.5 * y, binary_samples(scalars=SCALARS)),
    OpInfo("add_operator", operator.add, np.add, binary_samples(scalars=SCALARS),
           covers=(cr.Tensor.__add__, cr.Tensor.__radd__)),
    OpInfo("sub", cr.sub, np.subtract, binary_samples(scalars=SCALARS), covers=(cr.sub,)),
    OpInfo("sub_alpha", _sub_alpha, lambda x, y: x + 0.5 * y, binary_samples(scalars=SCALARS)),
    OpInfo("sub_operator", operator.sub, np.subtract, binary_samples(scalars=SCALARS),
           covers=(cr.Tensor.__sub__, cr.Tensor.__rsub__)),
    OpInfo("mul", cr.mul, np.multiply, binary_samples(scalars=SCALARS), covers=(cr.mul,)),
    OpInfo("mul_operator", operator.mul, np.multiply, binary_samples(scalars=SCALARS),
           covers=(cr.Tensor.__mul__, cr.Tensor.__rmul__)),
    OpInfo("div", cr.div, _ref_div,
           binary_samples(y_avoid=(0,), scalars=((2.5, -1.5), (3, 2))), covers=(cr.div,)),
    OpInfo("div_operator", operator.truediv, _ref_div,
           binary_samples(y_avoid=(0,), scalars=((2.5, -1.5), (3, 2))),
           covers=(cr.Tensor.__truediv__, cr.Tensor.__rtruediv__)),
    OpInfo("pow", cr.pow, _ref_pow, _pow_samples, covers=(cr.pow,)),
    OpInfo("pow_operator", operator.pow, _ref_pow, _pow_samples,
           covers=(cr.Tensor.__pow__, cr.Tensor.__rpow__)),
    OpInfo("maximum", cr.maximum, np.maximum, binary_samples(gap=0.1), covers=(cr.maximum,)),
    OpInfo("minimum", cr.minimum, np.minimum, binary_samples(gap=0.1), covers=(cr.minimum,)),
    OpInfo("max_binary", cr.max, np.maximum, binary_samples(gap=0.1)),
    OpInfo("min_binary", cr.min, np.minimum, binary_samples(gap=0.1)),
    OpInfo("where", cr.where, _ref_where, _where_samples, covers=(cr.where,)),
    OpInfo("rsub", cr.rsub, lambda x, y: y - x, binary_samples(scalars=((None, 2.5), (None, 3))),
           covers=(cr.rsub,)),
    OpInfo("remainder", cr.remainder, np.remainder,
           binary_samples(y_avoid=(0,), scalars=((2.5, 1.5),), accept=_away_from_integer_ratio),
           covers=(cr.remainder,)),
    OpInfo("remainder_operator", operator.mod, np.remainder,
           binary_samples(y_avoid=(0,), scalars=((2.5, 1.5),), accept=_away_from_integer_ratio),
           covers=(cr.Tensor.__mod__, cr.Tensor.__rmod__)),
    OpInfo("masked_fill", cr.masked_fill, lambda x, m, v: np.where(m, v, x),
           _masked_fill_samples, covers=(cr.masked_fill,)),
    OpInfo("clamp", _clamp, _clamp_ref, _clamp_samples, covers=(cr.clamp,)),
    # unary
    OpInfo("neg", cr.neg, np.negative, unary_samples(), covers=(cr.neg, cr.Tensor.__neg__)),
    OpInfo("exp", cr.exp, np.exp, unary_samples(), covers=(cr.exp,)),
    OpInfo("log", cr.log, np.log, unary_samples(0.2, 3.0), covers=(cr.log,)),
    OpInfo("sqrt", cr.sqrt, np.sqrt, unary_samples(0.2, 3.0), covers=(cr.sqrt,)),
    OpInfo("rsqrt", cr.rsqrt, lambda x: 1 / np.sqrt(x), unary_samples(0.2, 3.0),
           covers=(cr.rsqrt,)),
    OpInfo("reciprocal", cr.reciprocal, lambda x: 1 / x, unary_samples(avoid=(0,)),
           covers=(cr.reciprocal,)),
    OpInfo("square", cr.square, np.square, unary_samples(), covers=(cr.square,)),
    OpInfo("abs", cr.abs, np.abs, unary_samples(avoid=(0,)), covers=(cr.abs, cr.Tensor.__abs__)),
    OpInfo("sign", cr.sign, np.sign, unary_samples(avoid=(0,)), covers=(cr.sign,)),
    OpInfo("sin", cr.sin, np.sin, unary_samples(), covers=(cr.sin,)),
    OpInfo("cos", cr.cos, np.cos, unary_samples(), covers=(cr.cos,)),
    OpInfo("tanh", cr.tanh, np.tanh, unary_samples(), covers=(cr.tanh,)),
    OpInfo("sigmoid", cr.sigmoid, _ref_sigmoid, unary_samples(-4, 4), covers=(cr.sigmoid,)),
    OpInfo("relu", cr.relu, _ref_relu, unary_samples(avoid=(0,)), covers=(cr.relu,)),
    OpInfo("clone", cr.clone, _ref_identity, unary_samples(), covers=(cr.clone,)),
    OpInfo("to_float64", _to_float64, _ref_identity, unary_samples(), float32=False,
           covers=(cr.Tensor.to,)),
    # linear algebra
    OpInfo("matmul", cr.matmul, _ref_matmul, _matmul_pairs,
           covers=(cr.matmul, cr.Tensor.__matmul__)),
    OpInfo("mm", cr.mm, np.matmul, lambda rng: [
        Sample(rng.normal(size=(2, 3)), rng.normal(size=(3, 4))),
        Sample(rng.normal(size=(2, 0)), rng.normal(size=(0, 3))),
        Sample(NonContig(rng.normal(size=(3, 2))), rng.normal(size=(2, 2)))], covers=(cr.mm,)),
    OpInfo("bmm", cr.bmm, np.matmul, lambda rng: [
        Sample(rng.normal(size=(2, 2, 3)), rng.normal(size=(2, 3, 2))),
        Sample(rng.normal(size=(0, 2, 3)), rng.normal(size=(0, 3, 2)))], covers=(cr.bmm,)),
    OpInfo("dot", cr.dot, np.dot, lambda rng: [
        Sample(rng.normal(size=(3,)), rng.normal(size=(3,))),
        Sample(np.zeros(0), np.zeros(0))], covers=(cr.dot,)),
    OpInfo("mv", cr.mv, np.matmul, lambda rng: [
        Sample(rng.normal(size=(2, 3)), rng.normal(size=(3,))),
        Sample(NonContig(rng.normal(size=(3, 2))), rng.normal(size=(2,)))], covers=(cr.mv,)),
    OpInfo("outer", cr.outer, np.outer, lambda rng: [
        Sample(rng.normal(size=(3,)), rng.normal(size=(4,))),
        Sample(np.zeros(0), rng.normal(size=(2,)))], covers=(cr.outer,)),
    # reductions
    OpInfo("sum", cr.sum, _ref_reduce(np.sum), reduce_samples(), covers=(cr.sum,)),
    OpInfo("mean", cr.mean, _ref_reduce(np.mean), reduce_samples(), covers=(cr.mean,)),
    OpInfo("max_full", cr.max, np.max, _full_reduce_samples, covers=(cr.max,)),
    OpInfo("min_full", cr.min, np.min, _full_reduce_samples, covers=(cr.min,)),
    OpInfo("max_dim", cr.max, _ref_max_dim(np.max, np.argmax), _max_dim_samples),
    OpInfo("min_dim", cr.min, _ref_max_dim(np.min, np.argmin), _max_dim_samples),
    OpInfo("amax", cr.amax, _ref_reduce(np.max), reduce_samples(AMAX_KW, distinct),
           covers=(cr.amax,)),
    OpInfo("amin", cr.amin, _ref_reduce(np.min), reduce_samples(AMAX_KW, distinct),
           covers=(cr.amin,)),
    OpInfo("logsumexp", cr.logsumexp, _ref_logsumexp, reduce_samples(
        [(s, kw) for s, kw in REDUCE_KW if "dim" in kw]), covers=(cr.logsumexp,)),
    OpInfo("softmax", cr.softmax, _ref_softmax, _softmax_samples, covers=(cr.softmax,)),
    OpInfo("log_softmax", cr.log_softmax, _ref_log_softmax, _softmax_samples,
           covers=(cr.log_softmax,)),
    # shape ops
    OpInfo("reshape", cr.reshape, _ref_reshape, _shape_samples([
        ((2, 3), ((3, 2),), {}), ((2, 3), (-1,), {}), ((2, 2, 3), (2, -1), {}), ((), (1, 1), {}),
        ((1,), ((),), {}), ((2, 0), (0, 3), {}), ("noncontig", (-1,), {})]), covers=(cr.reshape,)),
    OpInfo("view", cr.view, _ref_reshape, _shape_samples([
        ((2, 3), ((3, 2),), {}), ((2, 2, 3), (4, -1), {}), ((), (1,), {}), ((2, 0), (-1,), {}),
        ("noncontig", (2, 1, 3), {})]), covers=(cr.view,)),
    OpInfo("transpose", cr.transpose, _ref_transpose, _shape_samples([
        ((2, 3), (0, 1), {}), ((2, 2, 3), (0, 2), {}), ((2, 2, 3), (-1, 1), {}),
        ((), (0, -1), {}), ((2, 0), (1, 0), {}), ("noncontig", (0, 1), {})]),
        covers=(cr.transpose,)),
    OpInfo("t", cr.t, _ref_t, _shape_samples([
        ((2, 3), (), {}), ((3,), (), {}), ((), (), {}), ("noncontig", (), {})]),
        covers=(cr.t,)),
    OpInfo("permute", cr.permute, _ref_permute, _shape_samples([
        ((2, 2, 3), (2, 0, 1), {}), ((2, 2, 3), ((-1, 0, 1),), {}), ((), (), {}),
        ((2, 0), (1, 0), {}), ("noncontig", (1, 0), {})]), covers=(cr.permute,)),
    OpInfo("movedim", cr.movedim, _movedim_ref, _shape_samples([
        ((2, 2, 3), (0, -1), {}), ((2, 2, 3), ((0, 1), (2, 0)), {}), ("noncontig", (1, 0), {})]),
        covers=(cr.movedim,)),
    OpInfo("unsqueeze", cr.unsqueeze, lambda x, d: np.expand_dims(x, d), _shape_samples([
        ((2, 3), (0,), {}), ((2, 3), (-1,), {}), ((2, 3), (1,), {}), ((), (0,), {}),
        ((0,), (-1,), {}), ("noncontig", (2,), {})]), covers=(cr.unsqueeze,)),
    OpInfo("squeeze", cr.squeeze, _ref_squeeze, _shape_samples([
        ((1, 2, 1, 3), (), {}), ((1, 2, 1, 3), (2,), {}), ((1, 2, 1, 3), (1,), {}),
        ((1, 2, 1, 3), ((0, -2),), {}), ((), (), {}), ((1,), (0,), {}), ((2, 1, 0), (), {}),
        ("noncontig", (), {})]), covers=(cr.squeeze,)),
    OpInfo("expand", cr.expand, _ref_expand, _shape_samples([
        ((3, 1), (3, 4), {}), ((3,), (2, 3), {}), ((), (2, 2), {}), ((2, 1), (-1, 3), {}),
        ((1, 3), ((2, 2, 3),), {}), ((1,), (0,), {}), ((2, 1), (3, 2, 0), {}),
        ("noncontig", (2, 2, 3), {})]), covers=(cr.expand,)),
    OpInfo("broadcast_to", cr.broadcast_to, np.broadcast_to, _shape_samples([
        ((3, 1), ((3, 4),), {}), ((), ((2,),), {})]), covers=(cr.broadcast_to,)),
    OpInfo("flatten", cr.flatten, _ref_flatten, _shape_samples([
        ((2, 2, 3), (), {}), ((2, 2, 3), (1,), {}), ((2, 2, 3), (0, 1), {}), ((), (), {}),
        ((2, 0, 3), (1,), {}), ("noncontig", (), {})]), covers=(cr.flatten,)),
    OpInfo("unflatten", cr.unflatten, _ref_unflatten, _shape_samples([
        ((6,), (0, (2, 3)), {}), ((2, 6), (-1, (3, 2)), {})]), covers=(cr.unflatten,)),
    OpInfo("getitem", _getitem, _ref_getitem, _getitem_samples, covers=(cr.Tensor.__getitem__,)),
    OpInfo("setitem", _setitem, _ref_setitem, _setitem_samples,
           covers=(cr.Tensor.__setitem__,)),
    OpInfo("cat", _cat, _ref_cat, _cat_samples, covers=(cr.cat,)),
    OpInfo("stack", _stack, _ref_stack, _stack_samples, covers=(cr.stack,)),
]

# Public callables exported from chainrule.ops.* that are not differentiable (comparisons,
# logic, integer results, predicates): the coverage test allows these to have no entry.
NOT_DIFFERENTIABLE = {
    "allclose", "argmax", "argmin", "bitwise_and", "bitwise_not", "bitwise_or", "bitwise_xor",
    "bitwise_left_shift", "bitwise_right_shift",
    "floor_divide",  # its result requires grad, but backward raises (as PyTorch's `//`)
    "eq", "equal", "ge", "greater", "greater_equal", "gt", "isclose", "isfinite", "isinf",
    "isnan", "le", "less", "less_equal", "logical_and", "logical_not", "logical_or",
    "logical_xor", "lt", "ne", "nonzero", "not_equal",
}


def _load_area_tables():
    """Each tests/op_table_<area>.py adds its `OPS` list and `NOT_DIFFERENTIABLE` set here, so
    that areas of the library can grow their entries in separate files."""
    import importlib
    import pathlib

    for path in sorted(pathlib.Path(__file__).parent.glob("op_table_*.py")):
        mod = importlib.import_module(path.stem)
        OPS.extend(mod.OPS)
        NOT_DIFFERENTIABLE.update(getattr(mod, "NOT_DIFFERENTIABLE", ()))


_load_area_tables()
OPS_BY_NAME = {op.name: op for op in OPS}
assert len(OPS_BY_NAME) == len(OPS), "duplicate op names in the table"
