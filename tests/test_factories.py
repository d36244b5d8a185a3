"""Tensor construction parity with PyTorch: tensor() inference and errors, factories, exact ranges,
random factories, *_like, devices.

Expected outputs were produced by running each snippet under PyTorch 2.13 (CPU) with `import
torch`; here the same snippet runs with `chainrule` bound to `torch`. A snippet's output is what it
prints (reprs of tensors, dtypes, shapes, grads), or `!ErrorType` when it raises.
"""

import numpy as np
import pytest

import chainrule as torch

from _snippets import _ids, _run

# fmt: off
CONSTRUCT = [
    ('P(torch.tensor(1))',
     'tensor(1)\n'),
    ('P(torch.tensor(1.5))',
     'tensor(1.5000)\n'),
    ('P(torch.tensor(True))',
     'tensor(True)\n'),
    ('P(torch.tensor([1, 2]))',
     'tensor([1, 2])\n'),
    ('P(torch.tensor([1., 2]))',
     'tensor([1., 2.])\n'),
    ('P(torch.tensor([True, False]))',
     'tensor([ True, False])\n'),
    ('P(torch.tensor([[1, 2], [3, 4]]))',
     ('tensor([[1, 2],\n'
      '        [3, 4]])\n')),
    ('P(torch.tensor([]))',
     'tensor([])\n'),
    ('P(torch.tensor([[]]))',
     'tensor([], size=(1, 0))\n'),
    ('P(torch.tensor([[], []]))',
     'tensor([], size=(2, 0))\n'),
    ('P(torch.tensor([1, 2.5]))',
     'tensor([1.0000, 2.5000])\n'),
    ('P(torch.tensor([True, 2]))',
     'tensor([1, 2])\n'),
    ('P(torch.tensor([True, 2.5]))',
     'tensor([1.0000, 2.5000])\n'),
    ('P(torch.tensor((1, 2)))',
     'tensor([1, 2])\n'),
    ('P(torch.tensor(range(3)))',
     'tensor([0, 1, 2])\n'),
    ('P(torch.tensor([range(2), range(2)]))',
     ('tensor([[0, 1],\n'
      '        [0, 1]])\n')),
    ('P(torch.tensor(torch.Size([2, 3])))',
     'tensor([2, 3])\n'),
    ('P(torch.tensor([[1, 2], (3, 4)]))',
     ('tensor([[1, 2],\n'
      '        [3, 4]])\n')),
    ('P(torch.tensor(np.array([1, 2], dtype=np.int32)))',
     'tensor([1, 2], dtype=torch.int32)\n'),
    ('P(torch.tensor(np.float64(1.5)))',
     'tensor(1.5000, dtype=torch.float64)\n'),
    ('P(torch.tensor(np.float32(2)))',
     'tensor(2.)\n'),
    ('P(torch.tensor(np.int64(3)))',
     'tensor(3)\n'),
    ('P(torch.tensor([np.float64(1.0), 2]))',
     'tensor([1., 2.], dtype=torch.float64)\n'),
    ('P(torch.tensor([np.float32(1.0), 2]))',
     'tensor([1., 2.])\n'),
    ('P(torch.tensor([np.int32(1), 2.5]))',
     'tensor([1.0000, 2.5000])\n'),
    ('P(torch.tensor([[np.float32(1), 2], [3, 4]]))',
     ('tensor([[1., 2.],\n'
      '        [3., 4.]])\n')),
    ('P(torch.tensor(np.array([1.5, 2], dtype=np.float16)))',
     'tensor([1.5000, 2.0000], dtype=torch.float16)\n'),
    ('P(torch.tensor(np.zeros((2, 0))))',
     'tensor([], size=(2, 0), dtype=torch.float64)\n'),
    ('P(torch.tensor(np.arange(6.).reshape(2, 3).T))',
     ('tensor([[0., 3.],\n'
      '        [1., 4.],\n'
      '        [2., 5.]], dtype=torch.float64)\n')),
    ('P(torch.tensor([np.array([1., 2.]), np.array([3., 4.])]))',
     ('tensor([[1., 2.],\n'
      '        [3., 4.]], dtype=torch.float64)\n')),
    ('P(torch.tensor([torch.tensor(1.), torch.tensor(2.)]))',
     'tensor([1., 2.])\n'),
    ('P(torch.tensor([torch.tensor(1), 2.5]))',
     'tensor([1.0000, 2.5000])\n'),
    ('P(torch.tensor([torch.tensor(1., dtype=torch.float64), 2]))',
     'tensor([1., 2.], dtype=torch.float64)\n'),
    ('P(torch.tensor([[torch.tensor(1.5)]]))',
     'tensor([[1.5000]])\n'),
    ('x = torch.tensor([2.], requires_grad=True); P(torch.tensor([x[0], x[0] * 2]))',
     'tensor([2., 4.])\n'),
    ('x = torch.tensor([2.], requires_grad=True); P(torch.tensor(x))',
     'tensor([2.])\n'),
    ('P(torch.tensor([1, 2], dtype=torch.float32))',
     'tensor([1., 2.])\n'),
    ('P(torch.tensor([1.7, -1.7], dtype=torch.int64))',
     'tensor([ 1, -1])\n'),
    ('P(torch.tensor([1.5, 0.0], dtype=torch.bool))',
     'tensor([ True, False])\n'),
    ('P(torch.tensor([1, 2], dtype=float))',
     'tensor([1., 2.], dtype=torch.float64)\n'),
    ('P(torch.tensor([1.5, 2], dtype=int))',
     'tensor([1, 2])\n'),
    ('P(torch.tensor([1, 0], dtype=bool))',
     'tensor([ True, False])\n'),
    ('P(torch.tensor([1, 2], dtype=torch.half))',
     'tensor([1., 2.], dtype=torch.float16)\n'),
    ('P(torch.tensor([1, 2], dtype=torch.uint8))',
     'tensor([1, 2], dtype=torch.uint8)\n'),
    ('P(torch.tensor(0.1, dtype=torch.float64).item())',
     '0.1\n'),
    ('P(torch.tensor([0.1, 1/3], dtype=torch.float64).tolist())',
     '[0.1, 0.3333333333333333]\n'),
    ('P(torch.tensor([1e10, 1e-10]))',
     'tensor([1.0000e+10, 1.0000e-10])\n'),
    ('P(torch.tensor(2**62))',
     'tensor(4611686018427387904)\n'),
    ('P(torch.tensor(1e39))',
     'tensor(inf)\n'),
    ("P(torch.tensor([float('inf'), -float('inf'), 1.0]))",
     'tensor([inf, -inf, 1.])\n'),
    ('P(torch.tensor([1, 2], requires_grad=False))',
     'tensor([1, 2])\n'),
    ('P(torch.tensor(1.5, requires_grad=True))',
     'tensor(1.5000, requires_grad=True)\n'),
    ('P(torch.tensor([1, 2.], requires_grad=True))',
     'tensor([1., 2.], requires_grad=True)\n'),
    ('P(torch.tensor([1, 2], dtype=torch.float64, requires_grad=True))',
     'tensor([1., 2.], dtype=torch.float64, requires_grad=True)\n'),
    ('P(torch.Tensor([1, 2]))',
     'tensor([1., 2.])\n'),
    ('P(torch.Tensor(2, 3).shape)',
     'torch.Size([2, 3])\n'),
    ('P(torch.Tensor())',
     'tensor([])\n'),
    ('P(torch.Tensor([True]))',
     'tensor([1.])\n'),
    ('P(torch.as_tensor([1, 2]))',
     'tensor([1, 2])\n'),
    ('P(torch.as_tensor(3))',
     'tensor(3)\n'),
    ('P(torch.as_tensor([1, 2], dtype=torch.float64))',
     'tensor([1., 2.], dtype=torch.float64)\n'),
    ('a = np.array([1., 2.]); t = torch.as_tensor(a); a[0] = 9; P(t)',
     'tensor([9., 2.], dtype=torch.float64)\n'),
    (('a = np.array([1., 2.]); t = torch.as_tensor(a, dtype=torch.float32); a[0] = 9;'
      ' P(t)'),
     'tensor([1., 2.])\n'),
    (('a = torch.tensor([1., 2.]); print(torch.as_tensor(a) is a, torch.as_tensor(a,'
      ' dtype=torch.float32) is a)'),
     'True True\n'),
    (('a = torch.tensor([1., 2.], requires_grad=True); b = torch.as_tensor(a, dtype=torch.float64)'
      '; P(b)'),
     'tensor([1., 2.], dtype=torch.float64, grad_fn=<ToCopyBackward0>)\n'),
    ('a = np.arange(3.); t = torch.asarray(a); a[1] = 7; P(t)',
     'tensor([0., 7., 2.], dtype=torch.float64)\n'),
    ('a = np.arange(3.); t = torch.from_numpy(a); a[0] = 5; P(t)',
     'tensor([5., 1., 2.], dtype=torch.float64)\n'),
    ('a = np.arange(3.); t = torch.from_numpy(a); t[1] = 7; print(a)',
     '[0. 7. 2.]\n'),
    ('a = np.arange(3); t = torch.from_numpy(a); t.add_(1); print(a)',
     '[1 2 3]\n'),
    ('P(torch.from_numpy(np.array([1, 2], dtype=np.int32)))',
     'tensor([1, 2], dtype=torch.int32)\n'),
    ('P(torch.from_numpy(np.array(5.0)))',
     'tensor(5., dtype=torch.float64)\n'),
    ('P(torch.from_numpy(np.arange(6.).reshape(2, 3).T))',
     ('tensor([[0., 3.],\n'
      '        [1., 4.],\n'
      '        [2., 5.]], dtype=torch.float64)\n')),
    ('t = torch.tensor([1., 2.]); n = t.numpy(); n[0] = 5; P(t)',
     'tensor([5., 2.])\n'),
    ('t = torch.tensor([1., 2.]); a = np.asarray(t); a[1] = 3; P(t)',
     'tensor([1., 3.])\n'),
]
# fmt: on

