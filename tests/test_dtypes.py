"""dtype parity with PyTorch: the type promotion table, dtype objects and queries, the default
dtype, conversions, and Python ints that overflow a tensor's dtype.

Expected outputs were produced by running each snippet under PyTorch 2.13 (CPU) with `import
torch`; here the same snippet runs with `chainrule` bound to `torch`. A snippet's output is what it
prints (reprs of tensors, dtypes, shapes, grads), or `!ErrorType` when it raises.
"""

import numpy as np
import pytest

import chainrule as torch

from _snippets import _ids, _run

# fmt: off
PROMOTION = [
    (('print((torch.tensor([True, False], dtype=torch.bool) + torch.tensor([True, False],'
      ' dtype=torch.bool)).dtype, (torch.tensor([True, False], dtype=torch.bool) * torch.tensor([True,'
      ' False][0], dtype=torch.bool)).dtype, torch.promote_types(torch.bool, torch.bool)'
      ', torch.can_cast(torch.bool, torch.bool))'),
     'torch.bool torch.bool torch.bool True\n'),
    (('print((torch.tensor([True, False], dtype=torch.bool) + torch.tensor([3, 1], dtype=torch.uint8)'
      ').dtype, (torch.tensor([True, False], dtype=torch.bool) * torch.tensor([3, 1][0],'
      ' dtype=torch.uint8)).dtype, torch.promote_types(torch.bool, torch.uint8), torch.can_cast(torch.bool,'
      ' torch.uint8))'),
     'torch.uint8 torch.uint8 torch.uint8 True\n'),
    (('print((torch.tensor([True, False], dtype=torch.bool) + torch.tensor([3, -1], '
      'dtype=torch.int8)).dtype, (torch.tensor([True, False], dtype=torch.bool) * torch.tensor([3,'
      ' -1][0], dtype=torch.int8)).dtype, torch.promote_types(torch.bool, torch.int8)'
      ', torch.can_cast(torch.bool, torch.int8))'),
     'torch.int8 torch.int8 torch.int8 True\n'),
    (('print((torch.tensor([True, False], dtype=torch.bool) + torch.tensor([3, -1], '
      'dtype=torch.int16)).dtype, (torch.tensor([True, False], dtype=torch.bool) * torch.tensor([3,'
      ' -1][0], dtype=torch.int16)).dtype, torch.promote_types(torch.bool, torch.int16)'
      ', torch.can_cast(torch.bool, torch.int16))'),
     'torch.int16 torch.int16 torch.int16 True\n'),
    (('print((torch.tensor([True, False], dtype=torch.bool) + torch.tensor([3, -1], '
      'dtype=torch.int32)).dtype, (torch.tensor([True, False], dtype=torch.bool) * torch.tensor([3,'
      ' -1][0], dtype=torch.int32)).dtype, torch.promote_types(torch.bool, torch.int32)'
      ', torch.can_cast(torch.bool, torch.int32))'),
     'torch.int32 torch.int32 torch.int32 True\n'),
    (('print((torch.tensor([True, False], dtype=torch.bool) + torch.tensor([3, -1], '
      'dtype=torch.int64)).dtype, (torch.tensor([True, False], dtype=torch.bool) * torch.tensor([3,'
      ' -1][0], dtype=torch.int64)).dtype, torch.promote_types(torch.bool, torch.int64)'
      ', torch.can_cast(torch.bool, torch.int64))'),
     'torch.int64 torch.int64 torch.int64 True\n'),
    (('print((torch.tensor([True, False], dtype=torch.bool) + torch.tensor([1.5, -2.0],'
      ' dtype=torch.float16)).dtype, (torch.tensor([True, False], dtype=torch.bool) '
      '* torch.tensor([1.5, -2.0][0], dtype=torch.float16)).dtype, torch.promote_types(torch.bool,'
      ' torch.float16), torch.can_cast(torch.bool, torch.float16))'),
     'torch.float16 torch.float16 torch.float16 True\n'),
    (('print((torch.tensor([True, False], dtype=torch.bool) + torch.tensor([1.5, -2.0],'
      ' dtype=torch.float32)).dtype, (torch.tensor([True, False], dtype=torch.bool) '
      '* torch.tensor([1.5, -2.0][0], dtype=torch.float32)).dtype, torch.promote_types(torch.bool,'
      ' torch.float32), torch.can_cast(torch.bool, torch.float32))'),
     'torch.float32 torch.float32 torch.float32 True\n'),
    (('print((torch.tensor([True, False], dtype=torch.bool) + torch.tensor([1.5, -2.0],'
      ' dtype=torch.float64)).dtype, (torch.tensor([True, False], dtype=torch.bool) '
      '* torch.tensor([1.5, -2.0][0], dtype=torch.float64)).dtype, torch.promote_types(torch.bool,'
      ' torch.float64), torch.can_cast(torch.bool, torch.float64))'),
     'torch.float64 torch.float64 torch.float64 True\n'),
    (('t = torch.tensor([True, False], dtype=torch.bool); print((t * 2).dtype, (t * '
      '2.5).dtype, (t + True).dtype, (2 - t.to(torch.int64) if t.dtype == torch.bool '
      'else 2 - t).dtype, (t / 2).dtype, (t < 1).dtype, torch.result_type(t, 2.5), torch.result_type(t,'
      ' 1))'),
     ('torch.int64 torch.float32 torch.bool torch.int64 torch.float32 torch.bool torch.float32 '
      'torch.int64\n')),
    (('print((torch.tensor([3, 1], dtype=torch.uint8) + torch.tensor([True, False], '
      'dtype=torch.bool)).dtype, (torch.tensor([3, 1], dtype=torch.uint8) * torch.tensor([True,'
      ' False][0], dtype=torch.bool)).dtype, torch.promote_types(torch.uint8, torch.bool)'
      ', torch.can_cast(torch.uint8, torch.bool))'),
     'torch.uint8 torch.uint8 torch.uint8 False\n'),
    (('print((torch.tensor([3, 1], dtype=torch.uint8) + torch.tensor([3, 1], dtype=torch.uint8)'
      ').dtype, (torch.tensor([3, 1], dtype=torch.uint8) * torch.tensor([3, 1][0], dtype=torch.uint8)'
      ').dtype, torch.promote_types(torch.uint8, torch.uint8), torch.can_cast(torch.uint8,'
      ' torch.uint8))'),
     'torch.uint8 torch.uint8 torch.uint8 True\n'),
    (('print((torch.tensor([3, 1], dtype=torch.uint8) + torch.tensor([3, -1], dtype=torch.int8)'
      ').dtype, (torch.tensor([3, 1], dtype=torch.uint8) * torch.tensor([3, -1][0], '
      'dtype=torch.int8)).dtype, torch.promote_types(torch.uint8, torch.int8), torch.can_cast(torch.uint8,'
      ' torch.int8))'),
     'torch.int16 torch.uint8 torch.int16 True\n'),
    (('print((torch.tensor([3, 1], dtype=torch.uint8) + torch.tensor([3, -1], dtype=torch.int16)'
      ').dtype, (torch.tensor([3, 1], dtype=torch.uint8) * torch.tensor([3, -1][0], '
      'dtype=torch.int16)).dtype, torch.promote_types(torch.uint8, torch.int16), torch.can_cast(torch.uint8,'
      ' torch.int16))'),
     'torch.int16 torch.uint8 torch.int16 True\n'),
    (('print((torch.tensor([3, 1], dtype=torch.uint8) + torch.tensor([3, -1], dtype=torch.int32)'
      ').dtype, (torch.tensor([3, 1], dtype=torch.uint8) * torch.tensor([3, -1][0], '
      'dtype=torch.int32)).dtype, torch.promote_types(torch.uint8, torch.int32), torch.can_cast(torch.uint8,'
      ' torch.int32))'),
     'torch.int32 torch.uint8 torch.int32 True\n'),
    (('print((torch.tensor([3, 1], dtype=torch.uint8) + torch.tensor([3, -1], dtype=torch.int64)'
      ').dtype, (torch.tensor([3, 1], dtype=torch.uint8) * torch.tensor([3, -1][0], '
      'dtype=torch.int64)).dtype, torch.promote_types(torch.uint8, torch.int64), torch.can_cast(torch.uint8,'
      ' torch.int64))'),
     'torch.int64 torch.uint8 torch.int64 True\n'),
    (('print((torch.tensor([3, 1], dtype=torch.uint8) + torch.tensor([1.5, -2.0], dtype=torch.float16)'
      ').dtype, (torch.tensor([3, 1], dtype=torch.uint8) * torch.tensor([1.5, -2.0][0],'
      ' dtype=torch.float16)).dtype, torch.promote_types(torch.uint8, torch.float16)'
      ', torch.can_cast(torch.uint8, torch.float16))'),
     'torch.float16 torch.float16 torch.float16 True\n'),
    (('print((torch.tensor([3, 1], dtype=torch.uint8) + torch.tensor([1.5, -2.0], dtype=torch.float32)'
      ').dtype, (torch.tensor([3, 1], dtype=torch.uint8) * torch.tensor([1.5, -2.0][0],'
      ' dtype=torch.float32)).dtype, torch.promote_types(torch.uint8, torch.float32)'
      ', torch.can_cast(torch.uint8, torch.float32))'),
     'torch.float32 torch.float32 torch.float32 True\n'),
    (('print((torch.tensor([3, 1], dtype=torch.uint8) + torch.tensor([1.5, -2.0], dtype=torch.float64)'
      ').dtype, (torch.tensor([3, 1], dtype=torch.uint8) * torch.tensor([1.5, -2.0][0],'
      ' dtype=torch.float64)).dtype, torch.promote_types(torch.uint8, torch.float64)'
      ', torch.can_cast(torch.uint8, torch.float64))'),
     'torch.float64 torch.float64 torch.float64 True\n'),
    (('t = torch.tensor([3, 1], dtype=torch.uint8); print((t * 2).dtype, (t * 2.5).dtype,'
      ' (t + True).dtype, (2 - t.to(torch.int64) if t.dtype == torch.bool else 2 - t)'
      '.dtype, (t / 2).dtype, (t < 1).dtype, torch.result_type(t, 2.5), torch.result_type(t,'
      ' 1))'),
     ('torch.uint8 torch.float32 torch.uint8 torch.uint8 torch.float32 torch.bool torch.float32 '
      'torch.uint8\n')),
    (('print((torch.tensor([3, -1], dtype=torch.int8) + torch.tensor([True, False], '
      'dtype=torch.bool)).dtype, (torch.tensor([3, -1], dtype=torch.int8) * torch.tensor([True,'
      ' False][0], dtype=torch.bool)).dtype, torch.promote_types(torch.int8, torch.bool)'
      ', torch.can_cast(torch.int8, torch.bool))'),
     'torch.int8 torch.int8 torch.int8 False\n'),
    (('print((torch.tensor([3, -1], dtype=torch.int8) + torch.tensor([3, 1], dtype=torch.uint8)'
      ').dtype, (torch.tensor([3, -1], dtype=torch.int8) * torch.tensor([3, 1][0], dtype=torch.uint8)'
      ').dtype, torch.promote_types(torch.int8, torch.uint8), torch.can_cast(torch.int8,'
      ' torch.uint8))'),
     'torch.int16 torch.int8 torch.int16 True\n'),
    (('print((torch.tensor([3, -1], dtype=torch.int8) + torch.tensor([3, -1], dtype=torch.int8)'
      ').dtype, (torch.tensor([3, -1], dtype=torch.int8) * torch.tensor([3, -1][0], '
      'dtype=torch.int8)).dtype, torch.promote_types(torch.int8, torch.int8), torch.can_cast(torch.int8,'
      ' torch.int8))'),
     'torch.int8 torch.int8 torch.int8 True\n'),
    (('print((torch.tensor([3, -1], dtype=torch.int8) + torch.tensor([3, -1], dtype=torch.int16)'
      ').dtype, (torch.tensor([3, -1], dtype=torch.int8) * torch.tensor([3, -1][0], '
      'dtype=torch.int16)).dtype, torch.promote_types(torch.int8, torch.int16), torch.can_cast(torch.int8,'
      ' torch.int16))'),
     'torch.int16 torch.int8 torch.int16 True\n'),
    (('print((torch.tensor([3, -1], dtype=torch.int8) + torch.tensor([3, -1], dtype=torch.int32)'
      ').dtype, (torch.tensor([3, -1], dtype=torch.int8) * torch.tensor([3, -1][0], '
      'dtype=torch.int32)).dtype, torch.promote_types(torch.int8, torch.int32), torch.can_cast(torch.int8,'
      ' torch.int32))'),
     'torch.int32 torch.int8 torch.int32 True\n'),
    (('print((torch.tensor([3, -1], dtype=torch.int8) + torch.tensor([3, -1], dtype=torch.int64)'
      ').dtype, (torch.tensor([3, -1], dtype=torch.int8) * torch.tensor([3, -1][0], '
      'dtype=torch.int64)).dtype, torch.promote_types(torch.int8, torch.int64), torch.can_cast(torch.int8,'
      ' torch.int64))'),
     'torch.int64 torch.int8 torch.int64 True\n'),
    (('print((torch.tensor([3, -1], dtype=torch.int8) + torch.tensor([1.5, -2.0], dtype=torch.float16)'
      ').dtype, (torch.tensor([3, -1], dtype=torch.int8) * torch.tensor([1.5, -2.0][0],'
      ' dtype=torch.float16)).dtype, torch.promote_types(torch.int8, torch.float16),'
      ' torch.can_cast(torch.int8, torch.float16))'),
     'torch.float16 torch.float16 torch.float16 True\n'),
    (('print((torch.tensor([3, -1], dtype=torch.int8) + torch.tensor([1.5, -2.0], dtype=torch.float32)'
      ').dtype, (torch.tensor([3, -1], dtype=torch.int8) * torch.tensor([1.5, -2.0][0],'
      ' dtype=torch.float32)).dtype, torch.promote_types(torch.int8, torch.float32),'
      ' torch.can_cast(torch.int8, torch.float32))'),
     'torch.float32 torch.float32 torch.float32 True\n'),
    (('print((torch.tensor([3, -1], dtype=torch.int8) + torch.tensor([1.5, -2.0], dtype=torch.float64)'
      ').dtype, (torch.tensor([3, -1], dtype=torch.int8) * torch.tensor([1.5, -2.0][0],'
      ' dtype=torch.float64)).dtype, torch.promote_types(torch.int8, torch.float64),'
      ' torch.can_cast(torch.int8, torch.float64))'),
     'torch.float64 torch.float64 torch.float64 True\n'),
    (('t = torch.tensor([3, -1], dtype=torch.int8); print((t * 2).dtype, (t * 2.5).dtype,'
      ' (t + True).dtype, (2 - t.to(torch.int64) if t.dtype == torch.bool else 2 - t)'
      '.dtype, (t / 2).dtype, (t < 1).dtype, torch.result_type(t, 2.5), torch.result_type(t,'
      ' 1))'),
     ('torch.int8 torch.float32 torch.int8 torch.int8 torch.float32 torch.bool torch.float32 '
      'torch.int8\n')),
    (('print((torch.tensor([3, -1], dtype=torch.int16) + torch.tensor([True, False],'
      ' dtype=torch.bool)).dtype, (torch.tensor([3, -1], dtype=torch.int16) * torch.tensor([True,'
      ' False][0], dtype=torch.bool)).dtype, torch.promote_types(torch.int16, torch.bool)'
      ', torch.can_cast(torch.int16, torch.bool))'),
     'torch.int16 torch.int16 torch.int16 False\n'),
    (('print((torch.tensor([3, -1], dtype=torch.int16) + torch.tensor([3, 1], dtype=torch.uint8)'
      ').dtype, (torch.tensor([3, -1], dtype=torch.int16) * torch.tensor([3, 1][0], '
      'dtype=torch.uint8)).dtype, torch.promote_types(torch.int16, torch.uint8), torch.can_cast(torch.int16,'
      ' torch.uint8))'),
     'torch.int16 torch.int16 torch.int16 True\n'),
    (('print((torch.tensor([3, -1], dtype=torch.int16) + torch.tensor([3, -1], dtype=torch.int8)'
      ').dtype, (torch.tensor([3, -1], dtype=torch.int16) * torch.tensor([3, -1][0],'
      ' dtype=torch.int8)).dtype, torch.promote_types(torch.int16, torch.int8), torch.can_cast(torch.int16,'
      ' torch.int8))'),
     'torch.int16 torch.int16 torch.int16 True\n'),
    (('print((torch.tensor([3, -1], dtype=torch.int16) + torch.tensor([3, -1], dtype=torch.int16)'
      ').dtype, (torch.tensor([3, -1], dtype=torch.int16) * torch.tensor([3, -1][0],'
      ' dtype=torch.int16)).dtype, torch.promote_types(torch.int16, torch.int16), torch.can_cast(torch.int16,'
      ' torch.int16))'),
     'torch.int16 torch.int16 torch.int16 True\n'),
    (('print((torch.tensor([3, -1], dtype=torch.int16) + torch.tensor([3, -1], dtype=torch.int32)'
      ').dtype, (torch.tensor([3, -1], dtype=torch.int16) * torch.tensor([3, -1][0],'
      ' dtype=torch.int32)).dtype, torch.promote_types(torch.int16, torch.int32), torch.can_cast(torch.int16,'
      ' torch.int32))'),
     'torch.int32 torch.int16 torch.int32 True\n'),
    (('print((torch.tensor([3, -1], dtype=torch.int16) + torch.tensor([3, -1], dtype=torch.int64)'
      ').dtype, (torch.tensor([3, -1], dtype=torch.int16) * torch.tensor([3, -1][0],'
      ' dtype=torch.int64)).dtype, torch.promote_types(torch.int16, torch.int64), torch.can_cast(torch.int16,'
      ' torch.int64))'),
     'torch.int64 torch.int16 torch.int64 True\n'),
    (('print((torch.tensor([3, -1], dtype=torch.int16) + torch.tensor([1.5, -2.0], dtype=torch.float16)'
      ').dtype, (torch.tensor([3, -1], dtype=torch.int16) * torch.tensor([1.5, -2.0][0],'
      ' dtype=torch.float16)).dtype, torch.promote_types(torch.int16, torch.float16)'
      ', torch.can_cast(torch.int16, torch.float16))'),
     'torch.float16 torch.float16 torch.float16 True\n'),
    (('print((torch.tensor([3, -1], dtype=torch.int16) + torch.tensor([1.5, -2.0], dtype=torch.float32)'
      ').dtype, (torch.tensor([3, -1], dtype=torch.int16) * torch.tensor([1.5, -2.0][0],'
      ' dtype=torch.float32)).dtype, torch.promote_types(torch.int16, torch.float32)'
      ', torch.can_cast(torch.int16, torch.float32))'),
     'torch.float32 torch.float32 torch.float32 True\n'),
    (('print((torch.tensor([3, -1], dtype=torch.int16) + torch.tensor([1.5, -2.0], dtype=torch.float64)'
      ').dtype, (torch.tensor([3, -1], dtype=torch.int16) * torch.tensor([1.5, -2.0][0],'
      ' dtype=torch.float64)).dtype, torch.promote_types(torch.int16, torch.float64)'
      ', torch.can_cast(torch.int16, torch.float64))'),
     'torch.float64 torch.float64 torch.float64 True\n'),
    (('t = torch.tensor([3, -1], dtype=torch.int16); print((t * 2).dtype, (t * 2.5).dtype,'
      ' (t + True).dtype, (2 - t.to(torch.int64) if t.dtype == torch.bool else 2 - t)'
      '.dtype, (t / 2).dtype, (t < 1).dtype, torch.result_type(t, 2.5), torch.result_type(t,'
      ' 1))'),
     ('torch.int16 torch.float32 torch.int16 torch.int16 torch.float32 torch.bool torch.float32 '
      'torch.int16\n')),
    (('print((torch.tensor([3, -1], dtype=torch.int32) + torch.tensor([True, False],'
      ' dtype=torch.bool)).dtype, (torch.tensor([3, -1], dtype=torch.int32) * torch.tensor([True,'
      ' False][0], dtype=torch.bool)).dtype, torch.promote_types(torch.int32, torch.bool)'
      ', torch.can_cast(torch.int32, torch.bool))'),
     'torch.int32 torch.int32 torch.int32 False\n'),
    (('print((torch.tensor([3, -1], dtype=torch.int32) + torch.tensor([3, 1], dtype=torch.uint8)'
      ').dtype, (torch.tensor([3, -1], dtype=torch.int32) * torch.tensor([3, 1][0], '
      'dtype=torch.uint8)).dtype, torch.promote_types(torch.int32, torch.uint8), torch.can_cast(torch.int32,'
      ' torch.uint8))'),
     'torch.int32 torch.int32 torch.int32 True\n'),
    (('print((torch.tensor([3, -1], dtype=torch.int32) + torch.tensor([3, -1], dtype=torch.int8)'
      ').dtype, (torch.tensor([3, -1], dtype=torch.int32) * torch.tensor([3, -1][0],'
      ' dtype=torch.int8)).dtype, torch.promote_types(torch.int32, torch.int8), torch.can_cast(torch.int32,'
      ' torch.int8))'),
     'torch.int32 torch.int32 torch.int32 True\n'),
    (('print((torch.tensor([3, -1], dtype=torch.int32) + torch.tensor([3, -1], dtype=torch.int16)'
      ').dtype, (torch.tensor([3, -1], dtype=torch.int32) * torch.tensor([3, -1][0],'
      ' dtype=torch.int16)).dtype, torch.promote_types(torch.int32, torch.int16), torch.can_cast(torch.int32,'
      ' torch.int16))'),
     'torch.int32 torch.int32 torch.int32 True\n'),
    (('print((torch.tensor([3, -1], dtype=torch.int32) + torch.tensor([3, -1], dtype=torch.int32)'
      ').dtype, (torch.tensor([3, -1], dtype=torch.int32) * torch.tensor([3, -1][0],'
      ' dtype=torch.int32)).dtype, torch.promote_types(torch.int32, torch.int32), torch.can_cast(torch.int32,'
      ' torch.int32))'),
     'torch.int32 torch.int32 torch.int32 True\n'),
    (('print((torch.tensor([3, -1], dtype=torch.int32) + torch.tensor([3, -1], dtype=torch.int64)'
      ').dtype, (torch.tensor([3, -1], dtype=torch.int32) * torch.tensor([3, -1][0],'
      ' dtype=torch.int64)).dtype, torch.promote_types(torch.int32, torch.int64), torch.can_cast(torch.int32,'
      ' torch.int64))'),
     'torch.int64 torch.int32 torch.int64 True\n'),
    (('print((torch.tensor([3, -1], dtype=torch.int32) + torch.tensor([1.5, -2.0], dtype=torch.float16)'
      ').dtype, (torch.tensor([3, -1], dtype=torch.int32) * torch.tensor([1.5, -2.0][0],'
      ' dtype=torch.float16)).dtype, torch.promote_types(torch.int32, torch.float16)'
      ', torch.can_cast(torch.int32, torch.float16))'),
     'torch.float16 torch.float16 torch.float16 True\n'),
    (('print((torch.tensor([3, -1], dtype=torch.int32) + torch.tensor([1.5, -2.0], dtype=torch.float32)'
      ').dtype, (torch.tensor([3, -1], dtype=torch.int32) * torch.tensor([1.5, -2.0][0],'
      ' dtype=torch.float32)).dtype, torch.promote_types(torch.int32, torch.float32)'
      ', torch.can_cast(torch.int32, torch.float32))'),
     'torch.float32 torch.float32 torch.float32 True\n'),
    (('print((torch.tensor([3, -1], dtype=torch.int32) + torch.tensor([1.5, -2.0], dtype=torch.float64)'
      ').dtype, (torch.tensor([3, -1], dtype=torch.int32) * torch.tensor([1.5, -2.0][0],'
      ' dtype=torch.float64)).dtype, torch.promote_types(torch.int32, torch.float64)'
      ', torch.can_cast(torch.int32, torch.float64))'),
     'torch.float64 torch.float64 torch.float64 True\n'),
    (('t = torch.tensor([3, -1], dtype=torch.int32); print((t * 2).dtype, (t * 2.5).dtype,'
      ' (t + True).dtype, (2 - t.to(torch.int64) if t.dtype == torch.bool else 2 - t)'
      '.dtype, (t / 2).dtype, (t < 1).dtype, torch.result_type(t, 2.5), torch.result_type(t,'
      ' 1))'),
     ('torch.int32 torch.float32 torch.int32 torch.int32 torch.float32 torch.bool torch.float32 '
      'torch.int32\n')),
    (('print((torch.tensor([3, -1], dtype=torch.int64) + torch.tensor([True, False],'
      ' dtype=torch.bool)).dtype, (torch.tensor([3, -1], dtype=torch.int64) * torch.tensor([True,'
      ' False][0], dtype=torch.bool)).dtype, torch.promote_types(torch.int64, torch.bool)'
      ', torch.can_cast(torch.int64, torch.bool))'),
     'torch.int64 torch.int64 torch.int64 False\n'),
    (('print((torch.tensor([3, -1], dtype=torch.int64) + torch.tensor([3, 1], dtype=torch.uint8)'
      ').dtype, (torch.tensor([3, -1], dtype=torch.int64) * torch.tensor([3, 1][0], '
      'dtype=torch.uint8)).dtype, torch.promote_types(torch.int64, torch.uint8), torch.can_cast(torch.int64,'
      ' torch.uint8))'),
     'torch.int64 torch.int64 torch.int64 True\n'),
    (('print((torch.tensor([3, -1], dtype=torch.int64) + torch.tensor([3, -1], dtype=torch.int8)'
      ').dtype, (torch.tensor([3, -1], dtype=torch.int64) * torch.tensor([3, -1][0],'
      ' dtype=torch.int8)).dtype, torch.promote_types(torch.int64, torch.int8), torch.can_cast(torch.int64,'
      ' torch.int8))'),
     'torch.int64 torch.int64 torch.int64 True\n'),
    (('print((torch.tensor([3, -1], dtype=torch.int64) + torch.tensor([3, -1], dtype=torch.int16)'
      ').dtype, (torch.tensor([3, -1], dtype=torch.int64) * torch.tensor([3, -1][0],'
      ' dtype=torch.int16)).dtype, torch.promote_types(torch.int64, torch.int16), torch.can_cast(torch.int64,'
      ' torch.int16))'),
     'torch.int64 torch.int64 torch.int64 True\n'),
    (('print((torch.tensor([3, -1], dtype=torch.int64) + torch.tensor([3, -1], dtype=torch.int32)'
      ').dtype, (torch.tensor([3, -1], dtype=torch.int64) * torch.tensor([3, -1][0],'
      ' dtype=torch.int32)).dtype, torch.promote_types(torch.int64, torch.int32), torch.can_cast(torch.int64,'
      ' torch.int32))'),
     'torch.int64 torch.int64 torch.int64 True\n'),
    (('print((torch.tensor([3, -1], dtype=torch.int64) + torch.tensor([3, -1], dtype=torch.int64)'
      ').dtype, (torch.tensor([3, -1], dtype=torch.int64) * torch.tensor([3, -1][0],'
      ' dtype=torch.int64)).dtype, torch.promote_types(torch.int64, torch.int64), torch.can_cast(torch.int64,'
      ' torch.int64))'),
     'torch.int64 torch.int64 torch.int64 True\n'),
    (('print((torch.tensor([3, -1], dtype=torch.int64) + torch.tensor([1.5, -2.0], dtype=torch.float16)'
      ').dtype, (torch.tensor([3, -1], dtype=torch.int64) * torch.tensor([1.5, -2.0][0],'
      ' dtype=torch.float16)).dtype, torch.promote_types(torch.int64, torch.float16)'
      ', torch.can_cast(torch.int64, torch.float16))'),
     'torch.float16 torch.float16 torch.float16 True\n'),
    (('print((torch.tensor([3, -1], dtype=torch.int64) + torch.tensor([1.5, -2.0], dtype=torch.float32)'
      ').dtype, (torch.tensor([3, -1], dtype=torch.int64) * torch.tensor([1.5, -2.0][0],'
      ' dtype=torch.float32)).dtype, torch.promote_types(torch.int64, torch.float32)'
      ', torch.can_cast(torch.int64, torch.float32))'),
     'torch.float32 torch.float32 torch.float32 True\n'),
    (('print((torch.tensor([3, -1], dtype=torch.int64) + torch.tensor([1.5, -2.0], dtype=torch.float64)'
      ').dtype, (torch.tensor([3, -1], dtype=torch.int64) * torch.tensor([1.5, -2.0][0],'
      ' dtype=torch.float64)).dtype, torch.promote_types(torch.int64, torch.float64)'
      ', torch.can_cast(torch.int64, torch.float64))'),
     'torch.float64 torch.float64 torch.float64 True\n'),
    (('t = torch.tensor([3, -1], dtype=torch.int64); print((t * 2).dtype, (t * 2.5).dtype,'
      ' (t + True).dtype, (2 - t.to(torch.int64) if t.dtype == torch.bool else 2 - t)'
      '.dtype, (t / 2).dtype, (t < 1).dtype, torch.result_type(t, 2.5), torch.result_type(t,'
      ' 1))'),
     ('torch.int64 torch.float32 torch.int64 torch.int64 torch.float32 torch.bool torch.float32 '
      'torch.int64\n')),
    (('print((torch.tensor([1.5, -2.0], dtype=torch.float16) + torch.tensor([True, False],'
      ' dtype=torch.bool)).dtype, (torch.tensor([1.5, -2.0], dtype=torch.float16) * '
      'torch.tensor([True, False][0], dtype=torch.bool)).dtype, torch.promote_types(torch.float16,'
      ' torch.bool), torch.can_cast(torch.float16, torch.bool))'),
     'torch.float16 torch.float16 torch.float16 False\n'),
    (('print((torch.tensor([1.5, -2.0], dtype=torch.float16) + torch.tensor([3, 1], '
      'dtype=torch.uint8)).dtype, (torch.tensor([1.5, -2.0], dtype=torch.float16) * '
      'torch.tensor([3, 1][0], dtype=torch.uint8)).dtype, torch.promote_types(torch.float16,'
      ' torch.uint8), torch.can_cast(torch.float16, torch.uint8))'),
     'torch.float16 torch.float16 torch.float16 False\n'),
    (('print((torch.tensor([1.5, -2.0], dtype=torch.float16) + torch.tensor([3, -1],'
      ' dtype=torch.int8)).dtype, (torch.tensor([1.5, -2.0], dtype=torch.float16) * '
      'torch.tensor([3, -1][0], dtype=torch.int8)).dtype, torch.promote_types(torch.float16,'
      ' torch.int8), torch.can_cast(torch.float16, torch.int8))'),
     'torch.float16 torch.float16 torch.float16 False\n'),
    (('print((torch.tensor([1.5, -2.0], dtype=torch.float16) + torch.tensor([3, -1],'
      ' dtype=torch.int16)).dtype, (torch.tensor([1.5, -2.0], dtype=torch.float16) * '
      'torch.tensor([3, -1][0], dtype=torch.int16)).dtype, torch.promote_types(torch.float16,'
      ' torch.int16), torch.can_cast(torch.float16, torch.int16))'),
     'torch.float16 torch.float16 torch.float16 False\n'),
    (('print((torch.tensor([1.5, -2.0], dtype=torch.float16) + torch.tensor([3, -1],'
      ' dtype=torch.int32)).dtype, (torch.tensor([1.5, -2.0], dtype=torch.float16) * '
      'torch.tensor([3, -1][0], dtype=torch.int32)).dtype, torch.promote_types(torch.float16,'
      ' torch.int32), torch.can_cast(torch.float16, torch.int32))'),
     'torch.float16 torch.float16 torch.float16 False\n'),
    (('print((torch.tensor([1.5, -2.0], dtype=torch.float16) + torch.tensor([3, -1],'
      ' dtype=torch.int64)).dtype, (torch.tensor([1.5, -2.0], dtype=torch.float16) * '
      'torch.tensor([3, -1][0], dtype=torch.int64)).dtype, torch.promote_types(torch.float16,'
      ' torch.int64), torch.can_cast(torch.float16, torch.int64))'),
     'torch.float16 torch.float16 torch.float16 False\n'),
    (('print((torch.tensor([1.5, -2.0], dtype=torch.float16) + torch.tensor([1.5, -2.0],'
      ' dtype=torch.float16)).dtype, (torch.tensor([1.5, -2.0], dtype=torch.float16)'
      ' * torch.tensor([1.5, -2.0][0], dtype=torch.float16)).dtype, torch.promote_types(torch.float16,'
      ' torch.float16), torch.can_cast(torch.float16, torch.float16))'),
     'torch.float16 torch.float16 torch.float16 True\n'),
    (('print((torch.tensor([1.5, -2.0], dtype=torch.float16) + torch.tensor([1.5, -2.0],'
      ' dtype=torch.float32)).dtype, (torch.tensor([1.5, -2.0], dtype=torch.float16)'
      ' * torch.tensor([1.5, -2.0][0], dtype=torch.float32)).dtype, torch.promote_types(torch.float16,'
      ' torch.float32), torch.can_cast(torch.float16, torch.float32))'),
     'torch.float32 torch.float16 torch.float32 True\n'),
    (('print((torch.tensor([1.5, -2.0], dtype=torch.float16) + torch.tensor([1.5, -2.0],'
      ' dtype=torch.float64)).dtype, (torch.tensor([1.5, -2.0], dtype=torch.float16)'
      ' * torch.tensor([1.5, -2.0][0], dtype=torch.float64)).dtype, torch.promote_types(torch.float16,'
      ' torch.float64), torch.can_cast(torch.float16, torch.float64))'),
     'torch.float64 torch.float16 torch.float64 True\n'),
    (('t = torch.tensor([1.5, -2.0], dtype=torch.float16); print((t * 2).dtype, (t * '
      '2.5).dtype, (t + True).dtype, (2 - t.to(torch.int64) if t.dtype == torch.bool '
      'else 2 - t).dtype, (t / 2).dtype, (t < 1).dtype, torch.result_type(t, 2.5), torch.result_type(t,'
      ' 1))'),
     ('torch.float16 torch.float16 torch.float16 torch.float16 torch.float16 torch.bool '
      'torch.float16 torch.float16\n')),
    (('print((torch.tensor([1.5, -2.0], dtype=torch.float32) + torch.tensor([True, False],'
      ' dtype=torch.bool)).dtype, (torch.tensor([1.5, -2.0], dtype=torch.float32) * '
      'torch.tensor([True, False][0], dtype=torch.bool)).dtype, torch.promote_types(torch.float32,'
      ' torch.bool), torch.can_cast(torch.float32, torch.bool))'),
     'torch.float32 torch.float32 torch.float32 False\n'),
    (('print((torch.tensor([1.5, -2.0], dtype=torch.float32) + torch.tensor([3, 1], '
      'dtype=torch.uint8)).dtype, (torch.tensor([1.5, -2.0], dtype=torch.float32) * '
      'torch.tensor([3, 1][0], dtype=torch.uint8)).dtype, torch.promote_types(torch.float32,'
      ' torch.uint8), torch.can_cast(torch.float32, torch.uint8))'),
     'torch.float32 torch.float32 torch.float32 False\n'),
    (('print((torch.tensor([1.5, -2.0], dtype=torch.float32) + torch.tensor([3, -1],'
      ' dtype=torch.int8)).dtype, (torch.tensor([1.5, -2.0], dtype=torch.float32) * '
      'torch.tensor([3, -1][0], dtype=torch.int8)).dtype, torch.promote_types(torch.float32,'
      ' torch.int8), torch.can_cast(torch.float32, torch.int8))'),
     'torch.float32 torch.float32 torch.float32 False\n'),
    (('print((torch.tensor([1.5, -2.0], dtype=torch.float32) + torch.tensor([3, -1],'
      ' dtype=torch.int16)).dtype, (torch.tensor([1.5, -2.0], dtype=torch.float32) * '
      'torch.tensor([3, -1][0], dtype=torch.int16)).dtype, torch.promote_types(torch.float32,'
      ' torch.int16), torch.can_cast(torch.float32, torch.int16))'),
     'torch.float32 torch.float32 torch.float32 False\n'),
    (('print((torch.tensor([1.5, -2.0], dtype=torch.float32) + torch.tensor([3, -1],'
      ' dtype=torch.int32)).dtype, (torch.tensor([1.5, -2.0], dtype=torch.float32) * '
      'torch.tensor([3, -1][0], dtype=torch.int32)).dtype, torch.promote_types(torch.float32,'
      ' torch.int32), torch.can_cast(torch.float32, torch.int32))'),
     'torch.float32 torch.float32 torch.float32 False\n'),
    (('print((torch.tensor([1.5, -2.0], dtype=torch.float32) + torch.tensor([3, -1],'
      ' dtype=torch.int64)).dtype, (torch.tensor([1.5, -2.0], dtype=torch.float32) * '
      'torch.tensor([3, -1][0], dtype=torch.int64)).dtype, torch.promote_types(torch.float32,'
      ' torch.int64), torch.can_cast(torch.float32, torch.int64))'),
     'torch.float32 torch.float32 torch.float32 False\n'),
    (('print((torch.tensor([1.5, -2.0], dtype=torch.float32) + torch.tensor([1.5, -2.0],'
      ' dtype=torch.float16)).dtype, (torch.tensor([1.5, -2.0], dtype=torch.float32)'
      ' * torch.tensor([1.5, -2.0][0], dtype=torch.float16)).dtype, torch.promote_types(torch.float32,'
      ' torch.float16), torch.can_cast(torch.float32, torch.float16))'),
     'torch.float32 torch.float32 torch.float32 True\n'),
    (('print((torch.tensor([1.5, -2.0], dtype=torch.float32) + torch.tensor([1.5, -2.0],'
      ' dtype=torch.float32)).dtype, (torch.tensor([1.5, -2.0], dtype=torch.float32)'
      ' * torch.tensor([1.5, -2.0][0], dtype=torch.float32)).dtype, torch.promote_types(torch.float32,'
      ' torch.float32), torch.can_cast(torch.float32, torch.float32))'),
     'torch.float32 torch.float32 torch.float32 True\n'),
    (('print((torch.tensor([1.5, -2.0], dtype=torch.float32) + torch.tensor([1.5, -2.0],'
      ' dtype=torch.float64)).dtype, (torch.tensor([1.5, -2.0], dtype=torch.float32)'
      ' * torch.tensor([1.5, -2.0][0], dtype=torch.float64)).dtype, torch.promote_types(torch.float32,'
      ' torch.float64), torch.can_cast(torch.float32, torch.float64))'),
     'torch.float64 torch.float32 torch.float64 True\n'),
    (('t = torch.tensor([1.5, -2.0], dtype=torch.float32); print((t * 2).dtype, (t * '
      '2.5).dtype, (t + True).dtype, (2 - t.to(torch.int64) if t.dtype == torch.bool '
      'else 2 - t).dtype, (t / 2).dtype, (t < 1).dtype, torch.result_type(t, 2.5), torch.result_type(t,'
      ' 1))'),
     ('torch.float32 torch.float32 torch.float32 torch.float32 torch.float32 torch.bool '
      'torch.float32 torch.float32\n')),
    (('print((torch.tensor([1.5, -2.0], dtype=torch.float64) + torch.tensor([True, False],'
      ' dtype=torch.bool)).dtype, (torch.tensor([1.5, -2.0], dtype=torch.float64) * '
      'torch.tensor([True, False][0], dtype=torch.bool)).dtype, torch.promote_types(torch.float64,'
      ' torch.bool), torch.can_cast(torch.float64, torch.bool))'),
     'torch.float64 torch.float64 torch.float64 False\n'),
    (('print((torch.tensor([1.5, -2.0], dtype=torch.float64) + torch.tensor([3, 1], '
      'dtype=torch.uint8)).dtype, (torch.tensor([1.5, -2.0], dtype=torch.float64) * '
      'torch.tensor([3, 1][0], dtype=torch.uint8)).dtype, torch.promote_types(torch.float64,'
      ' torch.uint8), torch.can_cast(torch.float64, torch.uint8))'),
     'torch.float64 torch.float64 torch.float64 False\n'),
    (('print((torch.tensor([1.5, -2.0], dtype=torch.float64) + torch.tensor([3, -1],'
      ' dtype=torch.int8)).dtype, (torch.tensor([1.5, -2.0], dtype=torch.float64) * '
      'torch.tensor([3, -1][0], dtype=torch.int8)).dtype, torch.promote_types(torch.float64,'
      ' torch.int8), torch.can_cast(torch.float64, torch.int8))'),
     'torch.float64 torch.float64 torch.float64 False\n'),
    (('print((torch.tensor([1.5, -2.0], dtype=torch.float64) + torch.tensor([3, -1],'
      ' dtype=torch.int16)).dtype, (torch.tensor([1.5, -2.0], dtype=torch.float64) * '
      'torch.tensor([3, -1][0], dtype=torch.int16)).dtype, torch.promote_types(torch.float64,'
      ' torch.int16), torch.can_cast(torch.float64, torch.int16))'),
     'torch.float64 torch.float64 torch.float64 False\n'),
    (('print((torch.tensor([1.5, -2.0], dtype=torch.float64) + torch.tensor([3, -1],'
      ' dtype=torch.int32)).dtype, (torch.tensor([1.5, -2.0], dtype=torch.float64) * '
      'torch.tensor([3, -1][0], dtype=torch.int32)).dtype, torch.promote_types(torch.float64,'
      ' torch.int32), torch.can_cast(torch.float64, torch.int32))'),
     'torch.float64 torch.float64 torch.float64 False\n'),
    (('print((torch.tensor([1.5, -2.0], dtype=torch.float64) + torch.tensor([3, -1],'
      ' dtype=torch.int64)).dtype, (torch.tensor([1.5, -2.0], dtype=torch.float64) * '
      'torch.tensor([3, -1][0], dtype=torch.int64)).dtype, torch.promote_types(torch.float64,'
      ' torch.int64), torch.can_cast(torch.float64, torch.int64))'),
     'torch.float64 torch.float64 torch.float64 False\n'),
    (('print((torch.tensor([1.5, -2.0], dtype=torch.float64) + torch.tensor([1.5, -2.0],'
      ' dtype=torch.float16)).dtype, (torch.tensor([1.5, -2.0], dtype=torch.float64)'
      ' * torch.tensor([1.5, -2.0][0], dtype=torch.float16)).dtype, torch.promote_types(torch.float64,'
      ' torch.float16), torch.can_cast(torch.float64, torch.float16))'),
     'torch.float64 torch.float64 torch.float64 True\n'),
    (('print((torch.tensor([1.5, -2.0], dtype=torch.float64) + torch.tensor([1.5, -2.0],'
      ' dtype=torch.float32)).dtype, (torch.tensor([1.5, -2.0], dtype=torch.float64)'
      ' * torch.tensor([1.5, -2.0][0], dtype=torch.float32)).dtype, torch.promote_types(torch.float64,'
      ' torch.float32), torch.can_cast(torch.float64, torch.float32))'),
     'torch.float64 torch.float64 torch.float64 True\n'),
    (('print((torch.tensor([1.5, -2.0], dtype=torch.float64) + torch.tensor([1.5, -2.0],'
      ' dtype=torch.float64)).dtype, (torch.tensor([1.5, -2.0], dtype=torch.float64)'
      ' * torch.tensor([1.5, -2.0][0], dtype=torch.float64)).dtype, torch.promote_types(torch.float64,'
      ' torch.float64), torch.can_cast(torch.float64, torch.float64))'),
     'torch.float64 torch.float64 torch.float64 True\n'),
    (('t = torch.tensor([1.5, -2.0], dtype=torch.float64); print((t * 2).dtype, (t * '
      '2.5).dtype, (t + True).dtype, (2 - t.to(torch.int64) if t.dtype == torch.bool '
      'else 2 - t).dtype, (t / 2).dtype, (t < 1).dtype, torch.result_type(t, 2.5), torch.result_type(t,'
      ' 1))'),
     ('torch.float64 torch.float64 torch.float64 torch.float64 torch.float64 torch.bool '
      'torch.float64 torch.float64\n')),
]
# fmt: on

