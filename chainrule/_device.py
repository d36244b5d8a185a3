"""torch.device: chainrule computes on the CPU only, but scripts name devices all the time.

`device('cpu')` works everywhere a device is accepted; any other device type is recognised (so
`torch.device('cuda')` can be built, as in PyTorch) and refused when a tensor would be put on
it, with PyTorch's exception type (AssertionError for CUDA, as a CPU-only PyTorch build raises).
"""

_TYPES = ("cpu", "cuda", "ipu", "xpu", "mkldnn", "opengl", "opencl", "ideep", "hip", "ve",
          "fpga", "maia", "xla", "lazy", "vulkan", "mps", "meta", "hpu", "mtia", "privateuseone")


class device:
    """A device name: `device('cpu')`, `device('cpu:0')`, `device('cpu', 0)`.

    >>> import chainrule as torch
    >>> torch.device('cpu')
    device(type='cpu')
    >>> torch.zeros(1).device == torch.device('cpu')
    True
    """

    __slots__ = ("index", "type")

    def __init__(self, type, index=None):
        if isinstance(type, device):
            type, index = type.type, type.index if index is None else index
        elif isinstance(type, str):
            name, sep, idx = type.partition(":")
            if name not in _TYPES or (sep and not idx.isdigit()):
                raise RuntimeError(
                    f"Expected one of {', '.join(_TYPES)} device type at start of device string: "
                    f"{type}"
                )
            type, index = name, int(idx) if sep else index
        else:  # PyTorch reads an int as an accelerator index
            raise RuntimeError(  # noqa: TRY004 - PyTorch's exception type
                "Cannot access accelerator device when none is available.")
        object.__setattr__(self, "type", type)
        object.__setattr__(self, "index", index)

    def __setattr__(self, name, value):
        raise AttributeError(f"attribute '{name}' of 'torch.device' objects is not writable")

    def __repr__(self):
        if self.index is None:
            return f"device(type='{self.type}')"
        return f"device(type='{self.type}', index={self.index})"

    def __str__(self):
        return self.type if self.index is None else f"{self.type}:{self.index}"

    def __eq__(self, other):
        return isinstance(other, device) and (self.type, self.index) == (other.type, other.index)

    def __hash__(self):
        return hash((self.type, self.index))

    def __reduce__(self):
        return (device, (self.type, self.index))


CPU = device("cpu")


class layout:
    """A memory layout; chainrule has only `strided` (dense arrays)."""

    __slots__ = ("name",)

    def __init__(self, name):
        self.name = name

    def __repr__(self):
        return "torch." + self.name

    def __reduce__(self):
        return "strided"


strided = layout("strided")


def check_device(dev):
    """None or a CPU device pass; another device raises as a CPU-only PyTorch does."""
    if dev is None or dev is CPU or dev == "cpu":
        return
    if not isinstance(dev, device):
        if isinstance(dev, int):
            raise RuntimeError(  # noqa: TRY004 - PyTorch's exception type
                f"chainrule runs on the CPU only (asked for accelerator device {dev})"
            )
        dev = device(dev)
    if dev.type == "cpu":
        return
    if dev.type == "cuda":
        raise AssertionError(
            f"Torch not compiled with CUDA enabled (chainrule runs on the CPU only; asked for "
            f"device '{dev}')"
        )
    raise RuntimeError(f"chainrule runs on the CPU only (asked for device '{dev}')")
