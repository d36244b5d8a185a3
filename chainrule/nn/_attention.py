"""Attention functions of torch.nn.functional: scaled_dot_product_attention and
multi_head_attention_forward (the computation behind nn.MultiheadAttention).

Both are compositions of differentiable chainrule ops (matmul, softmax, masked additions), so
gradients of any order come for free.

Mask conventions follow PyTorch, and they differ between the two functions:

- scaled_dot_product_attention: a bool `attn_mask` is True where attention is ALLOWED; a float
  mask is added to the scores. A query row whose keys are all masked gives a zero output (and
  zero gradients), as PyTorch's CPU kernel does.
- multi_head_attention_forward (and nn.MultiheadAttention): bool masks are True where attention
  is NOT allowed (padding); float masks are added. With need_weights=True a fully masked row
  gives NaN (a softmax over -inf only), as in PyTorch; with need_weights=False the computation
  goes through scaled_dot_product_attention and the row is zero.

    >>> import chainrule as torch
    >>> from chainrule.nn._attention import scaled_dot_product_attention
    >>> q = torch.ones(1, 2, 4)
    >>> scaled_dot_product_attention(q, q, torch.tensor([[[1.0], [3.0]]]))
    tensor([[[2.],
             [2.]]])
"""

import math
import warnings

import numpy as np

from .. import _factories
from .._dtype import to_numpy_dtype
from .._tensor import Tensor
from ..ops import elementwise as ew
from ..ops import reduction as red
from ..ops import shape as sh
from ..ops.linalg import matmul
from . import functional as F

__all__ = ["multi_head_attention_forward", "scaled_dot_product_attention"]

_TORCH_DTYPE_NAMES = {"float32": "float", "float64": "double", "float16": "c10::Half",
                      "int64": "long int", "int32": "int", "bool": "bool"}


def _dtype_name(t):
    return _TORCH_DTYPE_NAMES.get(t._data.dtype.name, t._data.dtype.name)


def _const(array):
    return Tensor._make(np.asarray(array))


def _check_sdpa_args(query, key, value, attn_mask):
    if not (query._data.dtype == key._data.dtype == value._data.dtype):
        raise RuntimeError(
            "Expected query, key, and value to have the same dtype, but got query.dtype: "
            f"{_dtype_name(query)} key.dtype: {_dtype_name(key)} and value.dtype: "
            f"{_dtype_name(value)} instead.")
    if query.ndim < 2 or key.ndim < 2 or value.ndim < 2:
        raise RuntimeError(
            "scaled_dot_product_attention: query, key and value must be at least 2-D (..., L, E), "
            f"got shapes {list(query.shape)}, {list(key.shape)} and {list(value.shape)}")
    if query.shape[-1] != key.shape[-1]:
        raise RuntimeError(
            f"scaled_dot_product_attention: query's last dimension ({query.shape[-1]}) must "
            f"equal key's ({key.shape[-1]}); got query {list(query.shape)} and key "
            f"{list(key.shape)}")
    if key.shape[-2] != value.shape[-2]:
        raise RuntimeError(
            f"scaled_dot_product_attention: key and value must have the same sequence length "
            f"(dim -2); got key {list(key.shape)} and value {list(value.shape)}")
    if attn_mask is not None and attn_mask._data.dtype.kind not in "bf":
        raise RuntimeError(
            "Expected attn_mask dtype to be bool or float or to match query dtype, but got "
            f"attn_mask.dtype: {_dtype_name(attn_mask)} and  query.dtype: {_dtype_name(query)} "
            "instead.")


def _repeat_heads(t, repeats):
    """repeat_interleave(t, repeats, dim=-3), as views: (..., H, S, E) -> (..., H * r, S, E)."""
    shape = tuple(t.shape)
    t = sh.expand(sh.unsqueeze(t, -3), *(shape[:-2] + (repeats,) + shape[-2:]))
    return sh.reshape(t, shape[:-3] + (shape[-3] * repeats,) + shape[-2:])


def _attention_bias(attn_mask, is_causal, L, S, dtype):
    """The additive float bias (None if no masking): -inf where attention is not allowed."""
    bias = None
    if is_causal:
        bias = np.where(np.tril(np.ones((L, S), dtype=bool)), 0.0, -np.inf).astype(dtype)
    if attn_mask is None:
        return None if bias is None else _const(bias)
    if attn_mask._data.dtype == np.bool_:
        allowed = np.where(attn_mask._data, 0.0, -np.inf).astype(dtype)
        return _const(allowed if bias is None else allowed + bias)
    return attn_mask if bias is None else ew.add(attn_mask, _const(bias))


