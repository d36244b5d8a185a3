"""chainrule.utils: data loading (`chainrule.utils.data`) and activation checkpointing
(`chainrule.utils.checkpoint`), with torch.utils' names."""

from . import checkpoint, data

__all__ = ["checkpoint", "data"]