@pytest.mark.parametrize("code, expected", CONSTRUCT, ids=_ids(CONSTRUCT))
def test_construct(code, expected):
    assert _run(code) == expected


# fmt: off
CONSTRUCT_ERRORS = [
    ('P(torch.tensor([[1, 2], [3]]))',
     '!ValueError'),
    ('P(torch.tensor([[1], [2, 3]]))',
     '!ValueError'),
    ('P(torch.tensor([[[1, 2]], [[3]]]))',
     '!ValueError'),
    ('P(torch.tensor([[1.0], []]))',
     '!ValueError'),
    ('P(torch.tensor([[], [1.0]]))',
     'tensor([], size=(2, 0))\n'),
    ('P(torch.tensor([[1, 2], 3]))',
     '!TypeError'),
    ('P(torch.tensor([1, [2, 3]]))',
     '!TypeError'),
    ("P(torch.tensor('abc'))",
     '!TypeError'),
    ("P(torch.tensor(['a', 'b']))",
     '!ValueError'),
    ("P(torch.tensor([1, 'a']))",
     '!TypeError'),
    ("P(torch.tensor(b'ab'))",
     '!TypeError'),
    ('P(torch.tensor(None))',
     '!RuntimeError'),
    ('P(torch.tensor([1, None]))',
     '!RuntimeError'),
    ('P(torch.tensor({1: 2}))',
     '!RuntimeError'),
    ('P(torch.tensor(object()))',
     '!RuntimeError'),
    ('P(torch.tensor([torch.tensor([1., 2.])]))',
     '!ValueError'),
    ('P(torch.tensor([torch.tensor([1, 2])]))',
     '!TypeError'),
    ('P(torch.tensor(2**63))',
     '!ValueError'),
    ('P(torch.tensor([1, 2**63]))',
     '!ValueError'),
    ('P(torch.tensor([300], dtype=torch.int8))',
     '!RuntimeError'),
    (('P(torch.tensor([1.5], dtype=torch.uint8) if False else torch.tensor([2**40], '
      'dtype=torch.int32))'),
     '!RuntimeError'),
    ('P(torch.tensor([1, 2], requires_grad=True))',
     '!RuntimeError'),
    ('P(torch.tensor([True], requires_grad=True))',
     '!RuntimeError'),
    ('P(torch.tensor([1., 2], dtype=torch.int32, requires_grad=True))',
     '!RuntimeError'),
    ('P(torch.zeros(2, dtype=torch.int64, requires_grad=True))',
     '!RuntimeError'),
    ('P(torch.arange(3, requires_grad=True))',
     '!RuntimeError'),
    ('P(torch.full((2,), 1, requires_grad=True))',
     '!RuntimeError'),
    ("P(torch.tensor([1], dtype='float32'))",
     '!TypeError'),
    ('P(torch.tensor([1], dtype=np.float32))',
     '!TypeError'),
    ("P(torch.zeros(2, dtype='float32'))",
     '!TypeError'),
    ('P(torch.from_numpy([1, 2]))',
     '!TypeError'),
    ('P(torch.from_numpy(np.float64(1.0)))',
     '!TypeError'),
    ('P(torch.from_numpy(np.arange(5)[::-1]))',
     '!ValueError'),
    ('P(torch.as_tensor([[1, 2], [3]]))',
     '!ValueError'),
    ("P(torch.as_tensor('x'))",
     '!TypeError'),
]
# fmt: on