@pytest.mark.parametrize("code, expected", PROMOTION, ids=_ids(PROMOTION))
def test_promotion(code, expected):
    assert _run(code) == expected


# fmt: off
DTYPE_MISC = [
    ('P(torch.float is torch.float32)',
     'True\n'),
    ('P(torch.double is torch.float64)',
     'True\n'),
    ('P(torch.long is torch.int64)',
     'True\n'),
    ('P(torch.int is torch.int32)',
     'True\n'),
    ('P(torch.half is torch.float16)',
     'True\n'),
    ('P(torch.short is torch.int16)',
     'True\n'),
    ('P(torch.float32)',
     'torch.float32\n'),
    ('P(torch.bool)',
     'torch.bool\n'),
    ('P(torch.uint8)',
     'torch.uint8\n'),
    ('P(str(torch.float64))',
     "'torch.float64'\n"),
    ('P(torch.get_default_dtype())',
     'torch.float32\n'),
    ('P(torch.float32.is_floating_point)',
     'True\n'),
    ('P(torch.int64.is_signed)',
     'True\n'),
    ('P(torch.bool.is_signed)',
     'False\n'),
    ('P(torch.uint8.is_signed)',
     'False\n'),
    ('P(torch.float64.itemsize)',
     '8\n'),
    ('P(torch.float32.to_real())',
     'torch.float32\n'),
    ('P(torch.float32.is_complex)',
     'False\n'),
    ('P(isinstance(torch.float32, torch.dtype))',
     'True\n'),
    ('import pickle; print(pickle.loads(pickle.dumps(torch.float64)) is torch.float64)',
     'True\n'),
    ('import copy; print(copy.deepcopy(torch.int32) is torch.int32)',
     'True\n'),
    ('P({torch.float32: 1}[torch.float])',
     '1\n'),
    ('P(torch.result_type(2, 3.5))',
     'torch.float32\n'),
    ('P(torch.result_type(torch.tensor([1], dtype=torch.uint8), -1))',
     'torch.uint8\n'),
    ('P(torch.result_type(torch.tensor(1.), torch.tensor([1], dtype=torch.int32)))',
     'torch.float32\n'),
    (('P(torch.result_type(torch.tensor([1, 2], dtype=torch.int32), torch.tensor(2))'
      ')'),
     'torch.int32\n'),
    ('P(torch.finfo(torch.float32))',
     ('finfo(resolution=1e-06, min=-3.40282e+38, max=3.40282e+38, eps=1.19209e-07, smallest_normal=1.17549e-38,'
      ' tiny=1.17549e-38, dtype=float32)\n')),
    ('P(torch.finfo(torch.float64))',
     ('finfo(resolution=1e-15, min=-1.79769e+308, max=1.79769e+308, eps=2.22045e-16,'
      ' smallest_normal=2.22507e-308, tiny=2.22507e-308, dtype=float64)\n')),
    ('P(torch.finfo(torch.float16))',
     ('finfo(resolution=0.001, min=-65504, max=65504, eps=0.000976562, smallest_normal=6.10352e-05,'
      ' tiny=6.10352e-05, dtype=float16)\n')),
    ('P(torch.finfo())',
     ('finfo(resolution=1e-06, min=-3.40282e+38, max=3.40282e+38, eps=1.19209e-07, smallest_normal=1.17549e-38,'
      ' tiny=1.17549e-38, dtype=float32)\n')),
    ('P(torch.finfo(torch.float32).eps)',
     '1.1920928955078125e-07\n'),
    ('P(torch.finfo(torch.float64).max)',
     '1.7976931348623157e+308\n'),
    ('P(torch.finfo(torch.float32).tiny)',
     '1.1754943508222875e-38\n'),
    ('P(torch.finfo(torch.float32).resolution)',
     '1e-06\n'),
    ('P(torch.finfo(torch.float32).bits)',
     '32\n'),
    ('P(torch.finfo(torch.float32).dtype)',
     "'float32'\n"),
    ('P(torch.finfo(torch.int64))',
     '!TypeError'),
    ('P(torch.iinfo(torch.int64))',
     'iinfo(min=-9.22337e+18, max=9.22337e+18, dtype=int64)\n'),
    ('P(torch.iinfo(torch.uint8))',
     'iinfo(min=0, max=255, dtype=uint8)\n'),
    ('P(torch.iinfo(torch.int32).min)',
     '-2147483648\n'),
    ('P(torch.iinfo(torch.int8).bits)',
     '8\n'),
    ('P(torch.iinfo(torch.bool))',
     '!TypeError'),
    ('P(torch.iinfo(torch.float32))',
     '!TypeError'),
    (('torch.set_default_dtype(torch.float64); print(torch.tensor([1.5]), torch.tensor(1.)'
      '.dtype, torch.zeros(2).dtype, torch.get_default_dtype())'),
     'tensor([1.5000]) torch.float64 torch.float64 torch.float64\n'),
    (('torch.set_default_dtype(torch.float64); print(torch.arange(0., 1, .5).dtype, '
      'torch.tensor([1, 2]).dtype, torch.tensor([1, 2]) / 2)'),
     'torch.float64 torch.int64 tensor([0.5000, 1.0000])\n'),
    (('torch.set_default_dtype(torch.float64); print(torch.tensor([1.], dtype=torch.float32)'
      ', torch.tensor([]))'),
     'tensor([1.], dtype=torch.float32) tensor([])\n'),
    (('torch.set_default_dtype(torch.float64); print(torch.tensor([1, 2]) * 1.5, torch.tensor(True)'
      ' + 1.5)'),
     'tensor([1.5000, 3.0000]) tensor(2.5000)\n'),
    (('torch.set_default_dtype(torch.float64); print(torch.tensor([1.], dtype=torch.float32)'
      ' * 2.5, torch.tensor([1.], dtype=torch.float32) + torch.tensor(2.5))'),
     'tensor([2.5000], dtype=torch.float32) tensor([3.5000], dtype=torch.float32)\n'),
    (('torch.set_default_dtype(torch.float64); print(torch.tensor(np.float32(1.5)), '
      'torch.tensor([np.float32(1.5), 2.0]))'),
     'tensor(1.5000, dtype=torch.float32) tensor([1.5000, 2.0000])\n'),
    (('torch.set_default_dtype(torch.float64); print(torch.finfo().eps, torch.Tensor([1])'
      '.dtype)'),
     '2.220446049250313e-16 torch.float64\n'),
    (('torch.set_default_dtype(torch.float16); print(torch.tensor([1.5, 2]), torch.tensor([1,'
      ' 2]) / 3)'),
     'tensor([1.5000, 2.0000]) tensor([0.3333, 0.6665])\n'),
    ('P(torch.set_default_dtype(torch.int64))',
     '!TypeError'),
    ('P(torch.set_default_dtype(float))',
     '!TypeError'),
    ('P(torch.tensor([1.5, -2.7]).to(torch.float64))',
     'tensor([ 1.5000, -2.7000], dtype=torch.float64)\n'),
    ('P(torch.tensor([1.5, -2.7]).long())',
     'tensor([ 1, -2])\n'),
    ('P(torch.tensor([1.5, -2.7]).int())',
     'tensor([ 1, -2], dtype=torch.int32)\n'),
    ('P(torch.tensor([1.5, -2.7]).half())',
     'tensor([ 1.5000, -2.6992], dtype=torch.float16)\n'),
    ('P(torch.tensor([1.5, 0.]).bool())',
     'tensor([ True, False])\n'),
    ('P(torch.tensor([1, 2]).float())',
     'tensor([1., 2.])\n'),
    ('P(torch.tensor([1.5]).to(float))',
     'tensor([1.5000], dtype=torch.float64)\n'),
    ('P(torch.tensor([1.5]).to(int))',
     'tensor([1])\n'),
    ('P(torch.tensor([1.5]).to(bool))',
     'tensor([True])\n'),
    ("P(torch.tensor([1.5]).to('cpu', torch.float64))",
     'tensor([1.5000], dtype=torch.float64)\n'),
    ("P(torch.tensor([1.5]).to(device='cpu', dtype=torch.float64))",
     'tensor([1.5000], dtype=torch.float64)\n'),
    ('P(torch.tensor([1.5]).to(torch.tensor([1], dtype=torch.int32)))',
     'tensor([1], dtype=torch.int32)\n'),
    ('P(torch.tensor([1.5]).to(np.float32))',
     '!TypeError'),
    ("P(torch.tensor([1.5]).to('float32'))",
     '!RuntimeError'),
    ('x = torch.tensor([1.5]); print(x.to(torch.float32) is x, x.float() is x)',
     'True True\n'),
    ('x = torch.tensor([1.5]); print(x.to(torch.float32, copy=True) is x)',
     'False\n'),
    ('P(torch.tensor([1.5]).type())',
     "'torch.FloatTensor'\n"),
    ('P(torch.tensor([1]).type())',
     "'torch.LongTensor'\n"),
    ('P(torch.tensor([True]).type())',
     "'torch.BoolTensor'\n"),
    ('P(torch.tensor([1.5]).type(torch.float64))',
     'tensor([1.5000], dtype=torch.float64)\n'),
    ("P(torch.tensor([1.5]).type('torch.DoubleTensor'))",
     'tensor([1.5000], dtype=torch.float64)\n'),
    ("P(torch.tensor([1.5]).type('xyz'))",
     '!ValueError'),
    ('P(torch.tensor([300, -1]).to(torch.uint8))',
     'tensor([ 44, 255], dtype=torch.uint8)\n'),
    ('P(torch.tensor([2.5, 3.5, -2.5]).long())',
     'tensor([ 2,  3, -2])\n'),
    ('P(torch.tensor([65504.0, 70000.0]).half())',
     'tensor([65504.,    inf], dtype=torch.float16)\n'),
    ('P(torch.tensor([1.5]).element_size())',
     '4\n'),
    ('P(torch.tensor([True]).element_size())',
     '1\n'),
    ('P(torch.tensor([1.5]).is_floating_point())',
     'True\n'),
    ('P(torch.is_floating_point(torch.tensor([1])))',
     'False\n'),
]
# fmt: on

