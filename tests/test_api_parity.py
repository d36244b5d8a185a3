"""User-facing API parity with PyTorch: grad_fn names of every op, gradient values through
operators, Python operators with scalars on either side, indexing and the Python protocols.

Expected outputs were produced by running each snippet under PyTorch 2.13 (CPU) with `import
torch`; here the same snippet runs with `chainrule` bound to `torch`. A snippet's output is what it
prints (reprs of tensors, dtypes, shapes, grads), or `!ErrorType` when it raises.
"""

import numpy as np
import pytest

import chainrule as torch

from _snippets import _ids, _run

SETUP_NAME = ('x = torch.arange(1., 7.).reshape(2, 3).requires_grad_(); y = torch.arange(2.,'
     ' 8.).reshape(2, 3).requires_grad_(); v = torch.tensor([1., 2., 3.], requires_grad=True)'
     '; w = torch.tensor([0.5, 1.5, 2.5], requires_grad=True); m = torch.arange(1.,'
     ' 7.).reshape(3, 2).requires_grad_(); b3 = torch.arange(12.).reshape(2, 3, 2).requires_grad_()'
     '; r = ')
SHOW_NAME = '; print(r.grad_fn.name() if r.grad_fn is not None else None, r.shape, r.dtype)'

# fmt: off
GRADFN = [
    ('x + y',
     'AddBackward0 torch.Size([2, 3]) torch.float32\n'),
    ('x + 1',
     'AddBackward0 torch.Size([2, 3]) torch.float32\n'),
    ('1 + x',
     'AddBackward0 torch.Size([2, 3]) torch.float32\n'),
    ('x - y',
     'SubBackward0 torch.Size([2, 3]) torch.float32\n'),
    ('x - 1',
     'SubBackward0 torch.Size([2, 3]) torch.float32\n'),
    ('1 - x',
     'RsubBackward1 torch.Size([2, 3]) torch.float32\n'),
    ('torch.tensor(2.) - x',
     'SubBackward0 torch.Size([2, 3]) torch.float32\n'),
    ('x * y',
     'MulBackward0 torch.Size([2, 3]) torch.float32\n'),
    ('2 * x',
     'MulBackward0 torch.Size([2, 3]) torch.float32\n'),
    ('x / y',
     'DivBackward0 torch.Size([2, 3]) torch.float32\n'),
    ('x / 2',
     'DivBackward0 torch.Size([2, 3]) torch.float32\n'),
    ('2 / x',
     'MulBackward0 torch.Size([2, 3]) torch.float32\n'),
    ('x ** 2',
     'PowBackward0 torch.Size([2, 3]) torch.float32\n'),
    ('x ** y',
     'PowBackward1 torch.Size([2, 3]) torch.float32\n'),
    ('2 ** x',
     'PowBackward2 torch.Size([2, 3]) torch.float32\n'),
    ('torch.tensor(2.) ** x',
     'PowBackward1 torch.Size([2, 3]) torch.float32\n'),
    ('x ** 0',
     'PowBackward0 torch.Size([2, 3]) torch.float32\n'),
    ('-x',
     'NegBackward0 torch.Size([2, 3]) torch.float32\n'),
    ('abs(x)',
     'AbsBackward0 torch.Size([2, 3]) torch.float32\n'),
    ('x.exp()',
     'ExpBackward0 torch.Size([2, 3]) torch.float32\n'),
    ('x.log()',
     'LogBackward0 torch.Size([2, 3]) torch.float32\n'),
    ('x.sqrt()',
     'SqrtBackward0 torch.Size([2, 3]) torch.float32\n'),
    ('x.sin()',
     'SinBackward0 torch.Size([2, 3]) torch.float32\n'),
    ('x.cos()',
     'CosBackward0 torch.Size([2, 3]) torch.float32\n'),
    ('x.tanh()',
     'TanhBackward0 torch.Size([2, 3]) torch.float32\n'),
    ('x.sigmoid()',
     'SigmoidBackward0 torch.Size([2, 3]) torch.float32\n'),
    ('x.relu()',
     'ReluBackward0 torch.Size([2, 3]) torch.float32\n'),
    ('x.reciprocal()',
     'ReciprocalBackward0 torch.Size([2, 3]) torch.float32\n'),
    ('x.sign()',
     'SignBackward0 torch.Size([2, 3]) torch.float32\n'),
    ('x.square()',
     'PowBackward0 torch.Size([2, 3]) torch.float32\n'),
    ('x.rsqrt()',
     'RsqrtBackward0 torch.Size([2, 3]) torch.float32\n'),
    ('x.clamp(0, 3)',
     'ClampBackward1 torch.Size([2, 3]) torch.float32\n'),
    ('x.clamp(min=2)',
     'ClampBackward1 torch.Size([2, 3]) torch.float32\n'),
    ('x.clamp(min=torch.tensor(2.))',
     'ClampBackward0 torch.Size([2, 3]) torch.float32\n'),
    ('x.clamp(torch.tensor(1.), 3)',
     'ClampBackward1 torch.Size([2, 3]) torch.float32\n'),
    ('torch.maximum(x, y)',
     'MaximumBackward0 torch.Size([2, 3]) torch.float32\n'),
    ('torch.minimum(x, y)',
     'MinimumBackward0 torch.Size([2, 3]) torch.float32\n'),
    ('torch.where(x > 2, x, y)',
     'WhereBackward0 torch.Size([2, 3]) torch.float32\n'),
    ('x % 2',
     'RemainderBackward0 torch.Size([2, 3]) torch.float32\n'),
    ('x // 2',
     'torch::autograd::NotImplemented torch.Size([2, 3]) torch.float32\n'),
    ("x.div(2, rounding_mode='floor')",
     'DivBackward2 torch.Size([2, 3]) torch.float32\n'),
    ('torch.rsub(x, 1)',
     'RsubBackward1 torch.Size([2, 3]) torch.float32\n'),
    ('x.sum()',
     'SumBackward0 torch.Size([]) torch.float32\n'),
    ('x.sum(0)',
     'SumBackward1 torch.Size([3]) torch.float32\n'),
    ('x.sum(dim=1, keepdim=True)',
     'SumBackward1 torch.Size([2, 1]) torch.float32\n'),
    ('x.sum((0, 1))',
     'SumBackward1 torch.Size([]) torch.float32\n'),
    ('x.mean()',
     'MeanBackward0 torch.Size([]) torch.float32\n'),
    ('x.mean(0)',
     'MeanBackward1 torch.Size([3]) torch.float32\n'),
    ('x.max()',
     'MaxBackward1 torch.Size([]) torch.float32\n'),
    ('x.max(0)[0]',
     'MaxBackward0 torch.Size([3]) torch.float32\n'),
    ('x.min(1).values',
     'MinBackward0 torch.Size([2]) torch.float32\n'),
    ('x.amax(0)',
     'AmaxBackward0 torch.Size([3]) torch.float32\n'),
    ('x.logsumexp(0)',
     'LogsumexpBackward0 torch.Size([3]) torch.float32\n'),
    ('x.softmax(0)',
     'SoftmaxBackward0 torch.Size([2, 3]) torch.float32\n'),
    ('x.log_softmax(-1)',
     'LogSoftmaxBackward0 torch.Size([2, 3]) torch.float32\n'),
    ('x.reshape(3, 2)',
     'ViewBackward0 torch.Size([3, 2]) torch.float32\n'),
    ('x.reshape(-1)',
     'ViewBackward0 torch.Size([6]) torch.float32\n'),
    ('x.T.reshape(6)',
     'UnsafeViewBackward0 torch.Size([6]) torch.float32\n'),
    ('x.T.reshape(3, 2)',
     'ReshapeAliasBackward0 torch.Size([3, 2]) torch.float32\n'),
    ('x[:, ::2].reshape(4)',
     'UnsafeViewBackward0 torch.Size([4]) torch.float32\n'),
    ('x.view(3, 2)',
     'ViewBackward0 torch.Size([3, 2]) torch.float32\n'),
    ('x.flatten()',
     'ViewBackward0 torch.Size([6]) torch.float32\n'),
    ('x.T.flatten()',
     'UnsafeViewBackward0 torch.Size([6]) torch.float32\n'),
    ('x.transpose(0, 1)',
     'TransposeBackward0 torch.Size([3, 2]) torch.float32\n'),
    ('x.permute(1, 0)',
     'PermuteBackward0 torch.Size([3, 2]) torch.float32\n'),
    ('x.t()',
     'TBackward0 torch.Size([3, 2]) torch.float32\n'),
    ('v.t()',
     'TBackward0 torch.Size([3]) torch.float32\n'),
    ('x.T',
     'PermuteBackward0 torch.Size([3, 2]) torch.float32\n'),
    ('x.mT',
     'TransposeBackward0 torch.Size([3, 2]) torch.float32\n'),
    ('x.unsqueeze(0)',
     'UnsqueezeBackward0 torch.Size([1, 2, 3]) torch.float32\n'),
    ('x[None].squeeze()',
     'SqueezeBackward0 torch.Size([2, 3]) torch.float32\n'),
    ('x[None].squeeze(0)',
     'SqueezeBackward1 torch.Size([2, 3]) torch.float32\n'),
    ('x[None].squeeze((0,))',
     'SqueezeBackward2 torch.Size([2, 3]) torch.float32\n'),
    ('x.expand(2, 2, 3)',
     'ExpandBackward0 torch.Size([2, 2, 3]) torch.float32\n'),
    ('v.expand_as(x)',
     'ExpandBackward0 torch.Size([2, 3]) torch.float32\n'),
    ('x.movedim(0, 1)',
     'PermuteBackward0 torch.Size([3, 2]) torch.float32\n'),
    ('x[0]',
     'SelectBackward0 torch.Size([3]) torch.float32\n'),
    ('x[1:]',
     'SliceBackward0 torch.Size([1, 3]) torch.float32\n'),
    ('x[:]',
     'SliceBackward0 torch.Size([2, 3]) torch.float32\n'),
    ('x[:, 1:]',
     'SliceBackward0 torch.Size([2, 2]) torch.float32\n'),
    ('x[:, :]',
     'AliasBackward0 torch.Size([2, 3]) torch.float32\n'),
    ('x[:, :3]',
     'AliasBackward0 torch.Size([2, 3]) torch.float32\n'),
    ('x[None]',
     'UnsqueezeBackward0 torch.Size([1, 2, 3]) torch.float32\n'),
    ('x[...]',
     'AliasBackward0 torch.Size([2, 3]) torch.float32\n'),
    ('x[()]',
     'AliasBackward0 torch.Size([2, 3]) torch.float32\n'),
    ('x[0, 1]',
     'SelectBackward0 torch.Size([]) torch.float32\n'),
    ('x[:, 0]',
     'SelectBackward0 torch.Size([2]) torch.float32\n'),
    ('x[-1]',
     'SelectBackward0 torch.Size([3]) torch.float32\n'),
    ('x[..., 1]',
     'SelectBackward0 torch.Size([2]) torch.float32\n'),
    ('x[:, None]',
     'UnsqueezeBackward0 torch.Size([2, 1, 3]) torch.float32\n'),
    ('x[None, 0]',
     'SelectBackward0 torch.Size([1, 3]) torch.float32\n'),
    ('x[0, None]',
     'UnsqueezeBackward0 torch.Size([1, 3]) torch.float32\n'),
    ('x[::2]',
     'SliceBackward0 torch.Size([1, 3]) torch.float32\n'),
    ('x[torch.tensor(0)]',
     'SelectBackward0 torch.Size([3]) torch.float32\n'),
    ('x[torch.tensor([0, 1])]',
     'IndexBackward0 torch.Size([2, 3]) torch.float32\n'),
    ('x[[0, 1]]',
     'IndexBackward0 torch.Size([2, 3]) torch.float32\n'),
    ('x[x > 2]',
     'IndexBackward0 torch.Size([4]) torch.float32\n'),
    ('x[:, [0, 2]]',
     'IndexBackward0 torch.Size([2, 2]) torch.float32\n'),
    ('x[0, [0, 2]]',
     'IndexBackward0 torch.Size([2]) torch.float32\n'),
    ('torch.cat([x, y])',
     'CatBackward0 torch.Size([4, 3]) torch.float32\n'),
    ('torch.stack([x, y])',
     'StackBackward0 torch.Size([2, 2, 3]) torch.float32\n'),
    ('torch.stack([v, w], 1)',
     'StackBackward0 torch.Size([3, 2]) torch.float32\n'),
    ('x @ m',
     'MmBackward0 torch.Size([2, 2]) torch.float32\n'),
    ('v @ w',
     'DotBackward0 torch.Size([]) torch.float32\n'),
    ('x @ v',
     'MvBackward0 torch.Size([2]) torch.float32\n'),
    ('v @ m',
     'SqueezeBackward4 torch.Size([2]) torch.float32\n'),
    ('b3 @ m.T',
     'UnsafeViewBackward0 torch.Size([2, 3, 3]) torch.float32\n'),
    ('b3 @ v[:2]',
     'UnsafeViewBackward0 torch.Size([2, 3]) torch.float32\n'),
    ('x @ b3',
     'CloneBackward0 torch.Size([2, 2, 2]) torch.float32\n'),
    ('b3 @ b3.mT',
     'UnsafeViewBackward0 torch.Size([2, 3, 3]) torch.float32\n'),
    ('torch.mm(x, m)',
     'MmBackward0 torch.Size([2, 2]) torch.float32\n'),
    ('torch.bmm(b3, b3.mT)',
     'BmmBackward0 torch.Size([2, 3, 3]) torch.float32\n'),
    ('torch.dot(v, w)',
     'DotBackward0 torch.Size([]) torch.float32\n'),
    ('torch.mv(x, v)',
     'MvBackward0 torch.Size([2]) torch.float32\n'),
    ('torch.outer(v, w)',
     'MulBackward0 torch.Size([3, 3]) torch.float32\n'),
    ('x.to(torch.float64)',
     'ToCopyBackward0 torch.Size([2, 3]) torch.float64\n'),
    ('x.double()',
     'ToCopyBackward0 torch.Size([2, 3]) torch.float64\n'),
    ('x.float()',
     'None torch.Size([2, 3]) torch.float32\n'),
    ('x.to(torch.float32, copy=True)',
     'ToCopyBackward0 torch.Size([2, 3]) torch.float32\n'),
    ('x.clone()',
     'CloneBackward0 torch.Size([2, 3]) torch.float32\n'),
    ('x.T.contiguous()',
     'CloneBackward0 torch.Size([3, 2]) torch.float32\n'),
    ('x.masked_fill(x > 2, 0.)',
     'MaskedFillBackward0 torch.Size([2, 3]) torch.float32\n'),
    ('x.masked_fill(x > 2, torch.tensor(0.))',
     'MaskedFillBackward1 torch.Size([2, 3]) torch.float32\n'),
    ('x.detach()',
     'None torch.Size([2, 3]) torch.float32\n'),
    ('x.clone().fill_(1)',
     'FillBackward2 torch.Size([2, 3]) torch.float32\n'),
    ('x.clone().fill_(torch.tensor(1.))',
     'FillBackward3 torch.Size([2, 3]) torch.float32\n'),
    ('x.clone().zero_()',
     'ZeroBackward0 torch.Size([2, 3]) torch.float32\n'),
    ('x.clone().copy_(y)',
     'torch::autograd::CopyBackwards torch.Size([2, 3]) torch.float32\n'),
    ('x.clone().add_(1)',
     'AddBackward0 torch.Size([2, 3]) torch.float32\n'),
    ('x.clone().masked_fill_(x > 1, 0)',
     'MaskedFillBackward0 torch.Size([2, 3]) torch.float32\n'),
    ('x * 1',
     'MulBackward0 torch.Size([2, 3]) torch.float32\n'),
]
# fmt: on