@pytest.mark.parametrize("code, expected", CONSTRUCT_ERRORS, ids=_ids(CONSTRUCT_ERRORS))
def test_construct_errors(code, expected):
    assert _run(code) == expected


# fmt: off
FACTORIES = [
    ('P(torch.zeros(2, 3))',
     ('tensor([[0., 0., 0.],\n'
      '        [0., 0., 0.]])\n')),
    ('P(torch.zeros((2, 3)))',
     ('tensor([[0., 0., 0.],\n'
      '        [0., 0., 0.]])\n')),
    ('P(torch.zeros([2, 3]))',
     ('tensor([[0., 0., 0.],\n'
      '        [0., 0., 0.]])\n')),
    ('P(torch.zeros(()))',
     'tensor(0.)\n'),
    ('P(torch.zeros(0))',
     'tensor([])\n'),
    ('P(torch.zeros(2, 0))',
     'tensor([], size=(2, 0))\n'),
    ('P(torch.zeros(3, dtype=torch.int64))',
     'tensor([0, 0, 0])\n'),
    ('P(torch.zeros(2, dtype=torch.bool))',
     'tensor([False, False])\n'),
    ('P(torch.zeros(2, requires_grad=True))',
     'tensor([0., 0.], requires_grad=True)\n'),
    ('P(torch.zeros(torch.Size([2, 1])))',
     ('tensor([[0.],\n'
      '        [0.]])\n')),
    ('P(torch.zeros(size=(2,)))',
     'tensor([0., 0.])\n'),
    ('P(torch.zeros(2, dtype=float))',
     'tensor([0., 0.], dtype=torch.float64)\n'),
    ('P(torch.zeros(np.int64(2)))',
     'tensor([0., 0.])\n'),
    ('P(torch.zeros(2.5))',
     '!TypeError'),
    ('P(torch.zeros(-1))',
     '!RuntimeError'),
    ('P(torch.zeros(True))',
     '!TypeError'),
    ('P(torch.zeros(2, size=(3,)))',
     '!TypeError'),
    ('P(torch.ones(2, 3))',
     ('tensor([[1., 1., 1.],\n'
      '        [1., 1., 1.]])\n')),
    ('P(torch.ones(()))',
     'tensor(1.)\n'),
    ('P(torch.ones(1, dtype=torch.int32))',
     'tensor([1], dtype=torch.int32)\n'),
    ('P(torch.ones(size=(1, 2)))',
     'tensor([[1., 1.]])\n'),
    ('P(torch.ones(3, requires_grad=True))',
     'tensor([1., 1., 1.], requires_grad=True)\n'),
    ('P(torch.full((2, 2), 3))',
     ('tensor([[3, 3],\n'
      '        [3, 3]])\n')),
    ('P(torch.full((2,), 1.5))',
     'tensor([1.5000, 1.5000])\n'),
    ('P(torch.full((2,), True))',
     'tensor([True, True])\n'),
    ('P(torch.full((), 7))',
     'tensor(7)\n'),
    ('P(torch.full((2,), 3, dtype=torch.float32))',
     'tensor([3., 3.])\n'),
    ('P(torch.full((2,), 2.5, dtype=torch.int64))',
     'tensor([2, 2])\n'),
    ('P(torch.full((2,), torch.tensor(3.)))',
     'tensor([3., 3.])\n'),
    ('P(torch.full((2,), np.float64(1.5)))',
     'tensor([1.5000, 1.5000])\n'),
    ('P(torch.full((2,), np.int32(3)))',
     'tensor([3, 3])\n'),
    ('P(torch.full(2, 3.))',
     '!TypeError'),
    ("P(torch.full((2,), 'a'))",
     '!TypeError'),
    ('P(torch.empty(2, 3).shape)',
     'torch.Size([2, 3])\n'),
    ('P(torch.empty(0))',
     'tensor([])\n'),
    ('P(torch.empty((2,), dtype=torch.int64).dtype)',
     'torch.int64\n'),
    ('P(torch.arange(5))',
     'tensor([0, 1, 2, 3, 4])\n'),
    ('P(torch.arange(1, 4))',
     'tensor([1, 2, 3])\n'),
    ('P(torch.arange(0, 1, 0.25))',
     'tensor([0.0000, 0.2500, 0.5000, 0.7500])\n'),
    ('P(torch.arange(5, 0, -1))',
     'tensor([5, 4, 3, 2, 1])\n'),
    ('P(torch.arange(5.))',
     'tensor([0., 1., 2., 3., 4.])\n'),
    ('P(torch.arange(0, -3, -1))',
     'tensor([ 0, -1, -2])\n'),
    ('P(torch.arange(-1.0, 1.0, 0.5))',
     'tensor([-1.0000, -0.5000,  0.0000,  0.5000])\n'),
    ('P(torch.arange(0, 1, 0.1).shape)',
     'torch.Size([10])\n'),
    ('P(torch.arange(5, dtype=torch.int32))',
     'tensor([0, 1, 2, 3, 4], dtype=torch.int32)\n'),
    ('P(torch.arange(torch.tensor(3)))',
     'tensor([0, 1, 2])\n'),
    ('P(torch.arange(end=4))',
     'tensor([0, 1, 2, 3])\n'),
    ('P(torch.arange(start=1, end=4))',
     'tensor([1, 2, 3])\n'),
    ('P(torch.arange(0.5, 3, 1, dtype=torch.int64))',
     'tensor([0, 1, 2])\n'),
    ('P(torch.arange(-1.5, 2, 1, dtype=torch.int64))',
     'tensor([-1,  0,  1])\n'),
    ('P(torch.arange(5, dtype=torch.float16))',
     'tensor([0., 1., 2., 3., 4.], dtype=torch.float16)\n'),
    ('P(torch.arange(0, 5, -1))',
     '!RuntimeError'),
    ('P(torch.arange(0, 5, 0))',
     '!RuntimeError'),
    ('P(torch.arange(0, 3, 0.5, dtype=torch.int64))',
     '!ValueError'),
    ('P(torch.arange(3, dtype=torch.bool))',
     '!NotImplementedError'),
    ("P(torch.arange(float('inf')))",
     '!RuntimeError'),
    ('P(torch.arange())',
     '!TypeError'),
    ('print(torch.arange(0, 1, 0.1).tolist())',
     ('[0.0, 0.10000000149011612, 0.20000000298023224, 0.30000001192092896, 0.4000000059604645,'
      ' 0.5, 0.6000000238418579, 0.699999988079071, 0.800000011920929, 0.8999999761581421]\n')),
    ('print(torch.arange(0.5, 10.5, 0.7).tolist())',
     ('[0.5, 1.2000000476837158, 1.899999976158142, 2.5999999046325684, 3.299999952316284,'
      ' 4.0, 4.699999809265137, 5.400000095367432, 6.099999904632568, 6.800000190734863,'
      ' 7.5, 8.199999809265137, 8.899999618530273, 9.600000381469727, 10.300000190734863]\n')),
    ('print(torch.arange(-3.3, 9.1, 0.37).tolist())',
     ('[-3.299999952316284, -2.930000066757202, -2.559999942779541, -2.190000057220459,'
      ' -1.8199999332427979, -1.4499999284744263, -1.0799999237060547, -0.7099999785423279,'
      ' -0.3400000035762787, 0.029999995604157448, 0.4000000059604645, 0.7699999809265137,'
      ' 1.1399999856948853, 1.5099999904632568, 1.8799999952316284, 2.25, 2.619999885559082,'
      ' 2.989999771118164, 3.359999895095825, 3.7299997806549072, 4.099999904632568,'
      ' 4.46999979019165, 4.839999675750732, 5.210000038146973, 5.579999923706055, 5.949999809265137,'
      ' 6.319999694824219, 6.690000057220459, 7.059999942779541, 7.429999828338623, '
      '7.799999713897705, 8.170000076293945, 8.539999961853027, 8.90999984741211]\n')),
    ('print(torch.arange(1, 60, 1/3).tolist()[-20:])',
     ('[53.333335876464844, 53.66666793823242, 54.0, 54.33333206176758, 54.666664123535156,'
      ' 55.0, 55.33333206176758, 55.666664123535156, 56.0, 56.33333206176758, 56.666664123535156,'
      ' 57.0, 57.33333206176758, 57.66666793823242, 58.0, 58.33333206176758, 58.66666793823242,'
      ' 59.0, 59.33333206176758, 59.66666793823242]\n')),
    ('print(torch.arange(0, 5, 0.17, dtype=torch.float64).tolist())',
     ('[0.0, 0.17, 0.34, 0.51, 0.68, 0.8500000000000001, 1.02, 1.1900000000000002, 1.36,'
      ' 1.53, 1.7000000000000002, 1.87, 2.04, 2.21, 2.38, 2.5500000000000003, 2.72, '
      '2.89, 3.06, 3.2300000000000004, 3.4000000000000004, 3.5700000000000003, 3.74,'
      ' 3.9100000000000006, 4.08, 4.25, 4.42, 4.590000000000001, 4.760000000000001, '
      '4.930000000000001]\n')),
    ('P(torch.linspace(0, 1, 5))',
     'tensor([0.0000, 0.2500, 0.5000, 0.7500, 1.0000])\n'),
    ('P(torch.linspace(0, 1, 1))',
     'tensor([0.])\n'),
    ('P(torch.linspace(-1, 1, 4))',
     'tensor([-1.0000, -0.3333,  0.3333,  1.0000])\n'),
    ('P(torch.linspace(0, 1, 0))',
     'tensor([])\n'),
    ('P(torch.linspace(0, 10, steps=5, dtype=torch.int64))',
     'tensor([ 0,  2,  5,  7, 10])\n'),
    ('P(torch.linspace(0, 9, 4, dtype=torch.int32))',
     'tensor([0, 3, 6, 9], dtype=torch.int32)\n'),
    ('P(torch.linspace(0, 1, -1))',
     '!RuntimeError'),
    ('P(torch.linspace(0, 1, 2.0))',
     '!TypeError'),
    ('P(torch.linspace(0, 1, 3, requires_grad=True))',
     'tensor([0.0000, 0.5000, 1.0000], requires_grad=True)\n'),
    ('print(torch.linspace(3, -3, 8).tolist())',
     ('[3.0, 2.142857074737549, 1.2857142686843872, 0.4285714030265808, -0.4285714030265808,'
      ' -1.2857142686843872, -2.142857074737549, -3.0]\n')),
    ('print(torch.linspace(-1, 1, 100).tolist()[40:60])',
     ('[-0.19191919267177582, -0.17171716690063477, -0.1515151560306549, -0.13131313025951385,'
      ' -0.1111111119389534, -0.09090909361839294, -0.07070706784725189, -0.05050504952669144,'
      ' -0.03030303120613098, -0.010101011022925377, 0.010101011022925377, 0.03030303120613098,'
      ' 0.05050504952669144, 0.07070706784725189, 0.09090909361839294, 0.1111111119389534,'
      ' 0.13131313025951385, 0.1515151560306549, 0.17171716690063477, 0.19191919267177582]\n')),
    ('print(torch.linspace(0.3, 0.7, 33).tolist())',
     ('[0.30000001192092896, 0.3125, 0.32500001788139343, 0.3375000059604645, 0.3500000238418579,'
      ' 0.36250001192092896, 0.375, 0.38750001788139343, 0.4000000059604645, 0.4124999940395355,'
      ' 0.42500001192092896, 0.4375, 0.44999998807907104, 0.4625000059604645, 0.4749999940395355,'
      ' 0.48750001192092896, 0.5, 0.512499988079071, 0.5249999761581421, 0.5375000238418579,'
      ' 0.550000011920929, 0.5625, 0.574999988079071, 0.5874999761581421, 0.6000000238418579,'
      ' 0.612500011920929, 0.625, 0.637499988079071, 0.6499999761581421, 0.6624999642372131,'
      ' 0.675000011920929, 0.6875, 0.699999988079071]\n')),
    ('print(torch.linspace(-2.5, 7.3, 11, dtype=torch.float64).tolist())',
     ('[-2.5, -1.52, -0.5399999999999998, 0.4400000000000003, 1.4200000000000004, 2.3999999999999995,'
      ' 3.3799999999999994, 4.359999999999999, 5.34, 6.319999999999999, 7.3]\n')),
    ('print(torch.linspace(-7, 5, 9, dtype=torch.int64).tolist())',
     '[-7, -5, -4, -2, -1, 0, 2, 3, 5]\n'),
    ('P(torch.logspace(0, 2, 3))',
     'tensor([  1.,  10., 100.])\n'),
    ('P(torch.logspace(0, 1, 2, base=2))',
     'tensor([1., 2.])\n'),
    ('P(torch.eye(3))',
     ('tensor([[1., 0., 0.],\n'
      '        [0., 1., 0.],\n'
      '        [0., 0., 1.]])\n')),
    ('P(torch.eye(2, 3))',
     ('tensor([[1., 0., 0.],\n'
      '        [0., 1., 0.]])\n')),
    ('P(torch.eye(3, dtype=torch.int64))',
     ('tensor([[1, 0, 0],\n'
      '        [0, 1, 0],\n'
      '        [0, 0, 1]])\n')),
    ('P(torch.eye(0))',
     'tensor([], size=(0, 0))\n'),
    ('P(torch.eye(-1))',
     '!RuntimeError'),
    ('P(torch.eye(2, -1))',
     '!RuntimeError'),
    ('P(torch.eye(2.5))',
     '!TypeError'),
    ('P(torch.zeros_like(torch.tensor([1., 2.])))',
     'tensor([0., 0.])\n'),
    ('P(torch.ones_like(torch.tensor([[1, 2]])))',
     'tensor([[1, 1]])\n'),
    ('P(torch.full_like(torch.tensor([1., 2.]), 7))',
     'tensor([7., 7.])\n'),
    ('P(torch.full_like(torch.tensor([1, 2]), 2.7))',
     'tensor([2, 2])\n'),
    ('P(torch.zeros_like(torch.tensor([1., 2.]), dtype=torch.float64))',
     'tensor([0., 0.], dtype=torch.float64)\n'),
    ('P(torch.ones_like(torch.tensor([1., 2.], requires_grad=True)))',
     'tensor([1., 1.])\n'),
    ('P(torch.zeros_like(torch.tensor([1., 2.]), requires_grad=True))',
     'tensor([0., 0.], requires_grad=True)\n'),
    ('P(torch.zeros_like([1, 2]))',
     '!TypeError'),
    ('P(torch.rand_like(torch.tensor([1, 2])))',
     '!NotImplementedError'),
    ('P(torch.randn_like(torch.tensor([1, 2])))',
     '!NotImplementedError'),
    (('x = torch.tensor([1., 2.]); print(x.new_zeros(3), x.new_ones((2,)), x.new_full((2,'
      '), 5), x.new_tensor([1, 2]))'),
     'tensor([0., 0., 0.]) tensor([1., 1.]) tensor([5., 5.]) tensor([1., 2.])\n'),
    (('x = torch.tensor([1, 2]); print(x.new_zeros(2), x.new_tensor([1.5]), x.new_empty(2)'
      '.shape)'),
     'tensor([0, 0]) tensor([1]) torch.Size([2])\n'),
    ('o = torch.zeros(1); r = torch.zeros(2, 2, out=o); print(r is o, o)',
     ('True tensor([[0., 0.],\n'
      '        [0., 0.]])\n')),
]
# fmt: on