def _masked_softmax(scores):
    """softmax over the last dim; rows that are all -inf give zeros (and zero gradients)."""
    if not scores.shape[-1]:
        return red.softmax(scores, -1)
    visible = isinstance(scores._data, np.ndarray)  # not under vmap: skip if no dead row
    if visible and not np.isneginf(np.max(scores._data, axis=-1)).any():
        return red.softmax(scores, -1)
    dead_t = ew.eq(red.amax(scores.detach(), -1, keepdim=True), float("-inf"))
    weights = red.softmax(ew.where(dead_t, 0.0, scores), -1)
    return ew.where(dead_t, 0.0, weights)


def scaled_dot_product_attention(query, key, value, attn_mask=None, dropout_p=0.0,
                                 is_causal=False, scale=None, enable_gqa=False):
    """softmax(query @ key^T * scale + mask) @ value over the last two dims.

    query (..., L, E), key (..., S, E), value (..., S, Ev) -> (..., L, Ev); scale defaults to
    1 / sqrt(E). A bool attn_mask is True where attention is allowed; a float one is added.
    is_causal masks the upper triangle (key j > query i). enable_gqa repeats the key/value
    heads (dim -3) to match the query heads. dropout_p is applied to the weights (always, as
    in PyTorch: pass 0.0 in evaluation).
    """
    _check_sdpa_args(query, key, value, attn_mask)
    if is_causal and attn_mask is not None:
        raise RuntimeError("_scaled_dot_product_attention: Explicit attn_mask should not be set "
                           "when is_causal=True")
    if enable_gqa and query.ndim >= 3 and key.shape[-3] != query.shape[-3]:
        if query.shape[-3] % key.shape[-3] or query.shape[-3] % value.shape[-3]:
            raise RuntimeError(
                f"scaled_dot_product_attention: enable_gqa needs the query heads "
                f"({query.shape[-3]}) to be a multiple of the key/value heads ({key.shape[-3]}, "
                f"{value.shape[-3]})")
        key = _repeat_heads(key, query.shape[-3] // key.shape[-3])
        value = _repeat_heads(value, query.shape[-3] // value.shape[-3])
    L, S = query.shape[-2], key.shape[-2]
    factor = 1.0 / math.sqrt(query.shape[-1]) if scale is None else scale
    scores = ew.mul(matmul(query, sh.transpose(key, -2, -1)), factor)
    bias = _attention_bias(attn_mask, is_causal, L, S, query._data.dtype)
    if bias is not None:
        scores = ew.add(scores, bias)
    weights = _masked_softmax(scores)
    if dropout_p > 0.0:
        weights = F.dropout(weights, dropout_p, True)
    return matmul(weights, value)


# --- multi_head_attention_forward ------------------------------------------------------------


def _mha_shape_check(query, key, value, key_padding_mask, attn_mask, num_heads):
    """True for batched (3-D) query, False for unbatched (2-D); PyTorch's AssertionErrors."""
    if query.dim() == 3:
        if key.dim() != 3 or value.dim() != 3:
            raise AssertionError(
                "For batched (3-D) `query`, expected `key` and `value` to be 3-D but found "
                f"{key.dim()}-D and {value.dim()}-D tensors respectively")
        if key_padding_mask is not None and key_padding_mask.dim() != 2:
            raise AssertionError(
                "For batched (3-D) `query`, expected `key_padding_mask` to be `None` or 2-D but "
                f"found {key_padding_mask.dim()}-D tensor instead")
        if attn_mask is not None and attn_mask.dim() not in (2, 3):
            raise AssertionError(
                "For batched (3-D) `query`, expected `attn_mask` to be `None`, 2-D or 3-D but "
                f"found {attn_mask.dim()}-D tensor instead")
        return True
    if query.dim() == 2:
        if key.dim() != 2 or value.dim() != 2:
            raise AssertionError(
                "For unbatched (2-D) `query`, expected `key` and `value` to be 2-D but found "
                f"{key.dim()}-D and {value.dim()}-D tensors respectively")
        if key_padding_mask is not None and key_padding_mask.dim() != 1:
            raise AssertionError(
                "For unbatched (2-D) `query`, expected `key_padding_mask` to be `None` or 1-D but "
                f"found {key_padding_mask.dim()}-D tensor instead")
        if attn_mask is not None:
            if attn_mask.dim() not in (2, 3):
                raise AssertionError(
                    "For unbatched (2-D) `query`, expected `attn_mask` to be `None`, 2-D or 3-D "
                    f"but found {attn_mask.dim()}-D tensor instead")
            if attn_mask.dim() == 3:
                expected = (num_heads, query.shape[0], key.shape[0])
                if tuple(attn_mask.shape) != expected:
                    raise AssertionError(f"Expected `attn_mask` shape to be {expected} but got "
                                         f"{attn_mask.shape}")
        return False
    raise AssertionError("query should be unbatched 2D or batched 3D tensor but received "
                         f"{query.dim()}-D query tensor")


def _canonical_mask(mask, mask_name, other_type, other_name, target_type, check_other=True):
    """A bool mask (True = masked) becomes a float one with -inf there; floats pass through."""
    if mask is None:
        return None
    is_float = mask.is_floating_point()
    if mask._data.dtype != np.bool_ and not is_float:
        raise AssertionError(f"only bool and floating types of {mask_name} are supported")
    if check_other and other_type is not None and mask.dtype != other_type:
        warnings.warn(f"Support for mismatched {mask_name} and {other_name} is deprecated. Use "
                      "same type for both instead.", stacklevel=3)
    if not is_float:
        mask = _const(np.where(mask._data, -np.inf, 0.0).astype(to_numpy_dtype(target_type)))
    return mask


def _none_or_dtype(input):
    if input is None:
        return None
    if isinstance(input, Tensor):
        return input.dtype
    raise RuntimeError("input to _none_or_dtype() must be None or torch.Tensor")


def _linear(x, w, b):
    return F.linear(x, w, b)


def _split_last(t, sizes):
    out, start = [], 0
    for s in sizes:
        out.append(sh.getitem(t, (Ellipsis, slice(start, start + s))))
        start += s
    return out


def _split_rows(t, sizes):
    if t is None:
        return [None] * len(sizes)
    out, start = [], 0
    for s in sizes:
        out.append(sh.getitem(t, slice(start, start + s)))
        start += s
    return out


def _in_projection_packed(q, k, v, w, b=None):
    """q, k, v projected by the packed (3E, E) weight, one product where inputs coincide."""
    E = q.size(-1)
    if k is v:
        if q is k:
            return _split_last(_linear(q, w, b), (E, E, E))
        w_q, w_kv = _split_rows(w, (E, 2 * E))
        b_q, b_kv = _split_rows(b, (E, 2 * E))
        return [_linear(q, w_q, b_q)] + _split_last(_linear(k, w_kv, b_kv), (E, E))
    w_q, w_k, w_v = _split_rows(w, (E, E, E))
    b_q, b_k, b_v = _split_rows(b, (E, E, E))
    return _linear(q, w_q, b_q), _linear(k, w_k, b_k), _linear(v, w_v, b_v)


def _in_projection(q, k, v, w_q, w_k, w_v, b_q=None, b_k=None, b_v=None):
    Eq, Ek, Ev = q.size(-1), k.size(-1), v.size(-1)
    for name, w, shape in (("query", w_q, (Eq, Eq)), ("key", w_k, (Eq, Ek)),
                           ("value", w_v, (Eq, Ev))):
        if tuple(w.shape) != shape:
            raise AssertionError(f"expecting {name} weights shape of {shape}, but got {w.shape}")
    for name, b in (("query", b_q), ("key", b_k), ("value", b_v)):
        if b is not None and tuple(b.shape) != (Eq,):
            raise AssertionError(f"expecting {name} bias shape of {(Eq,)}, but got {b.shape}")
    return _linear(q, w_q, b_q), _linear(k, w_k, b_k), _linear(v, w_v, b_v)


def _pad_last(mask):
    """F.pad(mask, (0, 1)): one zero column appended to the last dim."""
    zeros = _factories.zeros(*(tuple(mask.shape[:-1]) + (1,)), dtype=mask.dtype)
    return sh.cat([mask, zeros], -1)


def _check_attn_mask(attn_mask, tgt_len, src_len, bsz, num_heads):
    if attn_mask.dim() == 2:
        if tuple(attn_mask.shape) != (tgt_len, src_len):
            raise RuntimeError(f"The shape of the 2D attn_mask is {attn_mask.shape}, but should "
                               f"be {(tgt_len, src_len)}.")
        return sh.unsqueeze(attn_mask, 0)
    if attn_mask.dim() == 3:
        if tuple(attn_mask.shape) != (bsz * num_heads, tgt_len, src_len):
            raise RuntimeError(f"The shape of the 3D attn_mask is {attn_mask.shape}, but should "
                               f"be {(bsz * num_heads, tgt_len, src_len)}.")
        return attn_mask
    raise RuntimeError(f"attn_mask's dimension {attn_mask.dim()} is not supported")


def _heads(t, length, bsz, num_heads, head_dim):
    """(length, bsz, E) -> (bsz * num_heads, length, head_dim)."""
    return sh.transpose(sh.reshape(t, (length, bsz * num_heads, head_dim)), 0, 1)


def multi_head_attention_forward(query, key, value, embed_dim_to_check, num_heads,
                                 in_proj_weight, in_proj_bias, bias_k, bias_v, add_zero_attn,
                                 dropout_p, out_proj_weight, out_proj_bias, training=True,
                                 key_padding_mask=None, need_weights=True, attn_mask=None,
                                 use_separate_proj_weight=False, q_proj_weight=None,
                                 k_proj_weight=None, v_proj_weight=None, static_k=None,
                                 static_v=None, average_attn_weights=True, is_causal=False):
    """PyTorch's multi-head attention on (L, N, E) (or unbatched (L, E)) inputs.

    Returns (attn_output (L, N, E), attn_weights (N, L, S) averaged over heads, or
    (N, num_heads, L, S) if not average_attn_weights, or None if not need_weights).
    """
    is_batched = _mha_shape_check(query, key, value, key_padding_mask, attn_mask, num_heads)
    if not is_batched:
        query, key, value = (sh.unsqueeze(t, 1) for t in (query, key, value))
        if key_padding_mask is not None:
            key_padding_mask = sh.unsqueeze(key_padding_mask, 0)
    tgt_len, bsz, embed_dim = query.shape
    src_len = key.shape[0]
    key_padding_mask = _canonical_mask(key_padding_mask, "key_padding_mask",
                                       _none_or_dtype(attn_mask), "attn_mask", query.dtype)
    if is_causal and attn_mask is None:
        raise RuntimeError("Need attn_mask if specifying the is_causal hint. You may use the "
                           "Transformer module method `generate_square_subsequent_mask` to "
                           "create this mask.")
    if is_causal and key_padding_mask is None and not need_weights:
        attn_mask = None  # the hint: sdpa builds the causal mask itself
    else:
        attn_mask = _canonical_mask(attn_mask, "attn_mask", None, "", query.dtype,
                                    check_other=False)
        if key_padding_mask is not None:
            is_causal = False
    if embed_dim != embed_dim_to_check:
        raise AssertionError(f"was expecting embedding dimension of {embed_dim_to_check}, but "
                             f"got {embed_dim}")
    head_dim = embed_dim // num_heads
    if head_dim * num_heads != embed_dim:
        raise AssertionError(f"embed_dim {embed_dim} not divisible by num_heads {num_heads}")
    if use_separate_proj_weight:
        if tuple(key.shape[:2]) != tuple(value.shape[:2]):
            raise AssertionError(f"key's sequence and batch dims {key.shape[:2]} do not match "
                                 f"value's {value.shape[:2]}")
        for name, w in (("q", q_proj_weight), ("k", k_proj_weight), ("v", v_proj_weight)):
            if w is None:
                raise AssertionError(f"use_separate_proj_weight is True but {name}_proj_weight "
                                     "is None")
        b_q, b_k, b_v = _split_rows(in_proj_bias, (embed_dim,) * 3)
        q, k, v = _in_projection(query, key, value, q_proj_weight, k_proj_weight, v_proj_weight,
                                 b_q, b_k, b_v)
    else:
        if tuple(key.shape) != tuple(value.shape):
            raise AssertionError(f"key shape {key.shape} does not match value shape "
                                 f"{value.shape}")
        if in_proj_weight is None:
            raise AssertionError("use_separate_proj_weight is False but in_proj_weight is None")
        q, k, v = _in_projection_packed(query, key, value, in_proj_weight, in_proj_bias)

    if attn_mask is not None:
        attn_mask = _check_attn_mask(attn_mask, tgt_len, src_len, bsz, num_heads)
    if bias_k is not None and bias_v is not None:
        if static_k is not None:
            raise AssertionError("bias cannot be added to static key.")
        if static_v is not None:
            raise AssertionError("bias cannot be added to static value.")
        k = sh.cat([k, sh.expand(bias_k, 1, bsz, embed_dim)])
        v = sh.cat([v, sh.expand(bias_v, 1, bsz, embed_dim)])
        if attn_mask is not None:
            attn_mask = _pad_last(attn_mask)
        if key_padding_mask is not None:
            key_padding_mask = _pad_last(key_padding_mask)
    elif bias_k is not None:
        raise AssertionError("bias_k is set but bias_v is None")
    elif bias_v is not None:
        raise AssertionError("bias_v is set but bias_k is None")

    q = _heads(q, tgt_len, bsz, num_heads, head_dim)
    k = _static_or_heads(k, static_k, "static_k", bsz, num_heads, head_dim)
    v = _static_or_heads(v, static_v, "static_v", bsz, num_heads, head_dim)
    if add_zero_attn:
        zeros = _factories.zeros(bsz * num_heads, 1, head_dim, dtype=k.dtype)
        k = sh.cat([k, zeros], 1)
        v = sh.cat([v, zeros], 1)
        if attn_mask is not None:
            attn_mask = _pad_last(attn_mask)
        if key_padding_mask is not None:
            key_padding_mask = _pad_last(key_padding_mask)
    src_len = k.size(1)
    if key_padding_mask is not None:
        if key_padding_mask.shape[0] != bsz:
            raise AssertionError(f"Expected key_padded_mask.shape[0] to be {bsz}, but got "
                                 f"{key_padding_mask.shape[0]}")
        if key_padding_mask.shape[1] != src_len:
            raise AssertionError(f"Expected key_padded_mask.shape[1] to be {src_len}, but got "
                                 f"{key_padding_mask.shape[1]}")
        kpm = sh.reshape(sh.expand(sh.reshape(key_padding_mask, (bsz, 1, 1, src_len)),
                                   bsz, num_heads, 1, src_len), (bsz * num_heads, 1, src_len))
        attn_mask = kpm if attn_mask is None else ew.add(attn_mask, kpm)
    if not training:
        dropout_p = 0.0

    if need_weights:
        q_scaled = ew.mul(q, math.sqrt(1.0 / float(head_dim)))
        scores = matmul(q_scaled, sh.transpose(k, -2, -1))
        if attn_mask is not None:
            scores = ew.add(attn_mask, scores)  # baddbmm(attn_mask, q, k^T)
        weights = red.softmax(scores, -1)
        if dropout_p > 0.0:
            weights = F.dropout(weights, dropout_p)
        out = matmul(weights, v)
        out = sh.reshape(sh.transpose(out, 0, 1), (tgt_len * bsz, embed_dim))
        out = _linear(out, out_proj_weight, out_proj_bias)
        out = sh.reshape(out, (tgt_len, bsz, out.shape[1]))
        weights = sh.reshape(weights, (bsz, num_heads, tgt_len, src_len))
        if average_attn_weights:
            weights = red.mean(weights, 1)
        if not is_batched:
            out = sh.squeeze(out, 1)
            weights = sh.squeeze(weights, 0)
        return out, weights

    if attn_mask is not None:
        if attn_mask.size(0) == 1 and attn_mask.dim() == 3:
            attn_mask = sh.unsqueeze(attn_mask, 0)
        else:
            attn_mask = sh.reshape(attn_mask, (bsz, num_heads, -1, src_len))
    q = sh.reshape(q, (bsz, num_heads, tgt_len, head_dim))
    k = sh.reshape(k, (bsz, num_heads, src_len, head_dim))
    v = sh.reshape(v, (bsz, num_heads, src_len, head_dim))
    out = scaled_dot_product_attention(q, k, v, attn_mask, dropout_p, is_causal)
    out = sh.reshape(sh.permute(out, (2, 0, 1, 3)), (bsz * tgt_len, embed_dim))
    out = _linear(out, out_proj_weight, out_proj_bias)
    out = sh.reshape(out, (tgt_len, bsz, out.shape[1]))
    if not is_batched:
        out = sh.squeeze(out, 1)
    return out, None


def _static_or_heads(t, static, name, bsz, num_heads, head_dim):
    if static is None:
        return _heads(t, t.shape[0], bsz, num_heads, head_dim)
    if static.size(0) != bsz * num_heads:
        raise AssertionError(f"expecting {name}.size(0) of {bsz * num_heads}, but got "
                             f"{static.size(0)}")
    if static.size(2) != head_dim:
        raise AssertionError(f"expecting {name}.size(2) of {head_dim}, but got {static.size(2)}")
    return static