@pytest.mark.parametrize("code, expected", GRADFN, ids=_ids(GRADFN))
def test_grad_fn_names(code, expected):
    assert _run(SETUP_NAME + code + SHOW_NAME) == expected


SETUP = ('x = torch.arange(1., 7.).reshape(2, 3).requires_grad_(); y = torch.arange(2.,'
     ' 8.).reshape(2, 3).requires_grad_(); v = torch.tensor([1., 2., 3.], requires_grad=True)'
     '; w = torch.tensor([0.5, 1.5, 2.5], requires_grad=True); m = torch.arange(1.,'
     ' 7.).reshape(3, 2).requires_grad_(); b3 = torch.arange(12.).reshape(2, 3, 2).requires_grad_()'
     '; ')

# fmt: off
GRADFN_SET = [
    ('r = x * 1; r[0] = 5; P(r); print(r.grad_fn.name())',
     ('tensor([[5., 5., 5.],\n'
      '        [4., 5., 6.]], grad_fn=<CopySlices>)\n'
      'torch::autograd::CopySlices\n')),
    ('r = x * 1; r[:, 1:] = y[:, 1:]; P(r)',
     ('tensor([[1., 3., 4.],\n'
      '        [4., 6., 7.]], grad_fn=<CopySlices>)\n')),
    ('r = x * 1; r[[0, 1]] = 5; P(r)',
     ('tensor([[5., 5., 5.],\n'
      '        [5., 5., 5.]], grad_fn=<IndexPutBackward0>)\n')),
    ('r = x * 1; r[x > 2] = 0; P(r)',
     ('tensor([[1., 2., 0.],\n'
      '        [0., 0., 0.]], grad_fn=<IndexPutBackward0>)\n')),
    ('r = x * 1; r[1, [0, 2]] = 0; P(r)',
     ('tensor([[1., 2., 3.],\n'
      '        [0., 5., 0.]], grad_fn=<CopySlices>)\n')),
]
# fmt: on

