"""Convolution as three bilinear ops that differentiate into each other (any order, both modes).

For fixed (stride, padding, dilation, groups), convolution y = conv(x, w) is bilinear, and so are
its two adjoints:

    conv(x, w)             -> y   (N, C_out, *O)   the forward (cross-correlation, as PyTorch)
    conv_transpose(y, w)   -> x   (N, C_in, *S)    the adjoint in x: <T(y, w), x> = <y, conv(x, w)>
    conv_weight(x, y)      -> w   (C_out, C_in/g, *K)
                                  the adjoint in w: <W(x, y), w> = <y, conv(x, w)>

The VJPs of each of the three are the other two (legend: g is the incoming gradient):

    conv:            dx = T(g, w)          dw = W(x, g)
    conv_transpose:  dy = conv(g, w)       dw = W(g, y)
    conv_weight:     dx = T(y, g)          dy = conv(x, g)

so every derivative of any order is again one of these ops, and the JVPs follow from
bilinearity: J(x, w)[tx, tw] = op(tx, w) + op(x, tw). conv and conv_transpose take an optional
bias (added per output channel), so F.conv2d and F.conv_transpose2d are one node each.

Speed (benchmarks/conv2d.py): the forward keeps its column array for the weight gradient (the
column cache below, bounded); conv_transpose at stride 1 is computed as a convolution of y with
the flipped kernels (one im2col of y) unless x has far fewer channels than y, where scattering
the small column array back is cheaper.

The forward is im2col: the padded input seen through `sliding_window_view` (no copy), stride and
dilation applied by slicing that view, then one copy into a (N, groups, C_in/g * prod(K), L)
column array and one batched matmul with the weight. col2im (conv_transpose) is the sum of the
column array over the kernel offsets: one strided slice-add per offset (prod(K) of them), never
a loop over pixels. Spatial dims are generic (1-d, 2-d and 3-d share the code); padding is a
(low, high) pair per dim so that PyTorch's padding='same' with even kernels is exact.

Batching rules (vmap): a batched input alone is merged into N; batched weights use the groups
trick (the vmap batch becomes extra groups), which also covers conv_weight.
"""

import itertools
import math

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

from ..ops import reduction as red
from ..ops import shape as sh
from ..ops._core import Op, apply, linear_jvp

# --- NumPy kernels -------------------------------------------------------------------------------


def out_size(size, k, s, pad, d):
    """Output length of one spatial dim: floor((size + lo + hi - d * (k - 1) - 1) / s) + 1."""
    return (size + pad[0] + pad[1] - d * (k - 1) - 1) // s + 1


def _pad_zeros(x, padding):
    if not any(lo or hi for lo, hi in padding):
        return x
    nd = len(padding)
    shape = x.shape[:-nd] + tuple(n + lo + hi for n, (lo, hi) in zip(x.shape[-nd:], padding))
    out = np.zeros(shape, dtype=x.dtype)
    out[(Ellipsis,) + tuple(slice(lo, lo + n) for n, (lo, _) in
                            zip(x.shape[-nd:], padding))] = x
    return out


def windows(x, ksize, stride, padding, dilation):
    """A strided view (N, C, *O, *K) of the padded input's windows (no copy but the padding)."""
    nd = len(ksize)
    xp = _pad_zeros(x, padding)
    ext = tuple(d * (k - 1) + 1 for k, d in zip(ksize, dilation))
    osize = tuple(out_size(n, k, s, p, d) for n, k, s, p, d in
                  zip(x.shape[-nd:], ksize, stride, padding, dilation))
    view = sliding_window_view(xp, ext, axis=tuple(range(x.ndim - nd, x.ndim)))
    key = (Ellipsis,) + tuple(slice(0, s * (o - 1) + 1, s) for s, o in zip(stride, osize)) + \
        tuple(slice(None, None, d) for d in dilation)
    return view[key]


def im2col(x, ksize, stride, padding, dilation):
    """The columns of x (N, C, *S): a contiguous (N, C, *K, *O) array."""
    win = windows(x, ksize, stride, padding, dilation)
    nd = len(ksize)
    lead = x.ndim - nd  # N, C
    perm = tuple(range(lead)) + tuple(range(lead + nd, lead + 2 * nd)) + \
        tuple(range(lead, lead + nd))
    return np.ascontiguousarray(win.transpose(perm))