@pytest.mark.parametrize("code, expected", FACTORIES, ids=_ids(FACTORIES))
def test_factories(code, expected):
    assert _run(code) == expected


# fmt: off
RANDOM = [
    (('x = torch.rand(2, 3); print(x.shape, x.dtype, bool(((x >= 0) & (x < 1)).all()'
      '))'),
     'torch.Size([2, 3]) torch.float32 True\n'),
    ('x = torch.rand((2, 3), dtype=torch.float64); print(x.shape, x.dtype)',
     'torch.Size([2, 3]) torch.float64\n'),
    ('x = torch.randn(4, requires_grad=True); print(x.requires_grad, x.is_leaf, x.grad_fn)',
     'True True None\n'),
    (('x = torch.randint(0, 10, (3,)); print(x.shape, x.dtype, bool(((x >= 0) & (x < '
      '10)).all()))'),
     'torch.Size([3]) torch.int64 True\n'),
    ('x = torch.randint(5, (2, 2)); print(x.shape, x.dtype, bool((x < 5).all()))',
     'torch.Size([2, 2]) torch.int64 True\n'),
    ('x = torch.randint(5, size=(2,)); print(x.shape, bool((x < 5).all()))',
     'torch.Size([2]) True\n'),
    ('x = torch.randint(3, 5, size=(4,)); print(x.shape, bool((x >= 3).all()))',
     'torch.Size([4]) True\n'),
    ('P(torch.randint(0, 10, 3))',
     '!TypeError'),
    ('P(torch.randint(5, 2, (3,)))',
     '!RuntimeError'),
    ('P(torch.randint(10))',
     '!TypeError'),
    ('P(torch.rand(2, dtype=torch.int64))',
     '!NotImplementedError'),
    ('P(torch.randn(2, dtype=torch.int64))',
     '!NotImplementedError'),
    ('x = torch.randperm(5); print(x.dtype, sorted(x.tolist()))',
     'torch.int64 [0, 1, 2, 3, 4]\n'),
    (('torch.manual_seed(0); a = torch.rand(3); torch.manual_seed(0); b = torch.rand(3)'
      '; print(torch.equal(a, b))'),
     'True\n'),
    (('torch.manual_seed(1); a = torch.randn(3); torch.manual_seed(1); print(torch.equal(a,'
      ' torch.randn(3)))'),
     'True\n'),
    (('torch.manual_seed(2); a = torch.rand(3); b = torch.rand(3); print(torch.equal(a,'
      ' b))'),
     'False\n'),
    (('g = torch.Generator().manual_seed(3); a = torch.rand(3, generator=g); g.manual_seed(3)'
      '; print(torch.equal(a, torch.rand(3, generator=g)))'),
     'True\n'),
    ('torch.manual_seed(7); print(torch.initial_seed())',
     '7\n'),
    (('s = torch.get_rng_state(); a = torch.rand(3); torch.set_rng_state(s); print(torch.equal(a,'
      ' torch.rand(3)))'),
     'True\n'),
    (('x = torch.randint_like(torch.zeros(3), 10); print(x.shape, x.dtype, bool((x < '
      '10).all()))'),
     'torch.Size([3]) torch.float32 True\n'),
    (('x = torch.randn_like(torch.zeros(2, 2, dtype=torch.float64)); print(x.shape, '
      'x.dtype)'),
     'torch.Size([2, 2]) torch.float64\n'),
]
# fmt: on