@pytest.mark.parametrize("code, expected", GRADFN_SET, ids=_ids(GRADFN_SET))
def test_grad_fn_setitem(code, expected):
    assert _run(SETUP + code) == expected


SETUP_GRAD = ('x = torch.arange(1., 7.).reshape(2, 3).requires_grad_(); y = torch.arange(2.,'
     ' 8.).reshape(2, 3).requires_grad_(); v = torch.tensor([1., 2., 3.], requires_grad=True)'
     '; w = torch.tensor([0.5, 1.5, 2.5], requires_grad=True); m = torch.arange(1.,'
     ' 7.).reshape(3, 2).requires_grad_(); b3 = torch.arange(12.).reshape(2, 3, 2).requires_grad_()'
     '; \n'
     'def check(r):\n'
     '    r = r[0] if isinstance(r, tuple) else r\n'
     '    (r * torch.arange(r.numel(), dtype=r.dtype).reshape(r.shape).cos()).sum()'
     '.backward()\n'
     '    P(x.grad, y.grad, v.grad, w.grad, m.grad, b3.grad)\n')

# fmt: off
GRADVAL = [
    ('check(2 - x)',
     ('tensor([[-1.0000, -0.5403,  0.4161],\n'
      '        [ 0.9900,  0.6536, -0.2837]])\n'
      'None\n'
      'None\n'
      'None\n'
      'None\n'
      'None\n')),
    ('check(2 / x)',
     ('tensor([[-2.0000, -0.2702,  0.0925],\n'
      '        [ 0.1237,  0.0523, -0.0158]])\n'
      'None\n'
      'None\n'
      'None\n'
      'None\n'
      'None\n')),
    ('check(x ** 0)',
     ('tensor([[0., 0., 0.],\n'
      '        [0., 0., 0.]])\n'
      'None\n'
      'None\n'
      'None\n'
      'None\n'
      'None\n')),
    ('check(x.sign())',
     ('tensor([[0., 0., 0.],\n'
      '        [0., 0., 0.]])\n'
      'None\n'
      'None\n'
      'None\n'
      'None\n'
      'None\n')),
    ('check(x % y)',
     ('tensor([[ 1.0000,  0.5403, -0.4161],\n'
      '        [-0.9900, -0.6536,  0.2837]])\n'
      'tensor([[-0., -0., 0.],\n'
      '        [0., 0., -0.]])\n'
      'None\n'
      'None\n'
      'None\n'
      'None\n')),
    ('check(x.rsqrt())',
     ('tensor([[-0.5000, -0.0955,  0.0400],\n'
      '        [ 0.0619,  0.0292, -0.0097]])\n'
      'None\n'
      'None\n'
      'None\n'
      'None\n'
      'None\n')),
    ('check(x.square())',
     ('tensor([[ 2.0000,  2.1612, -2.4969],\n'
      '        [-7.9199, -6.5364,  3.4039]])\n'
      'None\n'
      'None\n'
      'None\n'
      'None\n'
      'None\n')),
    ('check(x.T.reshape(6))',
     ('tensor([[ 1.0000, -0.4161, -0.6536],\n'
      '        [ 0.5403, -0.9900,  0.2837]])\n'
      'None\n'
      'None\n'
      'None\n'
      'None\n'
      'None\n')),
    ('check(x[None, :, 0])',
     ('tensor([[1.0000, 0.0000, 0.0000],\n'
      '        [0.5403, 0.0000, 0.0000]])\n'
      'None\n'
      'None\n'
      'None\n'
      'None\n'
      'None\n')),
    ('check(torch.stack([v, w], 1))',
     ('None\n'
      'None\n'
      'tensor([ 1.0000, -0.4161, -0.6536])\n'
      'tensor([ 0.5403, -0.9900,  0.2837])\n'
      'None\n'
      'None\n')),
    ('check(b3[0, :, [1, 0]])',
     ('None\n'
      'None\n'
      'None\n'
      'None\n'
      'None\n'
      'tensor([[[ 0.5403,  1.0000],\n'
      '         [-0.9900, -0.4161],\n'
      '         [ 0.2837, -0.6536]],\n'
      '\n'
      '        [[ 0.0000,  0.0000],\n'
      '         [ 0.0000,  0.0000],\n'
      '         [ 0.0000,  0.0000]]])\n')),
    ('check(x.masked_fill(x > 3, 0.))',
     ('tensor([[ 1.0000,  0.5403, -0.4161],\n'
      '        [ 0.0000,  0.0000,  0.0000]])\n'
      'None\n'
      'None\n'
      'None\n'
      'None\n'
      'None\n')),
    ('check(x.clone().fill_(2.))',
     ('tensor([[0., 0., 0.],\n'
      '        [0., 0., 0.]])\n'
      'None\n'
      'None\n'
      'None\n'
      'None\n'
      'None\n')),
    ('check(x.clone().zero_())',
     ('tensor([[0., 0., 0.],\n'
      '        [0., 0., 0.]])\n'
      'None\n'
      'None\n'
      'None\n'
      'None\n'
      'None\n')),
    ("check(x.div(2, rounding_mode='floor'))",
     ('tensor([[0., 0., 0.],\n'
      '        [0., 0., 0.]])\n'
      'None\n'
      'None\n'
      'None\n'
      'None\n'
      'None\n')),
    ('check(v @ m)',
     ('None\n'
      'None\n'
      'tensor([2.0806, 5.1612, 8.2418])\n'
      'None\n'
      'tensor([[1.0000, 0.5403],\n'
      '        [2.0000, 1.0806],\n'
      '        [3.0000, 1.6209]])\n'
      'None\n')),
    ('check(x @ b3)',
     ('tensor([[-1.3959,  0.9447,  3.2854],\n'
      '        [10.0483, 10.6642, 11.2801]])\n'
      'None\n'
      'None\n'
      'None\n'
      'None\n'
      'tensor([[[-0.6646, -3.4197],\n'
      '         [-0.0807, -3.8694],\n'
      '         [ 0.5031, -4.3190]],\n'
      '\n'
      '        [[ 3.1870,  3.2993],\n'
      '         [ 3.4936,  4.3368],\n'
      '         [ 3.8001,  5.3744]]])\n')),
    ('check(x.clamp(torch.tensor(2.), torch.tensor(5.)))',
     ('tensor([[ 0.0000,  0.5403, -0.4161],\n'
      '        [-0.9900, -0.6536,  0.0000]])\n'
      'None\n'
      'None\n'
      'None\n'
      'None\n'
      'None\n')),
    ('check(2 ** x)',
     ('tensor([[  1.3863,   1.4980,  -2.3076],\n'
      '        [-10.9794, -14.4983,  12.5837]])\n'
      'None\n'
      'None\n'
      'None\n'
      'None\n'
      'None\n')),
    ('check(x ** y)',
     ('tensor([[ 2.0000e+00,  6.4836e+00, -4.4944e+01],\n'
      '        [-1.2672e+03, -1.2256e+04,  9.2642e+04]])\n'
      'tensor([[ 0.0000e+00,  2.9961e+00, -3.7032e+01],\n'
      '        [-1.4054e+03, -1.6437e+04,  1.4228e+05]])\n'
      'None\n'
      'None\n'
      'None\n'
      'None\n')),
    ('check((x - 3).relu())',
     ('tensor([[ 0.0000,  0.0000,  0.0000],\n'
      '        [-0.9900, -0.6536,  0.2837]])\n'
      'None\n'
      'None\n'
      'None\n'
      'None\n'
      'None\n')),
    ('check(((y - 4).relu() ** 0.5).sin())',
     ('None\n'
      'tensor([[ 0.0000,  0.0000,  0.0000],\n'
      '        [-0.2674, -0.0360, -0.0131]])\n'
      'None\n'
      'None\n'
      'None\n'
      'None\n')),
    ('check((x + 1) % 2.5)',
     ('tensor([[ 1.0000,  0.5403, -0.4161],\n'
      '        [-0.9900, -0.6536,  0.2837]])\n'
      'None\n'
      'None\n'
      'None\n'
      'None\n'
      'None\n')),
    ('check(0.5 / ((x.relu() / ((x * y).abs() + 1)).abs() + 1))',
     ('tensor([[-3.1250e-02, -3.3352e-03,  8.1279e-04],\n'
      '        [ 7.9199e-04,  2.5218e-04, -5.9072e-05]])\n'
      'tensor([[ 0.0312,  0.0133, -0.0073],\n'
      '        [-0.0127, -0.0063,  0.0021]])\n'
      'None\n'
      'None\n'
      'None\n'
      'None\n')),
]
# fmt: on

