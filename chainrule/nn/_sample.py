"""Resampling: interpolate (nearest, nearest-exact, linear, bilinear, bicubic, trilinear, area),
the deprecated upsample* aliases, pixel_shuffle and pixel_unshuffle.

Every interpolation mode of `interpolate` is separable: output = input with one constant
(out, in) matrix applied along each spatial dim. The matrices hold PyTorch's source-index
formulas (align_corners, scale_factor, the cubic convolution with A = -0.75, border clamping), and
applying them with matmul makes every derivative, JVP and vmap rule come from matmul's. A nearest
matrix has a single 1 per row, so its gradient sums the repeated positions (as PyTorch's).
"""

import math

import numpy as np

from ..ops import elementwise as ew
from ..ops import shape as sh
from ..ops.linalg import matmul
from . import _ops

_MODES = ("nearest", "linear", "bilinear", "bicubic", "trilinear", "area", "nearest-exact")
_INTERPOLATING = ("linear", "bilinear", "bicubic", "trilinear")
_NDIM_OF = {"linear": 1, "bilinear": 2, "bicubic": 2, "trilinear": 3}
_GRAD_NAMES = {
    ("nearest", 1): "UpsampleNearest1DBackward0", ("nearest", 2): "UpsampleNearest2DBackward0",
    ("nearest", 3): "UpsampleNearest3DBackward0",
    ("nearest-exact", 1): "UpsampleNearestExact1DBackward0",
    ("nearest-exact", 2): "UpsampleNearestExact2DBackward0",
    ("nearest-exact", 3): "UpsampleNearestExact3DBackward0",
    ("linear", 1): "UpsampleLinear1DBackward0", ("bilinear", 2): "UpsampleBilinear2DBackward0",
    ("bicubic", 2): "UpsampleBicubic2DBackward0", ("trilinear", 3): "UpsampleTrilinear3DBackward0",
}


def _source_scale(n_in, n_out, align_corners, scale):
    """PyTorch's area_pixel_compute_scale."""
    if align_corners:
        return (n_in - 1) / (n_out - 1) if n_out > 1 else 0.0
    if scale is not None and scale > 0:
        return 1.0 / scale
    return n_in / n_out


def _nearest_matrix(n_in, n_out, scale, exact):
    # float32 arithmetic, as PyTorch's nearest_idx (the rounding decides which pixel is picked)
    s = np.float32(1.0 / scale if scale is not None and scale > 0 else
                   np.float32(n_in) / np.float32(n_out))
    dst = np.arange(n_out, dtype=np.float32)
    src = np.floor((dst + np.float32(0.5)) * s) if exact else np.floor(dst * s)
    src = np.minimum(src.astype(np.int64), n_in - 1)
    mat = np.zeros((n_out, n_in))
    mat[np.arange(n_out), src] = 1.0
    return mat


def _linear_matrix(n_in, n_out, align_corners, scale):
    s = _source_scale(n_in, n_out, align_corners, scale)
    dst = np.arange(n_out, dtype=np.float64)
    src = dst * s if align_corners else np.maximum((dst + 0.5) * s - 0.5, 0.0)
    i0 = np.minimum(np.floor(src).astype(np.int64), n_in - 1)
    i1 = np.minimum(i0 + 1, n_in - 1)
    lam = src - i0
    mat = np.zeros((n_out, n_in))
    np.add.at(mat, (np.arange(n_out), i0), 1.0 - lam)
    np.add.at(mat, (np.arange(n_out), i1), lam)
    return mat


def _cubic_weights(t, a=-0.75):
    """The four cubic-convolution weights for fractional offset t (PyTorch's, A = -0.75)."""
    def near(x):  # |x| <= 1
        return ((a + 2) * x - (a + 3)) * x * x + 1

    def far(x):  # 1 < |x| < 2
        return ((a * x - 5 * a) * x + 8 * a) * x - 4 * a

    return far(t + 1.0), near(t), near(1.0 - t), far(2.0 - t)


def _cubic_matrix(n_in, n_out, align_corners, scale):
    s = _source_scale(n_in, n_out, align_corners, scale)
    dst = np.arange(n_out, dtype=np.float64)
    src = dst * s if align_corners else (dst + 0.5) * s - 0.5  # not clamped (as PyTorch)
    base = np.floor(src).astype(np.int64)
    t = src - base
    mat = np.zeros((n_out, n_in))
    rows = np.arange(n_out)
    for k, wk in zip(range(-1, 3), _cubic_weights(t)):
        np.add.at(mat, (rows, np.clip(base + k, 0, n_in - 1)), wk)  # borders clamp
    return mat


