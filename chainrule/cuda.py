"""torch.cuda as seen by a CPU-only build: no devices, so scripts that probe for one fall back
to the CPU (`device = 'cuda' if torch.cuda.is_available() else 'cpu'`)."""


def is_available():
    return False


def device_count():
    return 0


def manual_seed(seed):
    """Nothing to seed without a GPU (PyTorch also ignores this call silently)."""


def manual_seed_all(seed):
    """Nothing to seed without a GPU."""

