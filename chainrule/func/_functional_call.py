"""functional_call: run a module with some of its parameters and buffers replaced."""


def functional_call(module, parameter_and_buffer_dicts, args=None, kwargs=None, *,
                    tie_weights=True, strict=False):
    """Call `module(*args, **kwargs)` with the tensors of `parameter_and_buffer_dicts` (a dict,
    or a tuple of dicts, of dotted names such as "0.weight") in place of its own parameters and
    buffers, which are restored afterwards. The module itself is not changed.

        >>> import chainrule as torch
        >>> from chainrule.func import functional_call
        >>> lin = torch.nn.Linear(2, 1)
        >>> params = {"weight": torch.ones(1, 2), "bias": torch.zeros(1)}
        >>> functional_call(lin, params, (torch.tensor([[1.0, 2.0]]),))
        tensor([[3.]])
    """
    dicts = parameter_and_buffer_dicts
    if isinstance(dicts, dict):
        dicts = (dicts,)
    merged = {}
    for d in dicts:
        for k, v in d.items():
            if k in merged:
                raise ValueError(f"functional_call: {k!r} appears in more than one of the given "
                                 "dicts")
            merged[k] = v
    known = dict(module.named_parameters(remove_duplicate=False)) if _accepts_dup(module) else \
        dict(module.named_parameters())
    known.update(dict(module.named_buffers()))
    if strict:
        missing = sorted(set(known) - set(merged))
        unexpected = sorted(set(merged) - set(known))
        if missing or unexpected:
            raise RuntimeError(f"functional_call: missing keys {missing}, unexpected keys "
                               f"{unexpected}")
    if tie_weights:  # a tensor shared under two names is replaced under both
        by_id = {}
        for name, t in known.items():
            by_id.setdefault(id(t), []).append(name)
        for names in by_id.values():
            given = [n for n in names if n in merged]
            if given:
                for n in names:
                    merged.setdefault(n, merged[given[0]])
    saved = []
    try:
        for name, value in merged.items():
            owner, attr = _owner(module, name)
            store = _store_of(owner, attr)
            saved.append((store, attr, store.get(attr, _ABSENT) if store is not None else _ABSENT,
                          owner))
            if store is not None:
                store[attr] = value
            else:
                object.__setattr__(owner, attr, value)
        if args is None:
            args = ()
        elif not isinstance(args, tuple):
            args = (args,)
        return module(*args, **(kwargs or {}))
    finally:
        for store, attr, old, owner in reversed(saved):
            if store is not None:
                if old is _ABSENT:
                    del store[attr]
                else:
                    store[attr] = old


_ABSENT = object()


def _accepts_dup(module):
    import inspect

    return "remove_duplicate" in inspect.signature(module.named_parameters).parameters


def _owner(module, name):
    *path, attr = name.split(".")
    owner = module
    for p in path:
        owner = getattr(owner, p)
    return owner, attr


def _store_of(owner, attr):
    for store_name in ("_parameters", "_buffers"):
        store = owner.__dict__.get(store_name)
        if store is not None and attr in store:
            return store
    return owner.__dict__.get("_parameters")