def _area_matrix(n_in, n_out):
    from ._pool import _averaging_matrix

    return _averaging_matrix(n_in, n_out, np.float64)


def _matrix(mode, n_in, n_out, align_corners, scale):
    if mode in ("nearest", "nearest-exact"):
        return _nearest_matrix(n_in, n_out, scale, mode == "nearest-exact")
    if mode == "area":
        return _area_matrix(n_in, n_out)
    if mode == "bicubic":
        return _cubic_matrix(n_in, n_out, align_corners, scale)
    return _linear_matrix(n_in, n_out, align_corners, scale)


def _check_mode(input, mode, align_corners, nd):
    if mode not in _MODES:
        raise NotImplementedError(
            f"Input Error: Only 3D, 4D and 5D input Tensors supported (got {input.ndim}D) for the "
            "modes: nearest | linear | bilinear | bicubic | trilinear | lanczos | area | "
            f"nearest-exact (got {mode})"
        )
    if align_corners is not None and mode not in _INTERPOLATING:
        raise ValueError("align_corners option can only be set with the interpolating modes: "
                         "linear | bilinear | bicubic | trilinear")
    want = _NDIM_OF.get(mode)
    if want is not None and want != nd:
        raise NotImplementedError(f"Got {input.ndim}D input, but {mode} mode needs "
                                  f"{want + 2}D input")
    if input._data.dtype.kind != "f":
        raise NotImplementedError(f"interpolate: mode '{mode}' is not implemented for "
                                  f"'{input.dtype}' (use a floating tensor)")


def _sizes(input, nd, size, scale_factor, recompute_scale_factor):
    """(output sizes, the scales the source index uses: None where the size ratio decides)."""
    spatial = tuple(input.shape[2:])
    if size is not None and scale_factor is not None:
        raise ValueError("only one of size or scale_factor should be defined")
    if size is not None:
        if isinstance(size, (list, tuple)):
            if len(size) != nd:
                raise ValueError(
                    "Input and output must have the same number of spatial dimensions, but got "
                    f"input with spatial dimensions of {list(spatial)} and output size of "
                    f"{size}. Please provide input tensor in (N, C, d1, d2, ...,dK) format and "
                    "output size in (o1, o2, ...,oK) format.")
            out = tuple(int(s) for s in size)
        else:
            out = (int(size),) * nd
        return out, (None,) * nd
    if scale_factor is None:
        raise ValueError("either size or scale_factor should be defined")
    if isinstance(scale_factor, (list, tuple)):
        if len(scale_factor) != nd:
            raise ValueError(
                "Input and scale_factor must have the same number of spatial dimensions, but got "
                f"input with spatial dimensions of {list(spatial)} and scale_factor of shape "
                f"{scale_factor}. Please provide input tensor in (N, C, d1, d2, ...,dK) format "
                "and scale_factor in (s1, s2, ...,sK) format.")
        scales = tuple(float(s) for s in scale_factor)
    else:
        scales = (float(scale_factor),) * nd
    out = tuple(math.floor(n * s) for n, s in zip(spatial, scales))
    if recompute_scale_factor:
        return out, (None,) * nd
    return out, scales