@pytest.mark.parametrize("code, expected", GRADVAL, ids=_ids(GRADVAL))
def test_grad_values(code, expected):
    assert _run(SETUP_GRAD + code) == expected


SETUP = ('x = torch.arange(1., 7.).reshape(2, 3).requires_grad_(); y = torch.arange(2.,'
     ' 8.).reshape(2, 3).requires_grad_(); v = torch.tensor([1., 2., 3.], requires_grad=True)'
     '; w = torch.tensor([0.5, 1.5, 2.5], requires_grad=True); m = torch.arange(1.,'
     ' 7.).reshape(3, 2).requires_grad_(); b3 = torch.arange(12.).reshape(2, 3, 2).requires_grad_()'
     '; ')

# fmt: off
GRADVAL_MORE = [
    ('(x // 2).sum().backward()',
     '!RuntimeError'),
    (('v2 = torch.tensor(5., requires_grad=True); (x.masked_fill(x > 2, v2) * 2).sum()'
      '.backward(); P(v2.grad)'),
     'tensor(8.)\n'),
    ('r = x * 1; r[1, [0, 2]] = v[:2] * 3; r.sum().backward(); P(x.grad, v.grad)',
     ('tensor([[1., 1., 1.],\n'
      '        [0., 1., 0.]])\n'
      'tensor([3., 3., 0.])\n')),
]
# fmt: on