@pytest.mark.parametrize("code, expected", RANDOM, ids=_ids(RANDOM))
def test_random(code, expected):
    assert _run(code) == expected


# fmt: off
DEVICES = [
    ('P(torch.tensor([1.5]).device)',
     "device(type='cpu')\n"),
    ('P(str(torch.tensor([1.5]).device))',
     "'cpu'\n"),
    ("P(torch.device('cpu'))",
     "device(type='cpu')\n"),
    ("P(torch.device('cpu:0'))",
     "device(type='cpu', index=0)\n"),
    ("P(torch.device('cpu') == torch.zeros(1).device)",
     'True\n'),
    ("P(torch.device('xyz'))",
     '!RuntimeError'),
    ("P(torch.zeros(2, device='cpu'))",
     'tensor([0., 0.])\n'),
    ("P(torch.zeros(2, device=torch.device('cpu')))",
     'tensor([0., 0.])\n'),
    ("P(torch.zeros(2, device='cuda'))",
     '!AssertionError'),
    ("P(torch.tensor([1.]).to('cuda'))",
     '!AssertionError'),
    ('P(torch.tensor([1.]).cuda())',
     '!AssertionError'),
    ('P(torch.cuda.is_available())',
     'False\n'),
    ('P(torch.tensor([1.]).layout)',
     'torch.strided\n'),
    ('P(torch.tensor([1.]).is_cuda)',
     'False\n'),
]
# fmt: on

@pytest.mark.parametrize("code, expected", DEVICES, ids=_ids(DEVICES))
def test_devices(code, expected):
    assert _run(code) == expected