def col2im(cols, size, stride, padding, dilation):
    """The adjoint of im2col: cols (N, C, *K, *O) summed into an (N, C, *size) array."""
    nd = len(size)
    ksize = cols.shape[2:2 + nd]
    osize = cols.shape[2 + nd:]
    padded = tuple(n + lo + hi for n, (lo, hi) in zip(size, padding))
    xp = np.zeros(cols.shape[:2] + padded, dtype=cols.dtype)
    for offs in itertools.product(*(range(k) for k in ksize)):  # prod(K) strided slice-adds
        key = (Ellipsis,) + tuple(slice(i * d, i * d + s * (o - 1) + 1, s) for i, d, s, o in
                                  zip(offs, dilation, stride, osize))
        xp[key] += cols[(slice(None), slice(None)) + offs]
    if not any(lo or hi for lo, hi in padding):
        return xp
    return xp[(Ellipsis,) + tuple(slice(lo, lo + n) for n, (lo, _) in zip(size, padding))]


def _bias_shape(b, nd):
    return b.reshape((-1,) + (1,) * nd)


# --- the column cache -----------------------------------------------------------------------------
# The weight gradient W(x, g) needs the same im2col of x as the forward conv(x, w). When the
# forward runs with cache=True (grad mode on and the weight requires grad), it keeps its column
# array for the backward: keyed by the identity of x's array, dropped when that array dies or when
# conv_weight consumes it, so it normally lives exactly between a forward and its backward. A
# forward that never gets a backward (evaluation without no_grad) leaves its entry until x dies,
# so the cache is bounded: at most COLS_CACHE_BYTES, oldest entries evicted first. (If x is
# modified in place in between, the version counters make the backward an error anyway.)

COLS_CACHE_BYTES = 1 << 28
_COLS = {}


def _cols_key(x, ksize, stride, padding, dilation):
    return (x.shape, x.dtype, x.strides, tuple(ksize), stride, padding, dilation)


def _keep_cols(x, cols, key):
    import weakref

    if cols.nbytes > COLS_CACHE_BYTES:
        return
    ident = id(x)
    try:
        ref = weakref.ref(x, lambda _, ident=ident, cache=_COLS: cache.pop(ident, None))
    except TypeError:  # not weak-referenceable: no caching
        return
    _COLS.pop(ident, None)
    total = sum(entry[2].nbytes for entry in _COLS.values()) + cols.nbytes
    while total > COLS_CACHE_BYTES and _COLS:  # evict the oldest
        oldest = next(iter(_COLS))
        total -= _COLS.pop(oldest)[2].nbytes
    _COLS[ident] = (ref, key, cols)


def _cached_cols(x, key):
    entry = _COLS.get(id(x))
    if entry is not None and entry[0]() is x and entry[1] == key:
        del _COLS[id(x)]
        return entry[2]
    return None