def interpolate(input, size=None, scale_factor=None, mode="nearest", align_corners=None,
                recompute_scale_factor=None, antialias=False):
    """Resize (N, C, *spatial) to `size` or by `scale_factor`, as torch's interpolate.

        >>> import chainrule as torch
        >>> import chainrule.nn.functional as F
        >>> F.interpolate(torch.tensor([[[1.0, 2.0]]]), scale_factor=2)
        tensor([[[1., 1., 2., 2.]]])
        >>> F.interpolate(torch.tensor([[[1.0, 2.0]]]), size=3, mode="linear",
        ...               align_corners=True)
        tensor([[[1.0000, 1.5000, 2.0000]]])
    """
    if input.ndim not in (3, 4, 5):
        raise NotImplementedError(
            f"Input Error: Only 3D, 4D and 5D input Tensors supported (got {input.ndim}D) for the "
            "modes: nearest | linear | bilinear | bicubic | trilinear | lanczos | area | "
            f"nearest-exact (got {mode})")
    nd = input.ndim - 2
    _check_mode(input, mode, align_corners, nd)
    if antialias:
        raise NotImplementedError("interpolate: antialias=True is not supported by chainrule")
    out_sizes, scales = _sizes(input, nd, size, scale_factor, recompute_scale_factor)
    if any(o <= 0 for o in out_sizes):
        raise RuntimeError(f"interpolate: output size {list(out_sizes)} must be greater than 0 "
                           f"(input spatial size {list(input.shape[2:])})")
    if mode == "area":
        from ._pool import adaptive_avg_pool

        return adaptive_avg_pool("adaptive_avg_pool", nd, input, out_sizes)
    align = bool(align_corners)
    out = input
    dtype = input._data.dtype
    for dim, (n, o, s) in enumerate(zip(input.shape[2:], out_sizes, scales)):
        if n == o and (mode in ("linear", "bilinear", "trilinear") or
                       (mode == "nearest" and nd == 2)):
            continue  # PyTorch's kernels copy such a dim even when scale_factor is not 1
        axis = 2 + dim
        mat = _matrix(mode, n, o, align, s).T.astype(dtype)  # (in, out)
        last = axis == out.ndim - 1
        moved = out if last else sh.movedim(out, axis, -1)
        moved = matmul(moved, mat)
        out = moved if last else sh.movedim(moved, -1, axis)
    if out is input:
        out = ew.mul(input, 1.0)  # a new tensor, as PyTorch's
    return _ops.named(out, _GRAD_NAMES.get((mode, nd), "UpsampleBackward0"))


def upsample(input, size=None, scale_factor=None, mode="nearest", align_corners=None):
    """Deprecated alias of interpolate (warns, as PyTorch's)."""
    import warnings

    warnings.warn("nn.functional.upsample is deprecated. Use nn.functional.interpolate instead.",
                  stacklevel=2)
    return interpolate(input, size, scale_factor, mode, align_corners)


def upsample_nearest(input, size=None, scale_factor=None):
    import warnings

    warnings.warn("nn.functional.upsample_nearest is deprecated. Use nn.functional.interpolate "
                  "instead.", stacklevel=2)
    return interpolate(input, size, scale_factor, mode="nearest")


def upsample_bilinear(input, size=None, scale_factor=None):
    import warnings

    warnings.warn("nn.functional.upsample_bilinear is deprecated. Use nn.functional.interpolate "
                  "instead.", stacklevel=2)
    return interpolate(input, size, scale_factor, mode="bilinear", align_corners=True)


# --- pixel shuffle -------------------------------------------------------------------------------


def pixel_shuffle(input, upscale_factor):
    """(*, C * r^2, H, W) -> (*, C, H * r, W * r)."""
    r = int(upscale_factor)
    if input.ndim < 3:
        raise RuntimeError(f"pixel_shuffle expects input to have at least 3 dimensions, but got "
                           f"input with {input.ndim} dimension(s)")
    if r <= 0:
        raise RuntimeError(f"pixel_shuffle expects a positive upscale_factor, but got {r}")
    *lead, c, h, w = input.shape
    if c % (r * r):
        raise RuntimeError(
            "pixel_shuffle expects its input's 'channel' dimension to be divisible by the square "
            f"of upscale_factor, but input.size(-3)={c} is not divisible by {r * r}")
    lead = tuple(lead)
    k = len(lead)
    x = sh.reshape(input, lead + (c // (r * r), r, r, h, w))
    x = sh.permute(x, tuple(range(k)) + (k, k + 3, k + 1, k + 4, k + 2))
    return sh.reshape(x, lead + (c // (r * r), h * r, w * r))


def pixel_unshuffle(input, downscale_factor):
    """(*, C, H * r, W * r) -> (*, C * r^2, H, W), the inverse of pixel_shuffle."""
    r = int(downscale_factor)
    if input.ndim < 3:
        raise RuntimeError(f"pixel_unshuffle expects input to have at least 3 dimensions, but "
                           f"got input with {input.ndim} dimension(s)")
    if r <= 0:
        raise RuntimeError(f"pixel_unshuffle expects a positive downscale_factor, but got {r}")
    *lead, c, h, w = input.shape
    if h % r or w % r:
        raise RuntimeError(
            f"pixel_unshuffle expects height and width to be divisible by downscale_factor, but "
            f"got input of size {list(input.shape)} and downscale_factor={r}")
    lead = tuple(lead)
    k = len(lead)
    x = sh.reshape(input, lead + (c, h // r, r, w // r, r))
    x = sh.permute(x, tuple(range(k)) + (k, k + 2, k + 4, k + 1, k + 3))
    return sh.reshape(x, lead + (c * r * r, h // r, w // r))