@pytest.mark.parametrize("code, expected", GRADVAL_MORE, ids=_ids(GRADVAL_MORE))
def test_grad_values_more(code, expected):
    assert _run(SETUP + code) == expected


# fmt: off
OPERATORS = [
    ('P(torch.tensor([1, 2]) * 2.5)',
     'tensor([2.5000, 5.0000])\n'),
    ('P(torch.tensor([1, 2]) / torch.tensor([2, 2]))',
     'tensor([0.5000, 1.0000])\n'),
    ('P(torch.tensor([1, 2]) / 2)',
     'tensor([0.5000, 1.0000])\n'),
    ('P(2 - torch.tensor([1, 2]))',
     'tensor([1, 0])\n'),
    ('P(2 / torch.tensor([1, 2]))',
     'tensor([2., 1.])\n'),
    ('P(2 ** torch.tensor([1, 2]))',
     'tensor([2, 4])\n'),
    ('P(2.5 - torch.tensor([1, 2]))',
     'tensor([1.5000, 0.5000])\n'),
    ('P(2.0 ** torch.tensor([1, 2]))',
     'tensor([2., 4.])\n'),
    ('P(torch.tensor([True]) + torch.tensor([True]))',
     'tensor([True])\n'),
    ('P(torch.tensor([True]) * 3)',
     'tensor([3])\n'),
    ('P(torch.tensor([True]) - 1)',
     '!RuntimeError'),
    ('P(-torch.tensor([True]))',
     '!RuntimeError'),
    ('P(+torch.tensor([True]))',
     '!RuntimeError'),
    ('P(torch.tensor([True]) + True)',
     'tensor([True])\n'),
    ('P(torch.tensor([1], dtype=torch.int32) + torch.tensor([1]))',
     'tensor([2])\n'),
    ('P(torch.tensor([1], dtype=torch.int32) + torch.tensor(1))',
     'tensor([2], dtype=torch.int32)\n'),
    ('P(torch.tensor([1.]) + torch.tensor(1., dtype=torch.float64))',
     'tensor([2.])\n'),
    ('P(torch.tensor(1., dtype=torch.float64) + torch.tensor([1.]))',
     'tensor([2.])\n'),
    ('P(torch.tensor(1) + torch.tensor(1.5))',
     'tensor(2.5000)\n'),
    ('P(torch.tensor([1, 2]) ** -1)',
     '!RuntimeError'),
    ('P(torch.tensor([1, 2]) ** 0.5)',
     'tensor([1.0000, 1.4142])\n'),
    ('P(torch.tensor([7, -7]) // 2)',
     'tensor([ 3, -4])\n'),
    ('P(torch.tensor([7, -7]) % 3)',
     'tensor([1, 2])\n'),
    ('P(torch.tensor([7., -7.]) % 3)',
     'tensor([1., 2.])\n'),
    ('P(7 % torch.tensor([-3]))',
     'tensor([-2])\n'),
    ('P(-7 // torch.tensor([2]))',
     'tensor([-4])\n'),
    ('P(torch.tensor([2., -2.]) % -2.0)',
     'tensor([0., -0.])\n'),
    ('P(torch.tensor([7, -7]) // 0)',
     '!RuntimeError'),
    ('P(torch.tensor([7, -7]) % 0)',
     '!RuntimeError'),
    ('P(torch.tensor([1., -1., 0.]) / 0)',
     'tensor([inf, -inf, nan])\n'),
    ('P(torch.tensor([1, -1, 0]) / 0)',
     'tensor([inf, -inf, nan])\n'),
    ('P(torch.tensor([7.5]) // 0)',
     'tensor([inf])\n'),
    ('P(torch.tensor([True]) // torch.tensor([True]))',
     '!NotImplementedError'),
    ('P(torch.tensor([1, 2]) & torch.tensor([3, 1]))',
     'tensor([1, 0])\n'),
    ('P(torch.tensor([True, False]) & True)',
     'tensor([ True, False])\n'),
    ('P(torch.tensor([1, 2]) | 4)',
     'tensor([5, 6])\n'),
    ('P(torch.tensor([1.]) & 1)',
     '!NotImplementedError'),
    ('P(~torch.tensor([1.]))',
     '!TypeError'),
    ('P(~torch.tensor([1, -2]))',
     'tensor([-2,  1])\n'),
    ('P(~torch.tensor([True, False]))',
     'tensor([False,  True])\n'),
    ('P(torch.tensor([5]) << 1)',
     'tensor([10])\n'),
    ('P(torch.tensor([5]) >> 1)',
     'tensor([2])\n'),
    ('P(1 << torch.tensor([1, 2]))',
     'tensor([2, 4])\n'),
    ('P(torch.tensor([1, 2]) == torch.tensor([1., 3.]))',
     'tensor([ True, False])\n'),
    ('P(torch.tensor([1, 2]) < 1.5)',
     'tensor([ True, False])\n'),
    ('P(torch.tensor([True]) == 1)',
     'tensor([True])\n'),
    ('P(torch.tensor([1, 2]) > torch.tensor([[0], [2]]))',
     ('tensor([[ True,  True],\n'
      '        [False, False]])\n')),
    ('P(torch.tensor([[1.], [2.]]) + torch.tensor([1., 2., 3.]))',
     ('tensor([[2., 3., 4.],\n'
      '        [3., 4., 5.]])\n')),
    ('P(torch.ones(2, 3) + torch.ones(3, 2))',
     '!RuntimeError'),
    ('P(torch.ones(0, 3) + torch.ones(3))',
     'tensor([], size=(0, 3))\n'),
    ('P((torch.ones(2, 1, 3) + torch.ones(4, 1)).shape)',
     'torch.Size([2, 4, 3])\n'),
    ('P(torch.tensor(3) == None)',
     'False\n'),
    ('P(torch.tensor(3) != None)',
     'True\n'),
    ('P(None == torch.tensor(3))',
     'False\n'),
    ("P(torch.tensor([1, 2]) == 'a')",
     'False\n'),
    ('P(torch.tensor([1, 2]) == [1, 2])',
     'False\n'),
    ("P(torch.tensor([1, 2]) < 'a')",
     '!TypeError'),
    ("P(torch.tensor([1, 2]) + 'a')",
     '!TypeError'),
    ('P(torch.tensor([1, 2]) + None)',
     '!TypeError'),
    ('P(torch.tensor([1, 2]) + [1, 2])',
     '!TypeError'),
    ('P([1, 2] + torch.tensor([1, 2]))',
     '!TypeError'),
    ('P((1, 2) * torch.tensor(2))',
     '(1, 2, 1, 2)\n'),
    ('P(torch.tensor([1., 2.]) + np.array([1., 2.]))',
     'tensor([2., 4.], dtype=torch.float64)\n'),
    # PyTorch raises TypeError here; chainrule deliberately dispatches NumPy's ufuncs to its own
    # ops (issue 4: NumPy code stays differentiable), so the array operand works like a tensor
    ('P(np.array([1., 2.]) + torch.tensor([1., 2.]))',
     'tensor([2., 4.], dtype=torch.float64)\n'),
    ('P(np.float64(2.0) * torch.tensor([1., 2.]))',
     'tensor([2., 4.])\n'),
    ('P(torch.tensor([1, 2]) + np.float32(1.5))',
     'tensor([2.5000, 3.5000])\n'),
    ('x = torch.tensor([1., 2.]); x += 1; P(x)',
     'tensor([2., 3.])\n'),
    ('x = torch.tensor([1, 2]); x += 1.5',
     '!RuntimeError'),
    ('x = torch.tensor([1, 2]); x /= 2',
     '!RuntimeError'),
    ('x = torch.tensor([1, 2]); x //= 2; P(x)',
     'tensor([0, 1])\n'),
    ('x = torch.tensor([5., 7.]); x %= 3; P(x)',
     'tensor([2., 1.])\n'),
    ('x = torch.tensor([5, 7]); x &= 3; P(x)',
     'tensor([1, 3])\n'),
    ('x = torch.tensor([5, 7]); x <<= 1; P(x)',
     'tensor([10, 14])\n'),
    ('x = torch.tensor([1., 2.]); y = x; x *= 3; print(y is x, y)',
     'True tensor([3., 6.])\n'),
    ('x = torch.tensor([3, -2, 0]); x **= torch.tensor([3, -2, 0]); P(x)',
     'tensor([27,  0,  1])\n'),
    ('P(torch.tensor([1, 2]).add(1, alpha=2))',
     'tensor([3, 4])\n'),
    ("P(torch.tensor([-7, 7]).div(2, rounding_mode='trunc'))",
     'tensor([-3,  3])\n'),
    ("P(torch.tensor([-7., 7.]).div(2, rounding_mode='floor'))",
     'tensor([-4.,  3.])\n'),
    ('P(torch.remainder(torch.tensor([-3., 3.]), 2))',
     'tensor([1., 1.])\n'),
    ('P(torch.floor_divide(torch.tensor([-3, 3]), 2))',
     'tensor([-2,  1])\n'),
    (('P(torch.masked_fill(torch.tensor([1, 2, 3]), torch.tensor([True, False, True])'
      ', 9))'),
     'tensor([9, 2, 9])\n'),
    ('P(torch.tensor([1, 2, 3]).masked_fill(torch.tensor([1, 0, 1]), 9))',
     '!RuntimeError'),
]
# fmt: on

