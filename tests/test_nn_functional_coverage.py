"""Every public function of chainrule.nn.functional has an op-table entry (tests/op_table_nn.py,
run by the shared gradcheck / gradgradcheck / value / dtype / JVP / vmap tests) or is listed in
NN_NOT_DIFFERENTIABLE with the reason it has none."""

import inspect

from op_table import OPS
from op_table_nn import NN_NOT_DIFFERENTIABLE

import chainrule.nn.functional as F


def _public_functions():
    return {name: getattr(F, name) for name in F.__all__
            if callable(getattr(F, name)) and not inspect.isclass(getattr(F, name))}


def test_every_public_function_is_covered():
    public = _public_functions()
    assert len(public) > 100  # the scan itself works
    covered = {id(fn) for op in OPS for fn in op.covers}
    missing = sorted(name for name, fn in public.items()
                     if id(fn) not in covered and name not in NN_NOT_DIFFERENTIABLE)
    assert not missing, f"nn.functional functions without an entry in tests/op_table_nn.py: " \
                        f"{missing}"


def test_exemptions_are_public_and_explained():
    public = _public_functions()
    assert set(NN_NOT_DIFFERENTIABLE) <= set(public)
    for name, reason in NN_NOT_DIFFERENTIABLE.items():
        assert isinstance(reason, str) and len(reason) > 10, name


def test_all_lists_every_public_function():
    """__all__ is the list the scan reads: nothing public may be missing from it."""
    defined = {name for name, obj in vars(F).items()
               if not name.startswith("_") and callable(obj) and not inspect.isclass(obj)
               and not inspect.ismodule(obj) and getattr(obj, "__module__", "").startswith(
                   "chainrule.nn") and name not in ("inplace", "rng", "scalar_name", "write_")}
    assert defined <= set(F.__all__), sorted(defined - set(F.__all__))


def test_one_hot_is_integer_valued():
    import chainrule as cr

    assert F.one_hot(cr.tensor([0, 2])).dtype == cr.int64
