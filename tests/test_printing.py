"""Tests for chainrule._printing.

Every expected string below was produced by ``repr()`` of the same data in real
PyTorch 2.13 (CPU, default print options, default dtype float32) and pasted verbatim.
"""

import importlib.util
from pathlib import Path

import numpy as np
import pytest

# Load the module by path so these tests do not depend on chainrule/__init__.py.
_PATH = Path(__file__).resolve().parents[1] / "chainrule" / "_printing.py"
_spec = importlib.util.spec_from_file_location("chainrule_printing_under_test", _PATH)
_printing = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_printing)
format_tensor = _printing.format_tensor
dtype_suffix_needed = _printing.dtype_suffix_needed

# (id, data, suffixes, expected repr)
CASES = [
    (
        "scalar_int_mode",
        np.array(3.0, dtype=np.float32),
        [],
        "tensor(3.)",
    ),
    (
        "scalar_fixed",
        np.array(1.5, dtype=np.float32),
        [],
        "tensor(1.5000)",
    ),
    (
        "scalar_neg_zero",
        np.array(-0.0, dtype=np.float32),
        [],
        "tensor(-0.)",
    ),
    (
        "scalar_sci",
        np.array(1e-5, dtype=np.float32),
        [],
        "tensor(1.0000e-05)",
    ),
    (
        "scalar_nan",
        np.array(np.nan, dtype=np.float32),
        [],
        "tensor(nan)",
    ),
    (
        "scalar_int64",
        np.array(7),
        [],
        "tensor(7)",
    ),
    (
        "scalar_bool",
        np.array(True),
        [],
        "tensor(True)",
    ),
    (
        "scalar_float64_grad",
        np.array(-2.0),
        ["dtype=torch.float64", "requires_grad=True"],
        "tensor(-2., dtype=torch.float64, requires_grad=True)",
    ),
    (
        "vec_int_mode",
        np.array([1.0, -2.0, 30.0], dtype=np.float32),
        [],
        "tensor([ 1., -2., 30.])",
    ),
    (
        "vec_fixed",
        np.array([1.5, -2.25, 3.0], dtype=np.float32),
        [],
        "tensor([ 1.5000, -2.2500,  3.0000])",
    ),
    (
        "vec_ratio_1000_not_sci",
        np.array([1.0, 1000.0], dtype=np.float32),
        [],
        "tensor([   1., 1000.])",
    ),
    (
        "vec_ratio_over_1000_sci",
        np.array([1.0, 1000.5], dtype=np.float32),
        [],
        "tensor([1.0000e+00, 1.0005e+03])",
    ),
    (
        "vec_1e8_not_sci",
        np.array([1e8, 2e7]),
        ["dtype=torch.float64"],
        "tensor([100000000.,  20000000.], dtype=torch.float64)",
    ),
    (
        "vec_int_mode_sci",
        np.array([1e10, 1.0, -3.0]),
        ["dtype=torch.float64"],
        "tensor([ 1.0000e+10,  1.0000e+00, -3.0000e+00], dtype=torch.float64)",
    ),
    (
        "vec_small_sci",
        np.array([9.99e-5, 0.05], dtype=np.float32),
        [],
        "tensor([9.9900e-05, 5.0000e-02])",
    ),
    (
        "vec_1e-4_not_sci",
        np.array([1e-4, 0.05]),
        ["dtype=torch.float64"],
        "tensor([0.0001, 0.0500], dtype=torch.float64)",
    ),
    (
        "vec_nonfinite_mix",
        np.array([np.nan, np.inf, -np.inf, -0.0, 1.5], dtype=np.float32),
        [],
        "tensor([   nan,    inf,   -inf, -0.0000, 1.5000])",
    ),
    (
        "vec_nonfinite_int_mode",
        np.array([np.nan, -np.inf, 0.0, 2.0], dtype=np.float32),
        [],
        "tensor([nan, -inf, 0., 2.])",
    ),
    (
        "vec_only_zero_and_inf",
        np.array([0.0, -np.inf], dtype=np.float32),
        [],
        "tensor([0., -inf])",
    ),
    (
        "vec_neg_zero_int_mode",
        np.array([-0.0, 1.0], dtype=np.float32),
        [],
        "tensor([-0., 1.])",
    ),
    (
        "vec_all_nan",
        np.full(3, np.nan),
        ["dtype=torch.float64"],
        "tensor([nan, nan, nan], dtype=torch.float64)",
    ),
    (
        "vec_float32_rounds_as_double",
        np.array([1.00005, 2.0], dtype=np.float32),
        [],
        "tensor([1.0000, 2.0000])",
    ),
    (
        "vec_float64_same_values",
        np.array([1.00005, 2.0]),
        ["dtype=torch.float64"],
        "tensor([1.0001, 2.0000], dtype=torch.float64)",
    ),
    (
        "vec_float16",
        np.array([0.1, 2.0, -3.5], dtype=np.float16),
        ["dtype=torch.float16"],
        "tensor([ 0.1000,  2.0000, -3.5000], dtype=torch.float16)",
    ),
    (
        "vec_bool",
        np.array([True, False, True]),
        [],
        "tensor([ True, False,  True])",
    ),
    (
        "vec_int32",
        np.array([-5, 12, 300], dtype=np.int32),
        ["dtype=torch.int32"],
        "tensor([ -5,  12, 300], dtype=torch.int32)",
    ),
    (
        "vec_int64_extremes",
        np.array([np.iinfo(np.int64).min, 0, np.iinfo(np.int64).max]),
        [],
        "tensor([-9223372036854775808,                    0,  9223372036854775807])",
    ),
    (
        "vec_uint8",
        np.array([0, 7, 255], dtype=np.uint8),
        ["dtype=torch.uint8"],
        "tensor([  0,   7, 255], dtype=torch.uint8)",
    ),
    (
        "vec_mixed_magnitudes",
        np.exp(np.linspace(-20.0, 20.0, 9)),
        ["dtype=torch.float64"],
        "tensor([2.0612e-09, 3.0590e-07, 4.5400e-05, 6.7379e-03, 1.0000e+00, 1.4841e+02,\n"
        "        2.2026e+04, 3.2690e+06, 4.8517e+08], dtype=torch.float64)",
    ),
    (
        "vec_wraps",
        np.linspace(0.0, 1.0, 30, dtype=np.float32),
        [],
        "tensor([0.0000, 0.0345, 0.0690, 0.1034, 0.1379, 0.1724, 0.2069, 0.2414, 0.2759,\n"
        "        0.3103, 0.3448, 0.3793, 0.4138, 0.4483, 0.4828, 0.5172, 0.5517, 0.5862,\n"
        "        0.6207, 0.6552, 0.6897, 0.7241, 0.7586, 0.7931, 0.8276, 0.8621, 0.8966,\n"
        "        0.9310, 0.9655, 1.0000])",
    ),
    (
        "vec_wraps_grad_fn",
        np.arange(-12, 12, dtype=np.float32) * 0.25,
        ["grad_fn=<MulBackward0>"],
        "tensor([-3.0000, -2.7500, -2.5000, -2.2500, -2.0000, -1.7500, -1.5000, -1.2500,\n"
        "        -1.0000, -0.7500, -0.5000, -0.2500,  0.0000,  0.2500,  0.5000,  0.7500,\n"
        "         1.0000,  1.2500,  1.5000,  1.7500,  2.0000,  2.2500,  2.5000,  2.7500],\n"
        "       grad_fn=<MulBackward0>)",
    ),
    (
        "vec_suffix_after_wrapped_rows",
        np.arange(17, dtype=np.float32) + 0.5,
        ["grad_fn=<MulBackward0>"],
        "tensor([ 0.5000,  1.5000,  2.5000,  3.5000,  4.5000,  5.5000,  6.5000,  7.5000,\n"
        "         8.5000,  9.5000, 10.5000, 11.5000, 12.5000, 13.5000, 14.5000, 15.5000,\n"
        "        16.5000], grad_fn=<MulBackward0>)",
    ),
    (
        "suffix_line_of_79_chars_fits",
        np.arange(10.0, 20.0),
        ["dtype=torch.float64"],
        "tensor([10., 11., 12., 13., 14., 15., 16., 17., 18., 19.], dtype=torch.float64)",
    ),
    (
        "suffix_line_of_80_chars_wraps",
        np.arange(100, 108, dtype=np.float32),
        ["grad_fn=<MulBackward0>"],
        "tensor([100., 101., 102., 103., 104., 105., 106., 107.],\n       grad_fn=<MulBackward0>)",
    ),
    (
        "vec_two_suffixes_wrap",
        np.arange(15) * 1.5,
        ["dtype=torch.float64", "requires_grad=True"],
        "tensor([ 0.0000,  1.5000,  3.0000,  4.5000,  6.0000,  7.5000,  9.0000, 10.5000,\n"
        "        12.0000, 13.5000, 15.0000, 16.5000, 18.0000, 19.5000, 21.0000],\n"
        "       dtype=torch.float64, requires_grad=True)",
    ),
    (
        "mat_fixed_float64",
        np.arange(12.0).reshape(3, 4) / 7,
        ["dtype=torch.float64"],
        "tensor([[0.0000, 0.1429, 0.2857, 0.4286],\n"
        "        [0.5714, 0.7143, 0.8571, 1.0000],\n"
        "        [1.1429, 1.2857, 1.4286, 1.5714]], dtype=torch.float64)",
    ),
    (
        "mat_rows_wrap",
        np.arange(50, dtype=np.float32).reshape(2, 25) * 1.5,
        [],
        "tensor([[ 0.0000,  1.5000,  3.0000,  4.5000,  6.0000,  7.5000,  9.0000, 10.5000,\n"
        "         12.0000, 13.5000, 15.0000, 16.5000, 18.0000, 19.5000, 21.0000, 22.5000,\n"
        "         24.0000, 25.5000, 27.0000, 28.5000, 30.0000, 31.5000, 33.0000, 34.5000,\n"
        "         36.0000],\n"
        "        [37.5000, 39.0000, 40.5000, 42.0000, 43.5000, 45.0000, 46.5000, 48.0000,\n"
        "         49.5000, 51.0000, 52.5000, 54.0000, 55.5000, 57.0000, 58.5000, 60.0000,\n"
        "         61.5000, 63.0000, 64.5000, 66.0000, 67.5000, 69.0000, 70.5000, 72.0000,\n"
        "         73.5000]])",
    ),
    (
        "mat_bool",
        (np.arange(6).reshape(2, 3) % 2) == 0,
        [],
        "tensor([[ True, False,  True],\n        [False,  True, False]])",
    ),
    (
        "mat_requires_grad",
        np.eye(2, dtype=np.float32),
        ["requires_grad=True"],
        "tensor([[1., 0.],\n        [0., 1.]], requires_grad=True)",
    ),
    (
        "cube_int",
        np.arange(24).reshape(2, 3, 4) - 12,
        [],
        "tensor([[[-12, -11, -10,  -9],\n"
        "         [ -8,  -7,  -6,  -5],\n"
        "         [ -4,  -3,  -2,  -1]],\n"
        "\n"
        "        [[  0,   1,   2,   3],\n"
        "         [  4,   5,   6,   7],\n"
        "         [  8,   9,  10,  11]]])",
    ),
    (
        "hyper_4d",
        np.arange(16, dtype=np.float32).reshape(2, 2, 2, 2) / 4,
        [],
        "tensor([[[[0.0000, 0.2500],\n"
        "          [0.5000, 0.7500]],\n"
        "\n"
        "         [[1.0000, 1.2500],\n"
        "          [1.5000, 1.7500]]],\n"
        "\n"
        "\n"
        "        [[[2.0000, 2.2500],\n"
        "          [2.5000, 2.7500]],\n"
        "\n"
        "         [[3.0000, 3.2500],\n"
        "          [3.5000, 3.7500]]]])",
    ),
    (
        "summarize_1d_int",
        np.arange(2000),
        [],
        "tensor([   0,    1,    2,  ..., 1997, 1998, 1999])",
    ),
    (
        "summarize_1d_sci_wraps",
        np.exp(np.linspace(-30.0, 30.0, 2000)),
        ["dtype=torch.float64"],
        "tensor([9.3576e-14, 9.6427e-14, 9.9366e-14,  ..., 1.0064e+13, 1.0370e+13,\n"
        "        1.0686e+13], dtype=torch.float64)",
    ),
    (
        "summarize_2d",
        np.arange(1200, dtype=np.float32).reshape(40, 30) / 7,
        [],
        "tensor([[0.0000e+00, 1.4286e-01, 2.8571e-01,  ..., 3.8571e+00, 4.0000e+00,\n"
        "         4.1429e+00],\n"
        "        [4.2857e+00, 4.4286e+00, 4.5714e+00,  ..., 8.1429e+00, 8.2857e+00,\n"
        "         8.4286e+00],\n"
        "        [8.5714e+00, 8.7143e+00, 8.8571e+00,  ..., 1.2429e+01, 1.2571e+01,\n"
        "         1.2714e+01],\n"
        "        ...,\n"
        "        [1.5857e+02, 1.5871e+02, 1.5886e+02,  ..., 1.6243e+02, 1.6257e+02,\n"
        "         1.6271e+02],\n"
        "        [1.6286e+02, 1.6300e+02, 1.6314e+02,  ..., 1.6671e+02, 1.6686e+02,\n"
        "         1.6700e+02],\n"
        "        [1.6714e+02, 1.6729e+02, 1.6743e+02,  ..., 1.7100e+02, 1.7114e+02,\n"
        "         1.7129e+02]])",
    ),
    (
        "summarize_3d",
        np.arange(1331, dtype=np.int32).reshape(11, 11, 11),
        ["dtype=torch.int32"],
        "tensor([[[   0,    1,    2,  ...,    8,    9,   10],\n"
        "         [  11,   12,   13,  ...,   19,   20,   21],\n"
        "         [  22,   23,   24,  ...,   30,   31,   32],\n"
        "         ...,\n"
        "         [  88,   89,   90,  ...,   96,   97,   98],\n"
        "         [  99,  100,  101,  ...,  107,  108,  109],\n"
        "         [ 110,  111,  112,  ...,  118,  119,  120]],\n"
        "\n"
        "        [[ 121,  122,  123,  ...,  129,  130,  131],\n"
        "         [ 132,  133,  134,  ...,  140,  141,  142],\n"
        "         [ 143,  144,  145,  ...,  151,  152,  153],\n"
        "         ...,\n"
        "         [ 209,  210,  211,  ...,  217,  218,  219],\n"
        "         [ 220,  221,  222,  ...,  228,  229,  230],\n"
        "         [ 231,  232,  233,  ...,  239,  240,  241]],\n"
        "\n"
        "        [[ 242,  243,  244,  ...,  250,  251,  252],\n"
        "         [ 253,  254,  255,  ...,  261,  262,  263],\n"
        "         [ 264,  265,  266,  ...,  272,  273,  274],\n"
        "         ...,\n"
        "         [ 330,  331,  332,  ...,  338,  339,  340],\n"
        "         [ 341,  342,  343,  ...,  349,  350,  351],\n"
        "         [ 352,  353,  354,  ...,  360,  361,  362]],\n"
        "\n"
        "        ...,\n"
        "\n"
        "        [[ 968,  969,  970,  ...,  976,  977,  978],\n"
        "         [ 979,  980,  981,  ...,  987,  988,  989],\n"
        "         [ 990,  991,  992,  ...,  998,  999, 1000],\n"
        "         ...,\n"
        "         [1056, 1057, 1058,  ..., 1064, 1065, 1066],\n"
        "         [1067, 1068, 1069,  ..., 1075, 1076, 1077],\n"
        "         [1078, 1079, 1080,  ..., 1086, 1087, 1088]],\n"
        "\n"
        "        [[1089, 1090, 1091,  ..., 1097, 1098, 1099],\n"
        "         [1100, 1101, 1102,  ..., 1108, 1109, 1110],\n"
        "         [1111, 1112, 1113,  ..., 1119, 1120, 1121],\n"
        "         ...,\n"
        "         [1177, 1178, 1179,  ..., 1185, 1186, 1187],\n"
        "         [1188, 1189, 1190,  ..., 1196, 1197, 1198],\n"
        "         [1199, 1200, 1201,  ..., 1207, 1208, 1209]],\n"
        "\n"
        "        [[1210, 1211, 1212,  ..., 1218, 1219, 1220],\n"
        "         [1221, 1222, 1223,  ..., 1229, 1230, 1231],\n"
        "         [1232, 1233, 1234,  ..., 1240, 1241, 1242],\n"
        "         ...,\n"
        "         [1298, 1299, 1300,  ..., 1306, 1307, 1308],\n"
        "         [1309, 1310, 1311,  ..., 1317, 1318, 1319],\n"
        "         [1320, 1321, 1322,  ..., 1328, 1329, 1330]]], dtype=torch.int32)",
    ),
    (
        "summarize_short_rows",
        np.arange(1002, dtype=np.float32).reshape(501, 2) - 500.5,
        [],
        "tensor([[-500.5000, -499.5000],\n"
        "        [-498.5000, -497.5000],\n"
        "        [-496.5000, -495.5000],\n"
        "        ...,\n"
        "        [ 495.5000,  496.5000],\n"
        "        [ 497.5000,  498.5000],\n"
        "        [ 499.5000,  500.5000]])",
    ),
    (
        "summarize_short_cols",
        np.arange(1002, dtype=np.float32).reshape(2, 501),
        [],
        "tensor([[0.0000e+00, 1.0000e+00, 2.0000e+00,  ..., 4.9800e+02, 4.9900e+02,\n"
        "         5.0000e+02],\n"
        "        [5.0100e+02, 5.0200e+02, 5.0300e+02,  ..., 9.9900e+02, 1.0000e+03,\n"
        "         1.0010e+03]])",
    ),
    (
        "exactly_1000_not_summarized",
        np.arange(1000, dtype=np.int16) % 10,
        ["dtype=torch.int16"],
        "tensor([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 0, 1, 2, 3,\n"
        "        4, 5, 6, 7, 8, 9, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 0, 1, 2, 3, 4, 5, 6, 7,\n"
        "        8, 9, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 0, 1,\n"
        "        2, 3, 4, 5, 6, 7, 8, 9, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 0, 1, 2, 3, 4, 5,\n"
        "        6, 7, 8, 9, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9,\n"
        "        0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 0, 1, 2, 3,\n"
        "        4, 5, 6, 7, 8, 9, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 0, 1, 2, 3, 4, 5, 6, 7,\n"
        "        8, 9, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 0, 1,\n"
        "        2, 3, 4, 5, 6, 7, 8, 9, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 0, 1, 2, 3, 4, 5,\n"
        "        6, 7, 8, 9, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9,\n"
        "        0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 0, 1, 2, 3,\n"
        "        4, 5, 6, 7, 8, 9, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 0, 1, 2, 3, 4, 5, 6, 7,\n"
        "        8, 9, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 0, 1,\n"
        "        2, 3, 4, 5, 6, 7, 8, 9, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 0, 1, 2, 3, 4, 5,\n"
        "        6, 7, 8, 9, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9,\n"
        "        0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 0, 1, 2, 3,\n"
        "        4, 5, 6, 7, 8, 9, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 0, 1, 2, 3, 4, 5, 6, 7,\n"
        "        8, 9, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 0, 1,\n"
        "        2, 3, 4, 5, 6, 7, 8, 9, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 0, 1, 2, 3, 4, 5,\n"
        "        6, 7, 8, 9, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9,\n"
        "        0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 0, 1, 2, 3,\n"
        "        4, 5, 6, 7, 8, 9, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 0, 1, 2, 3, 4, 5, 6, 7,\n"
        "        8, 9, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 0, 1,\n"
        "        2, 3, 4, 5, 6, 7, 8, 9, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 0, 1, 2, 3, 4, 5,\n"
        "        6, 7, 8, 9, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9,\n"
        "        0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 0, 1, 2, 3,\n"
        "        4, 5, 6, 7, 8, 9, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 0, 1, 2, 3, 4, 5, 6, 7,\n"
        "        8, 9, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 0, 1,\n"
        "        2, 3, 4, 5, 6, 7, 8, 9, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 0, 1, 2, 3, 4, 5,\n"
        "        6, 7, 8, 9, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9,\n"
        "        0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 0, 1, 2, 3,\n"
        "        4, 5, 6, 7, 8, 9, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 0, 1, 2, 3, 4, 5, 6, 7,\n"
        "        8, 9, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 0, 1,\n"
        "        2, 3, 4, 5, 6, 7, 8, 9, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 0, 1, 2, 3, 4, 5,\n"
        "        6, 7, 8, 9, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9,\n"
        "        0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 0, 1, 2, 3,\n"
        "        4, 5, 6, 7, 8, 9, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 0, 1, 2, 3, 4, 5, 6, 7,\n"
        "        8, 9, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 0, 1,\n"
        "        2, 3, 4, 5, 6, 7, 8, 9, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 0, 1, 2, 3, 4, 5,\n"
        "        6, 7, 8, 9, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9,\n"
        "        0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 0, 1, 2, 3,\n"
        "        4, 5, 6, 7, 8, 9, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9], dtype=torch.int16)",
    ),
    (
        "empty_1d",
        np.zeros(0, dtype=np.float32),
        [],
        "tensor([])",
    ),
    (
        "empty_1d_int64",
        np.zeros(0, dtype=np.int64),
        ["dtype=torch.int64"],
        "tensor([], dtype=torch.int64)",
    ),
    (
        "empty_2d",
        np.zeros((0, 3), dtype=np.float32),
        [],
        "tensor([], size=(0, 3))",
    ),
    (
        "empty_3d_bool",
        np.zeros((2, 0, 4), dtype=bool),
        ["dtype=torch.bool"],
        "tensor([], size=(2, 0, 4), dtype=torch.bool)",
    ),
    (
        "empty_2d_requires_grad",
        np.zeros((3, 0)),
        ["dtype=torch.float64", "requires_grad=True"],
        "tensor([], size=(3, 0), dtype=torch.float64, requires_grad=True)",
    ),
]