@pytest.mark.parametrize("code, expected", DTYPE_MISC, ids=_ids(DTYPE_MISC))
def test_dtype_misc(code, expected):
    assert _run(code) == expected


# fmt: off
SCALAR_WRAP = [
    ('P(torch.tensor([1], dtype=torch.int32) + 10**10)',
     'tensor([1410065409], dtype=torch.int32)\n'),
    ('P(torch.tensor([3, 2, 0], dtype=torch.uint8) >= -3)',
     'tensor([False, False, False])\n'),
    ('P(-3 & torch.tensor([3, 2, 0], dtype=torch.uint8))',
     'tensor([1, 0, 0], dtype=torch.uint8)\n'),
    ('P(-3 ** torch.tensor(4, dtype=torch.uint8))',
     'tensor(175, dtype=torch.uint8)\n'),
    ('P(torch.tensor([4]) ** torch.tensor([-1, 0, 2]))',
     'tensor([ 0,  1, 16])\n'),
    ('P(torch.tensor([-1, 1, 2]) ** torch.tensor([-3, -2, -1]))',
     'tensor([-1,  1,  0])\n'),
    ('P(torch.tensor([4]) ** -1)',
     '!RuntimeError'),
    ('P(torch.tensor([True, False]) ** 2)',
     'tensor([1, 0])\n'),
    ('P(torch.tensor([1, 2], dtype=torch.int16) * 2.5)',
     'tensor([2.5000, 5.0000])\n'),
    (('P(torch.tensor([1.], dtype=torch.float16) + torch.tensor(1., dtype=torch.float64)'
      ')'),
     'tensor([2.], dtype=torch.float16)\n'),
    (('P(torch.tensor([1.], dtype=torch.float16) + torch.tensor([1], dtype=torch.int64)'
      ')'),
     'tensor([2.], dtype=torch.float16)\n'),
]
# fmt: on

@pytest.mark.parametrize("code, expected", SCALAR_WRAP, ids=_ids(SCALAR_WRAP))
def test_scalar_wrap(code, expected):
    assert _run(code) == expected