def _conv_forward(x, w, b, stride, padding, dilation, groups, cache=False):
    nd = len(stride)
    n, c = x.shape[:2]
    cout = w.shape[0]
    ksize = w.shape[2:]
    cols = im2col(x, ksize, stride, padding, dilation)
    if cache:
        _keep_cols(x, cols, _cols_key(x, ksize, stride, padding, dilation))
    osize = cols.shape[2 + nd:]
    cols = cols.reshape(n, groups, (c // groups) * math.prod(ksize), math.prod(osize))
    wm = w.reshape(groups, cout // groups, -1)
    out = np.matmul(wm, cols).reshape((n, cout) + osize)
    if b is not None:
        out += _bias_shape(b, nd)
    return out


def _flipped_weight(w, groups):
    """(C_out, C_in/g, *K) -> (C_in, C_out/g, *K) with every kernel reversed: the weight of the
    convolution that equals conv_transpose at stride 1."""
    cout, cg = w.shape[:2]
    k = w.shape[2:]
    wg = w.reshape((groups, cout // groups, cg) + k).swapaxes(1, 2)
    flip = (Ellipsis,) + (slice(None, None, -1),) * len(k)
    return np.ascontiguousarray(wg[flip]).reshape((groups * cg, cout // groups) + k)


def _conv_transpose_forward(y, w, b, stride, padding, dilation, groups, size):
    """T(y, w): y (N, C_out, *O), w (C_out, C_in/g, *K) -> (N, C_in, *size)."""
    nd = len(stride)
    if all(s == 1 for s in stride) and 2 * w.shape[1] * groups >= y.shape[1]:
        # a full convolution of y with the flipped kernels: one im2col of y instead of a column
        # array of x's channels summed back offset by offset (measured faster unless x has
        # far fewer channels than y, as in a first layer)
        ksize = w.shape[2:]
        pads = tuple((d * (k - 1) - lo, d * (k - 1) - hi) for k, d, (lo, hi) in
                     zip(ksize, dilation, padding))
        if all(lo >= 0 and hi >= 0 for lo, hi in pads) and \
                all(o + lo + hi - d * (k - 1) == n for o, (lo, hi), d, k, n in
                    zip(y.shape[2:], pads, dilation, ksize, size)):
            return _conv_forward(y, _flipped_weight(w, groups), b, stride, pads, dilation, groups)
    n, cout = y.shape[:2]
    cg = w.shape[1]
    ksize = w.shape[2:]
    osize = y.shape[2:]
    ym = y.reshape(n, groups, cout // groups, math.prod(osize))
    wm = w.reshape(groups, cout // groups, cg * math.prod(ksize))
    cols = np.matmul(wm.transpose(0, 2, 1), ym)  # (N, G, C_in/g * K, L)
    cols = cols.reshape((n, groups * cg) + tuple(ksize) + tuple(osize))
    out = col2im(cols, size, stride, padding, dilation)
    if b is not None:
        out = out + _bias_shape(b, nd)
    return out


def _conv_weight_forward(x, y, stride, padding, dilation, groups, ksize):
    """W(x, y): x (N, C_in, *S), y (N, C_out, *O) -> (C_out, C_in/g, *K)."""
    n, c = x.shape[:2]
    cout = y.shape[1]
    cols = _cached_cols(x, _cols_key(x, ksize, stride, padding, dilation))
    if cols is None:
        cols = im2col(x, ksize, stride, padding, dilation)
    cols = cols.reshape(n, groups, (c // groups) * math.prod(ksize), math.prod(y.shape[2:]))
    ym = y.reshape(n, groups, cout // groups, cols.shape[-1])
    w = np.matmul(ym, cols.transpose(0, 1, 3, 2)).sum(axis=0)  # (G, C_out/g, C_in/g * K)
    return w.reshape((cout, c // groups) + tuple(ksize))


# --- the three ops -------------------------------------------------------------------------------


def _channel_sum(g):
    return red.sum(g, (0,) + tuple(range(2, g.ndim)))


def _conv_params(p):
    return {k: p[k] for k in ("stride", "padding", "dilation", "groups")}


def conv(x, w, b=None, **p):
    return apply(CONV, (x, w, b), p)


def conv_transpose(y, w, b=None, **p):
    return apply(CONV_TRANSPOSE, (y, w, b), p)


def conv_weight(x, y, **p):
    return apply(CONV_WEIGHT, (x, y), p)


def _conv_vjp_x(g, ans, x, w, b, **p):
    return conv_transpose(g, w, None, size=tuple(x.shape[2:]), **_conv_params(p))


def _conv_vjp_w(g, ans, x, w, b, **p):
    return conv_weight(x, g, ksize=tuple(w.shape[2:]), **_conv_params(p))


def _bias_vjp(g, ans, *args, **p):
    return _channel_sum(g)


def _conv_jvp(tangents, ans, x, w, b, **p):
    p = _conv_params(p)
    tx, tw, tb = tangents
    out = None
    if tx is not None:
        out = conv(tx, w, None, **p)
    if tw is not None:
        term = conv(x, tw, None, **p)
        out = term if out is None else out + term
    if tb is not None:
        term = sh.reshape(tb, (-1,) + (1,) * len(p["stride"]))
        out = term if out is None else out + term
    return out


def _convt_vjp_y(g, ans, y, w, b, size, **p):
    return conv(g, w, None, **p)


def _convt_vjp_w(g, ans, y, w, b, size, **p):
    return conv_weight(g, y, ksize=tuple(w.shape[2:]), **p)


def _convt_jvp(tangents, ans, y, w, b, size, **p):
    ty, tw, tb = tangents
    out = None
    if ty is not None:
        out = conv_transpose(ty, w, None, size=size, **p)
    if tw is not None:
        term = conv_transpose(y, tw, None, size=size, **p)
        out = term if out is None else out + term
    if tb is not None:
        term = sh.reshape(tb, (-1,) + (1,) * len(p["stride"]))
        out = term if out is None else out + term
    return out


def _convw_vjp_x(g, ans, x, y, ksize, **p):
    return conv_transpose(y, g, None, size=tuple(x.shape[2:]), **p)


def _convw_vjp_y(g, ans, x, y, ksize, **p):
    return conv(x, g, None, **p)


def _convw_jvp(tangents, ans, x, y, ksize, **p):
    tx, ty = tangents
    out = None
    if tx is not None:
        out = conv_weight(tx, y, ksize=ksize, **p)
    if ty is not None:
        term = conv_weight(x, ty, ksize=ksize, **p)
        out = term if out is None else out + term
    return out


# --- batching rules (vmap) -----------------------------------------------------------------------


def _front(a, bd):
    return a if bd == 0 else sh.movedim(a, bd, 0)


def _merge_batch_into_n(op, args, bdims, params):
    """Only the first input is batched: (B, N, ...) -> (B * N, ...) and back."""
    params = dict(params, cache=False) if "cache" in params else params
    a = _front(args[0], bdims[0])
    bsz, n = a.shape[0], a.shape[1]
    out = apply(op, (sh.reshape(a, (bsz * n,) + tuple(a.shape[2:])),) + tuple(args[1:]), params)
    return sh.reshape(out, (bsz, n) + tuple(out.shape[1:])), 0


def _as_batched(a, bd, bsz):
    """`a` with its vmap batch dim in front (expanded when it has none)."""
    if bd is None:
        return sh.expand(sh.unsqueeze(a, 0), (bsz,) + tuple(a.shape))
    return _front(a, bd)


def _channels_from_batch(a):
    """(B, N, C, *S) -> (N, B * C, *S): the vmap batch becomes extra groups."""
    a = sh.movedim(a, 0, 1)
    return sh.reshape(a, (a.shape[0], a.shape[1] * a.shape[2]) + tuple(a.shape[3:]))


def _weights_from_batch(w):
    """(B, C_out, C_in/g, *K) -> (B * C_out, C_in/g, *K)."""
    return sh.reshape(w, (w.shape[0] * w.shape[1],) + tuple(w.shape[2:]))


def _batch_size(args, bdims):
    return next(a.shape[b] for a, b in zip(args, bdims) if b is not None)


def _conv_like_batch(op, args, bdims, params):
    """conv and conv_transpose: (activations, weight, bias)."""
    if bdims[0] is not None and bdims[1] is None and (len(args) < 3 or bdims[2] is None):
        return _merge_batch_into_n(op, args, bdims, params)
    bsz = _batch_size(args, bdims)
    a = _channels_from_batch(_as_batched(args[0], bdims[0], bsz))
    w = _weights_from_batch(_as_batched(args[1], bdims[1], bsz))
    b = args[2]
    if b is not None:
        b = sh.reshape(_as_batched(b, bdims[2], bsz), (-1,))
    new = dict(params, groups=params["groups"] * bsz)
    if "cache" in new:
        new["cache"] = False
    out = apply(op, (a, w, b), new)  # (N, B * C, *S)
    out = sh.reshape(out, (out.shape[0], bsz, out.shape[1] // bsz) + tuple(out.shape[2:]))
    return out, 1


def _conv_weight_batch(op, args, bdims, params):
    bsz = _batch_size(args, bdims)
    x = _channels_from_batch(_as_batched(args[0], bdims[0], bsz))
    y = _channels_from_batch(_as_batched(args[1], bdims[1], bsz))
    out = apply(op, (x, y), dict(params, groups=params["groups"] * bsz))
    return sh.reshape(out, (bsz, out.shape[0] // bsz) + tuple(out.shape[1:])), 0


# legend: Op(name, forward, (vjp per input), reads per input rule, jvp, batch)
CONV = Op("convolution", _conv_forward, (_conv_vjp_x, _conv_vjp_w, _bias_vjp),
          rule_reads=((1,), (0,), ()), jvp=_conv_jvp, batch=_conv_like_batch,
          backward_name="ConvolutionBackward0")
CONV_TRANSPOSE = Op("conv_transpose", _conv_transpose_forward,
                    (_convt_vjp_y, _convt_vjp_w, _bias_vjp), rule_reads=((1,), (0,), ()),
                    jvp=_convt_jvp, batch=_conv_like_batch,
                    backward_name="ConvolutionBackward0")
CONV_WEIGHT = Op("conv_weight", _conv_weight_forward, (_convw_vjp_x, _convw_vjp_y),
                 rule_reads=((1,), (0,)), jvp=_convw_jvp, batch=_conv_weight_batch,
                 backward_name="ConvolutionBackwardBackward0")


# --- the public functions (torch.nn.functional.conv*d, conv_transpose*d) ------------------------


def _tuple(name, value, nd, what="convolution"):
    if isinstance(value, (int, np.integer)):
        return (int(value),) * nd
    value = tuple(int(v) for v in value)
    if len(value) == 1:
        return value * nd
    if len(value) != nd:
        raise RuntimeError(
            f"expected {name} to be a single integer value or a list of {nd} values to match the "
            f"{what} dimensions, but got {name}={list(value)}"
        )
    return value


def _dims_text(values):
    return " x ".join(str(v) for v in values)


def _check_common(fname, input, weight, bias, nd, transposed):
    from .._tensor import Tensor

    for arg, what in ((input, "input"), (weight, "weight")):
        if not isinstance(arg, Tensor):
            raise TypeError(f"{fname}(): argument '{what}' must be Tensor, not "
                            f"{type(arg).__name__}")
    if input.ndim not in (nd + 1, nd + 2):
        raise RuntimeError(
            f"Expected {nd + 1}D (unbatched) or {nd + 2}D (batched) input to {fname}, but got "
            f"input of size: {list(input.shape)}"
        )
    if weight.ndim != nd + 2:
        raise RuntimeError(
            f"{fname}: expected a {nd + 2}D weight (out_channels, in_channels / groups, "
            f"*kernel_size), but got weight of size {list(weight.shape)}"
        )
    if input._data.dtype != weight._data.dtype:
        raise RuntimeError(
            f"expected scalar type {_scalar(input)} but found {_scalar(weight)} ({fname}: input "
            f"is {input.dtype} and weight is {weight.dtype}; convert one of them with .to())"
        )
    if bias is not None and bias._data.dtype != input._data.dtype:
        raise RuntimeError(f"Input type ({_c_name(input)}) and bias type ({_c_name(bias)}) "
                           "should be the same")
    if input._data.dtype.kind not in "fiu":
        raise RuntimeError(f"{fname}: unsupported dtype {input.dtype}")


def _c_name(t):
    name = t._data.dtype.name
    return {"float32": "float", "float64": "double", "float16": "c10::Half"}.get(name, name)


def _scalar(t):
    from ._helpers import scalar_name

    return scalar_name(t)


def _check_positive(stride, dilation, groups):
    if any(s <= 0 for s in stride):
        raise RuntimeError("non-positive stride is not supported")
    if any(d <= 0 for d in dilation):
        raise RuntimeError("non-positive dilation is not supported")
    if groups <= 0:
        raise RuntimeError("non-positive groups is not supported")


def _padding_pairs(padding, ksize, stride, dilation, nd):
    if isinstance(padding, str):
        if padding == "valid":
            return ((0, 0),) * nd
        if padding == "same":
            if any(s != 1 for s in stride):
                raise RuntimeError("padding='same' is not supported for strided convolutions")
            total = [d * (k - 1) for k, d in zip(ksize, dilation)]
            return tuple((t // 2, t - t // 2) for t in total)
        raise RuntimeError(f"Invalid padding string: '{padding}'")
    pad = _tuple("padding", padding, nd)
    if any(p < 0 for p in pad):
        raise RuntimeError("negative padding is not supported")
    return tuple((p, p) for p in pad)


def _check_bias(bias, weight, channels):
    if bias is not None and (bias.ndim != 1 or bias.shape[0] != channels):
        raise RuntimeError(
            f"Given weight of size {list(weight.shape)}, expected bias to be 1-dimensional with "
            f"{channels} elements, but got bias of size {list(bias.shape)} instead"
        )


def _unbatched(input, nd):
    return input.ndim == nd + 1


def convolution(fname, nd, input, weight, bias, stride, padding, dilation, groups):
    """F.conv{nd}d: checks with PyTorch's messages, then the CONV op."""
    _check_common(fname, input, weight, bias, nd, False)
    stride = _tuple("stride", stride, nd)
    dilation = _tuple("dilation", dilation, nd)
    groups = int(groups)
    _check_positive(stride, dilation, groups)
    ksize = tuple(weight.shape[2:])
    pads = _padding_pairs(padding, ksize, stride, dilation, nd)
    squeeze = _unbatched(input, nd)
    if squeeze:
        input = sh.unsqueeze(input, 0)
    cout = weight.shape[0]
    if cout == 0 or cout % groups:
        raise RuntimeError(
            f"Given groups={groups}, expected weight to be "
            + (f"at least 1 at dimension 0, but got weight of size {list(weight.shape)} instead"
               if cout == 0 else f"divisible by {groups} at dimension 0, but got weight of size "
               f"[{list(weight.shape)}] instead"))
    if input.shape[1] != weight.shape[1] * groups:
        raise RuntimeError(
            f"Given groups={groups}, weight of size {list(weight.shape)}, expected "
            f"input{list(input.shape)} to have {weight.shape[1] * groups} channels, but got "
            f"{input.shape[1]} channels instead"
        )
    _check_bias(bias, weight, cout)
    padded = tuple(n + lo + hi for n, (lo, hi) in zip(input.shape[2:], pads))
    ext = tuple(d * (k - 1) + 1 for k, d in zip(ksize, dilation))
    if any(p < e for p, e in zip(padded, ext)):
        raise RuntimeError(
            f"Calculated padded input size per channel: ({_dims_text(padded)}). Kernel size: "
            f"({_dims_text(ext)}). Kernel size can't be greater than actual input size"
        )
    from ..autograd import grad_mode

    cache = bool(weight.requires_grad and grad_mode.is_grad_enabled() and
                 isinstance(input._data, np.ndarray))
    out = conv(input, weight, bias, stride=stride, padding=pads, dilation=dilation,
               groups=groups, cache=cache)
    return sh.squeeze(out, 0) if squeeze else out


def convolution_transpose(fname, nd, input, weight, bias, stride, padding, output_padding,
                          groups, dilation):
    """F.conv_transpose{nd}d: input (N, C_in, *S), weight (C_in, C_out / groups, *K)."""
    _check_common(fname, input, weight, bias, nd, True)
    stride = _tuple("stride", stride, nd)
    dilation = _tuple("dilation", dilation, nd)
    groups = int(groups)
    _check_positive(stride, dilation, groups)
    if isinstance(padding, str):
        raise TypeError(f"{fname}(): argument 'padding' must be an int or a tuple of ints, not "
                        f"'{padding}'")
    pad = _tuple("padding", padding, nd)
    if any(p < 0 for p in pad):
        raise RuntimeError("negative padding is not supported")
    opad = _tuple("output_padding", output_padding, nd)
    if any(o < 0 for o in opad):
        raise RuntimeError("negative output_padding is not supported")
    if any(o >= s and o >= d for o, s, d in zip(opad, stride, dilation)):
        names = ("depth", "height", "width")[3 - nd:] if nd <= 3 else [str(i) for i in range(nd)]
        parts = [f"output_padding_{n}: {o}" for n, o in zip(names, opad)] + \
            [f"stride_{n}: {s}" for n, s in zip(names, stride)] + \
            [f"dilation_{n}: {d}" for n, d in zip(names, dilation)]
        raise RuntimeError("output padding must be smaller than either stride or dilation, but "
                           "got " + " ".join(parts))
    squeeze = _unbatched(input, nd)
    if squeeze:
        input = sh.unsqueeze(input, 0)
    cin = weight.shape[0]
    if cin == 0 or cin % groups:
        raise RuntimeError(
            f"Given groups={groups}, expected weight to be divisible by {groups} at dimension 0, "
            f"but got weight of size [{list(weight.shape)}] instead")
    if input.shape[1] != cin:
        raise RuntimeError(
            f"Given transposed=1, weight of size {list(weight.shape)}, expected "
            f"input{list(input.shape)} to have {cin} channels, but got {input.shape[1]} channels "
            "instead"
        )
    cout = weight.shape[1] * groups
    _check_bias(bias, weight, cout)
    ksize = tuple(weight.shape[2:])
    size = tuple((n - 1) * s - 2 * p + d * (k - 1) + o + 1 for n, s, p, d, k, o in
                 zip(input.shape[2:], stride, pad, dilation, ksize, opad))
    if any(n <= 0 for n in size):
        raise RuntimeError(
            f"{fname}: the output size {list(size)} is not positive (input {list(input.shape)}, "
            f"kernel {list(ksize)}, stride {list(stride)}, padding {list(pad)})"
        )
    out = conv_transpose(input, weight, bias, stride=stride, padding=tuple((p, p) for p in pad),
                         dilation=dilation, groups=groups, size=size)
    return sh.squeeze(out, 0) if squeeze else out


def conv1d(input, weight, bias=None, stride=1, padding=0, dilation=1, groups=1):
    """1-d cross-correlation: input (N, C_in, L) or (C_in, L), weight (C_out, C_in/groups, k)."""
    return convolution("conv1d", 1, input, weight, bias, stride, padding, dilation, groups)


def conv2d(input, weight, bias=None, stride=1, padding=0, dilation=1, groups=1):
    """2-d cross-correlation, as torch.nn.functional.conv2d.

    input (N, C_in, H, W) or (C_in, H, W), weight (C_out, C_in/groups, kH, kW), bias (C_out,);
    padding an int, a pair, 'valid' or 'same' (stride 1).

        >>> import chainrule as torch
        >>> import chainrule.nn.functional as F
        >>> F.conv2d(torch.ones(1, 1, 3, 3), torch.ones(1, 1, 2, 2))
        tensor([[[[4., 4.],
                  [4., 4.]]]])
    """
    return convolution("conv2d", 2, input, weight, bias, stride, padding, dilation, groups)


def conv3d(input, weight, bias=None, stride=1, padding=0, dilation=1, groups=1):
    """3-d cross-correlation: input (N, C_in, D, H, W), weight (C_out, C_in/groups, kD, kH, kW)."""
    return convolution("conv3d", 3, input, weight, bias, stride, padding, dilation, groups)


def conv_transpose1d(input, weight, bias=None, stride=1, padding=0, output_padding=0, groups=1,
                     dilation=1):
    """The adjoint (gradient) of conv1d: weight (C_in, C_out/groups, k)."""
    return convolution_transpose("conv_transpose1d", 1, input, weight, bias, stride, padding,
                                 output_padding, groups, dilation)


def conv_transpose2d(input, weight, bias=None, stride=1, padding=0, output_padding=0, groups=1,
                     dilation=1):
    """The adjoint (gradient) of conv2d, "deconvolution": weight (C_in, C_out/groups, kH, kW).

        >>> import chainrule as torch
        >>> import chainrule.nn.functional as F
        >>> F.conv_transpose2d(torch.ones(1, 1, 2, 2), torch.ones(1, 1, 2, 2), stride=2).shape
        torch.Size([1, 1, 4, 4])
    """
    return convolution_transpose("conv_transpose2d", 2, input, weight, bias, stride, padding,
                                 output_padding, groups, dilation)


def conv_transpose3d(input, weight, bias=None, stride=1, padding=0, output_padding=0, groups=1,
                     dilation=1):
    """The adjoint (gradient) of conv3d: weight (C_in, C_out/groups, kD, kH, kW)."""
    return convolution_transpose("conv_transpose3d", 3, input, weight, bias, stride, padding,
                                 output_padding, groups, dilation)


# --- unfold (im2col) and fold (col2im): linear ops, each other's adjoint --------------------------


def _unfold_forward(x, ksize, stride, padding, dilation):
    cols = im2col(x, ksize, stride, padding, dilation)  # (N, C, *K, *O)
    n, c = x.shape[:2]
    return cols.reshape(n, c * math.prod(ksize), math.prod(cols.shape[2 + len(ksize):]))


def _fold_forward(cols, ksize, stride, padding, dilation, size, blocks):
    n = cols.shape[0]
    c = cols.shape[1] // math.prod(ksize)
    return col2im(cols.reshape((n, c) + tuple(ksize) + tuple(blocks)), size, stride, padding,
                  dilation)


def _unfold_vjp(g, ans, x, **p):
    blocks = tuple(out_size(n, k, s, pd, d) for n, k, s, pd, d in
                   zip(x.shape[2:], p["ksize"], p["stride"], p["padding"], p["dilation"]))
    return apply(FOLD, (g,), dict(p, size=tuple(x.shape[2:]), blocks=blocks))


def _fold_vjp(g, ans, cols, size, blocks, **p):
    return apply(UNFOLD, (g,), p)


def _merge_into_n(op, args, bdims, params):
    from ._pool import merge_into_n

    return merge_into_n(op, args, bdims, params)


UNFOLD = Op("unfold", _unfold_forward, (_unfold_vjp,), jvp=linear_jvp, batch=_merge_into_n,
            backward_name="Im2ColBackward0")
FOLD = Op("fold", _fold_forward, (_fold_vjp,), jvp=linear_jvp, batch=_merge_into_n,
          backward_name="Col2ImBackward0")


def _fold_args(kernel_size, dilation, padding, stride):
    ksize = _tuple("kernel_size", kernel_size, 2)
    dilation = _tuple("dilation", dilation, 2)
    pad = _tuple("padding", padding, 2)
    stride = _tuple("stride", stride, 2)
    if any(k <= 0 for k in ksize):
        raise RuntimeError(f"kernel size should be greater than zero, but got "
                           f"kernel_height: {ksize[0]} kernel_width: {ksize[1]}")
    if any(s <= 0 for s in stride):
        raise RuntimeError(f"stride should be greater than zero, but got "
                           f"stride_height: {stride[0]} stride_width: {stride[1]}")
    if any(d <= 0 for d in dilation):
        raise RuntimeError(f"dilation should be greater than zero, but got "
                           f"dilation_height: {dilation[0]} dilation_width: {dilation[1]}")
    if any(p < 0 for p in pad):
        raise RuntimeError(f"padding should be non-negative, but got pad_height: {pad[0]} "
                           f"pad_width: {pad[1]}")
    return ksize, dilation, pad, stride


def unfold(input, kernel_size, dilation=1, padding=0, stride=1):
    """Extract sliding blocks (im2col): (N, C, H, W) -> (N, C * kH * kW, L).

        >>> import chainrule as torch
        >>> import chainrule.nn.functional as F
        >>> F.unfold(torch.arange(9.0).reshape(1, 1, 3, 3), 2)
        tensor([[[0., 1., 3., 4.],
                 [1., 2., 4., 5.],
                 [3., 4., 6., 7.],
                 [4., 5., 7., 8.]]])
    """
    if input.ndim not in (3, 4) or any(n == 0 for n in input.shape[-3:]):
        raise RuntimeError(
            "Expected 3D or 4D (batch mode) tensor with possibly 0 batch size and other non-zero "
            f"dimensions for input, but got: {list(input.shape)}"
        )
    ksize, dilation, pad, stride = _fold_args(kernel_size, dilation, padding, stride)
    pairs = tuple((p, p) for p in pad)
    blocks = tuple(out_size(n, k, s, p, d) for n, k, s, p, d in
                   zip(input.shape[-2:], ksize, stride, pairs, dilation))
    if any(b < 1 for b in blocks):
        raise RuntimeError(
            f"Given input with spatial size {tuple(input.shape[-2:])}, kernel_size={ksize}, "
            f"dilation={dilation}, padding={pad}, calculated shape of the array of sliding "
            f"blocks as {blocks}, but its components must be at least one."
        )
    squeeze = input.ndim == 3
    x = sh.unsqueeze(input, 0) if squeeze else input
    out = apply(UNFOLD, (x,), {"ksize": ksize, "stride": stride, "padding": pairs,
                               "dilation": dilation})
    return sh.squeeze(out, 0) if squeeze else out


def fold(input, output_size, kernel_size, dilation=1, padding=0, stride=1):
    """Sum sliding blocks back into an image (col2im): (N, C * kH * kW, L) -> (N, C, H, W)."""
    if input.ndim not in (2, 3) or any(n == 0 for n in input.shape[-2:]):
        raise RuntimeError(
            "Expected 2D or 3D (batch mode) tensor with possibly 0 batch size and non-zero "
            f"dimensions for input, but got: {list(input.shape)}"
        )
    size = _tuple("output_size", output_size, 2)
    ksize, dilation, pad, stride = _fold_args(kernel_size, dilation, padding, stride)
    pairs = tuple((p, p) for p in pad)
    kprod = math.prod(ksize)
    if input.shape[-2] % kprod:
        raise RuntimeError(
            "Expected size of input's dimension 1 to be divisible by the product of kernel_size, "
            f"but got input.size(1)={input.shape[-2]} and kernel_size={ksize}."
        )
    blocks = tuple(out_size(n, k, s, p, d) for n, k, s, p, d in
                   zip(size, ksize, stride, pairs, dilation))
    if any(b < 1 for b in blocks) or math.prod(blocks) != input.shape[-1]:
        raise RuntimeError(
            f"Given output_size={size}, kernel_size={ksize}, dilation={dilation}, "
            f"padding={pad}, stride={stride}, expected size of input's dimension 2 to match the "
            f"calculated number of sliding blocks {blocks[0]} * {blocks[1]} = "
            f"{math.prod(blocks)}, but got input.size(2)={input.shape[-1]}."
        )
    squeeze = input.ndim == 2
    x = sh.unsqueeze(input, 0) if squeeze else input
    out = apply(FOLD, (x,), {"ksize": ksize, "stride": stride, "padding": pairs,
                             "dilation": dilation, "size": size, "blocks": blocks})
    return sh.squeeze(out, 0) if squeeze else out