@pytest.mark.parametrize("code, expected", OPERATORS, ids=_ids(OPERATORS))
def test_operators(code, expected):
    assert _run(code) == expected


# fmt: off
INDEXING = [
    ('P(torch.arange(10)[3])',
     'tensor(3)\n'),
    ('P(torch.arange(10)[-1])',
     'tensor(9)\n'),
    ('P(torch.arange(10)[2:5])',
     'tensor([2, 3, 4])\n'),
    ('P(torch.arange(10)[::3])',
     'tensor([0, 3, 6, 9])\n'),
    ('P(torch.arange(10)[8:2:-1])',
     '!ValueError'),
    ('P(torch.arange(10)[None])',
     'tensor([[0, 1, 2, 3, 4, 5, 6, 7, 8, 9]])\n'),
    ('P(torch.arange(10)[10])',
     '!IndexError'),
    ('P(torch.arange(10)[20:])',
     'tensor([], dtype=torch.int64)\n'),
    ('P(torch.arange(12).reshape(3, 4)[1, 2])',
     'tensor(6)\n'),
    ('P(torch.arange(12).reshape(3, 4)[:, 2])',
     'tensor([ 2,  6, 10])\n'),
    ('P(torch.arange(12).reshape(3, 4)[1:, ::2])',
     ('tensor([[ 4,  6],\n'
      '        [ 8, 10]])\n')),
    ('P(torch.arange(12).reshape(3, 4)[..., -1])',
     'tensor([ 3,  7, 11])\n'),
    ('P(torch.arange(12).reshape(3, 4)[None, 1, None])',
     'tensor([[[4, 5, 6, 7]]])\n'),
    ('P(torch.arange(12).reshape(3, 4)[[0, 2]])',
     ('tensor([[ 0,  1,  2,  3],\n'
      '        [ 8,  9, 10, 11]])\n')),
    ('P(torch.arange(12).reshape(3, 4)[[0, 2], [1, 3]])',
     'tensor([ 1, 11])\n'),
    ('P(torch.arange(12).reshape(3, 4)[torch.tensor([[0], [2]])])',
     ('tensor([[[ 0,  1,  2,  3]],\n'
      '\n'
      '        [[ 8,  9, 10, 11]]])\n')),
    ('P(torch.arange(12).reshape(3, 4)[torch.tensor([True, False, True])])',
     ('tensor([[ 0,  1,  2,  3],\n'
      '        [ 8,  9, 10, 11]])\n')),
    ('P(torch.arange(12).reshape(3, 4)[torch.arange(12).reshape(3, 4) > 5])',
     'tensor([ 6,  7,  8,  9, 10, 11])\n'),
    ('P(torch.arange(12).reshape(3, 4)[torch.tensor(1)])',
     'tensor([4, 5, 6, 7])\n'),
    ('P(torch.arange(12).reshape(3, 4)[torch.tensor(1.)])',
     '!IndexError'),
    ('P(torch.arange(12).reshape(3, 4)[1.0])',
     '!IndexError'),
    ("P(torch.arange(12).reshape(3, 4)['a'])",
     '!TypeError'),
    ('P(torch.arange(12).reshape(3, 4)[[]])',
     'tensor([], size=(0, 4), dtype=torch.int64)\n'),
    ('P(torch.arange(12).reshape(3, 4)[torch.tensor([0, 1], dtype=torch.uint8)])',
     '!IndexError'),
    ('P(torch.arange(12).reshape(3, 4)[0, 4])',
     '!IndexError'),
    ('P(torch.arange(24).reshape(2, 3, 4)[0, :, [1, 2]])',
     ('tensor([[ 1,  2],\n'
      '        [ 5,  6],\n'
      '        [ 9, 10]])\n')),
    ('P(torch.arange(24).reshape(2, 3, 4)[:, 1, [0, 3]])',
     ('tensor([[ 4,  7],\n'
      '        [16, 19]])\n')),
    ('P(torch.arange(24).reshape(2, 3, 4)[[0, 1], :, [1, 2]])',
     ('tensor([[ 1,  5,  9],\n'
      '        [14, 18, 22]])\n')),
    ('P(torch.arange(24).reshape(2, 3, 4)[None, [1, 0], 0:2, -1])',
     ('tensor([[[15, 19],\n'
      '         [ 3,  7]]])\n')),
    ('P(torch.arange(24).reshape(2, 3, 4)[1, [0, 2], [1, 3]])',
     'tensor([13, 23])\n'),
    ('P(torch.arange(24).reshape(2, 3, 4)[..., 0, [1, 2]].shape)',
     'torch.Size([2, 2])\n'),
    ('P(torch.tensor(5)[None])',
     'tensor([5])\n'),
    ('P(torch.tensor(5)[...])',
     'tensor(5)\n'),
    ('P(torch.tensor(5)[0])',
     '!IndexError'),
    ('P(torch.tensor(5)[()])',
     'tensor(5)\n'),
    ('x = torch.arange(5); y = x[1:3]; y[0] = 100; P(x)',
     'tensor([  0, 100,   2,   3,   4])\n'),
    ('x = torch.arange(5); y = x[[1, 2]]; y[0] = 100; P(x)',
     'tensor([0, 1, 2, 3, 4])\n'),
    ('x = torch.zeros(2, 3); x[:, 1] = 5; P(x)',
     ('tensor([[0., 5., 0.],\n'
      '        [0., 5., 0.]])\n')),
    ('x = torch.arange(6.).reshape(2, 3); x[x > 2] = -1; P(x)',
     ('tensor([[ 0.,  1.,  2.],\n'
      '        [-1., -1., -1.]])\n')),
    ('x = torch.zeros(4); x[torch.tensor([0, 2])] = torch.tensor([1., 2.]); P(x)',
     'tensor([1., 0., 2., 0.])\n'),
    ('x = torch.arange(24.).reshape(2, 3, 4); x[0, :, [1, 2]] = -1; P(x[0])',
     ('tensor([[ 0., -1., -1.,  3.],\n'
      '        [ 4., -1., -1.,  7.],\n'
      '        [ 8., -1., -1., 11.]])\n')),
    ('x = torch.zeros(3, dtype=torch.int64); x[0] = 2.7; P(x)',
     'tensor([2, 0, 0])\n'),
    ('x = torch.zeros(3); x[:2] = torch.tensor([1., 2., 3.])',
     '!RuntimeError'),
    ("x = torch.zeros(3); x[0] = 'a'",
     '!TypeError'),
    ('x = torch.zeros(3); x[0] = None',
     '!TypeError'),
    ('x = torch.zeros(3); x[:2] = [1., 2.]',
     '!TypeError'),
    ('x = torch.zeros(3); x[0] = np.float32(2.5)',
     '!TypeError'),
    ('x = torch.zeros(3); x[0] = np.float64(2.5); P(x)',
     'tensor([2.5000, 0.0000, 0.0000])\n'),
]
# fmt: on