@pytest.mark.parametrize(
    ("data", "suffixes", "expected"), [c[1:] for c in CASES], ids=[c[0] for c in CASES]
)
def test_format_tensor_matches_torch(data, suffixes, expected):
    assert format_tensor(data, suffixes) == expected


def test_suffixes_list_is_not_mutated():
    suffixes = ["requires_grad=True"]
    assert format_tensor(np.zeros((0, 2)), suffixes) == (
        "tensor([], size=(0, 2), requires_grad=True)"
    )
    assert suffixes == ["requires_grad=True"]


@pytest.mark.parametrize(
    ("np_dtype", "default", "empty", "needed"),
    [
        (np.float32, np.float32, False, False),
        (np.float64, np.float32, False, True),
        (np.float32, np.float64, False, True),
        (np.float64, np.float64, False, False),
        (np.float16, np.float32, False, True),
        (np.int64, np.float32, False, False),
        (np.bool_, np.float32, False, False),
        (np.int32, np.float32, False, True),
        (np.uint8, np.float32, False, True),
        # Empty tensors show every dtype except the default float one.
        (np.int64, np.float32, True, True),
        (np.bool_, np.float32, True, True),
        (np.float32, np.float32, True, False),
        (np.float64, np.float64, True, False),
    ],
)
def test_dtype_suffix_needed(np_dtype, default, empty, needed):
    assert dtype_suffix_needed(np_dtype, default, empty=empty) is needed
