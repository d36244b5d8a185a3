"""chainrule.autograd: the engine's entry points, grad modes, custom Functions and checks."""

from . import graph
from .anomaly_mode import detect_anomaly, is_anomaly_enabled, set_detect_anomaly
from .backward_api import backward, grad
from .function import Function, FunctionCtx, once_differentiable
from .grad_mode import enable_grad, inference_mode, is_grad_enabled, no_grad, set_grad_enabled
from . import forward_ad
from .gradcheck import GradcheckError, check_jvp, gradcheck, gradgradcheck

# `functional` is imported by chainrule/__init__.py once Tensor exists (an import cycle)
__all__ = ["functional", 
    "Function", "FunctionCtx", "GradcheckError", "backward", "check_jvp", "forward_ad", "detect_anomaly", "enable_grad",
    "grad", "gradcheck", "gradgradcheck", "graph", "inference_mode", "is_anomaly_enabled",
    "is_grad_enabled", "no_grad", "once_differentiable", "set_detect_anomaly",
    "set_grad_enabled",
]