@pytest.mark.parametrize("code, expected", INDEXING, ids=_ids(INDEXING))
def test_indexing(code, expected):
    assert _run(code) == expected


# fmt: off
PROTOCOL = [
    ('P(len(torch.zeros(3, 2)))',
     '3\n'),
    ('P(len(torch.tensor(1)))',
     '!TypeError'),
    ('P(list(torch.arange(3)))',
     '[tensor(0), tensor(1), tensor(2)]\n'),
    ('P(iter(torch.tensor(1)))',
     '!TypeError'),
    ('P(bool(torch.tensor(1)))',
     'True\n'),
    ('P(bool(torch.tensor([0.])))',
     'False\n'),
    ('P(bool(torch.tensor([1, 2])))',
     '!RuntimeError'),
    ('P(bool(torch.tensor([])))',
     '!RuntimeError'),
    ('P(float(torch.tensor(2)))',
     '2.0\n'),
    ('P(float(torch.tensor([1., 2.])))',
     '!ValueError'),
    ('P(int(torch.tensor(-2.7)))',
     '-2\n'),
    ('P(int(torch.tensor([1, 2])))',
     '!ValueError'),
    ('P([10, 20, 30][torch.tensor(1)])',
     '20\n'),
    ('P([10, 20, 30][torch.tensor(1.)])',
     '!TypeError'),
    ('P(range(torch.tensor(3)))',
     'range(0, 3)\n'),
    ('P(hex(torch.tensor(255)))',
     "'0xff'\n"),
    ('P(torch.tensor(3.5).item())',
     '3.5\n'),
    ('P(torch.tensor([1, 2]).item())',
     '!RuntimeError'),
    ('P(type(torch.tensor(3).item()).__name__)',
     "'int'\n"),
    ('P(torch.tensor([[1, 2], [3, 4]]).tolist())',
     '[[1, 2], [3, 4]]\n'),
    ('P(torch.tensor([True, False]).tolist())',
     '[True, False]\n'),
    ('P(torch.tensor(2).numpy())',
     'array(2)\n'),
    ('P(torch.zeros(2, 3).shape)',
     'torch.Size([2, 3])\n'),
    ('P(torch.zeros(2, 3).size(1))',
     '3\n'),
    ('P(torch.zeros(2, 3).size(-3))',
     '!IndexError'),
    ('P(torch.zeros(2, 3).shape[1:])',
     'torch.Size([3])\n'),
    ('P(torch.zeros(2, 3).shape + (4,))',
     'torch.Size([2, 3, 4])\n'),
    ('P((1,) + torch.zeros(2, 3).shape)',
     'torch.Size([1, 2, 3])\n'),
    ('P(torch.Size([2, 3]).numel())',
     '6\n'),
    ('P(torch.zeros(2, 3).dim())',
     '2\n'),
    ('P(torch.zeros(2, 3).ndim)',
     '2\n'),
    ('P(torch.zeros(2, 3).numel())',
     '6\n'),
    ('P(torch.zeros(()).size())',
     'torch.Size([])\n'),
    ('P(torch.arange(6).reshape(2, 3).T)',
     ('tensor([[0, 3],\n'
      '        [1, 4],\n'
      '        [2, 5]])\n')),
    ('P(torch.arange(6).reshape(2, 3).mT)',
     ('tensor([[0, 3],\n'
      '        [1, 4],\n'
      '        [2, 5]])\n')),
    ('P(torch.arange(3).mT)',
     '!RuntimeError'),
    ('P(torch.arange(6).reshape(2, 3).mH)',
     ('tensor([[0, 3],\n'
      '        [1, 4],\n'
      '        [2, 5]])\n')),
    ('P(torch.arange(6).reshape(2, 3).H)',
     ('tensor([[0, 3],\n'
      '        [1, 4],\n'
      '        [2, 5]])\n')),
    ('x = torch.tensor([1.]); print(x.is_leaf, x.requires_grad, x.grad, x.grad_fn)',
     'True False None None\n'),
    (('x = torch.tensor([1.], requires_grad=True); y = x * 2; print(x.is_leaf, y.is_leaf,'
      ' y.requires_grad)'),
     'True False True\n'),
    ('x = torch.tensor([1]); x.requires_grad_()',
     '!RuntimeError'),
    ('x = torch.tensor([1.], requires_grad=True); (x * 2).requires_grad_(False)',
     '!RuntimeError'),
    ('x = torch.tensor([1., 2.], requires_grad=True); x.numpy()',
     '!RuntimeError'),
    ("P(f'{torch.tensor(1.5):.2f}')",
     "'1.50'\n"),
    ("P('%d' % torch.tensor(3))",
     "'3'\n"),
    ('P(torch.all(torch.tensor([1, 0])))',
     'tensor(False)\n'),
    ('P(torch.any(torch.tensor([[0, 1]]), 1))',
     'tensor([True])\n'),
    ('P(torch.tensor([3, 2, 0], dtype=torch.uint8).all())',
     'tensor(0, dtype=torch.uint8)\n'),
]
# fmt: on

@pytest.mark.parametrize("code, expected", PROTOCOL, ids=_ids(PROTOCOL))
def test_protocol(code, expected):
    assert _run(code) == expected
