"""The optimizer configurations replayed against PyTorch (pure data: no chainrule, no torch).

tests/test_optim_optimizers.py runs each with chainrule; the generator in
tests/fixtures/README.md runs them with PyTorch 2.13 and stores the parameters after steps 1, 10
and 100 in tests/fixtures/optim_torch_reference.npz. Both feed the same float64 initial weights
and the same gradients (`gradients` below, computed with NumPy from the current weights).
"""

import numpy as np

CONFIGS = {
    "sgd": ("SGD", {"lr": 0.1}),
    "sgd_momentum": ("SGD", {"lr": 0.05, "momentum": 0.9}),
    "sgd_dampening": ("SGD", {"lr": 0.05, "momentum": 0.9, "dampening": 0.3}),
    "sgd_nesterov": ("SGD", {"lr": 0.05, "momentum": 0.9, "nesterov": True}),
    "sgd_wd_maximize": ("SGD", {"lr": 0.02, "momentum": 0.5, "weight_decay": 0.01,
                                "maximize": True}),
    "adam": ("Adam", {"lr": 0.01}),
    "adam_amsgrad": ("Adam", {"lr": 0.01, "amsgrad": True}),
    "adam_wd": ("Adam", {"lr": 0.01, "weight_decay": 0.1}),
    "adam_betas_maximize": ("Adam", {"lr": 0.005, "betas": (0.8, 0.99), "eps": 1e-6,
                                     "maximize": True}),
    "adamw": ("AdamW", {"lr": 0.01}),
    "adamw_amsgrad_wd": ("AdamW", {"lr": 0.01, "weight_decay": 0.1, "amsgrad": True}),
    "rmsprop": ("RMSprop", {"lr": 0.01}),
    "rmsprop_centered": ("RMSprop", {"lr": 0.01, "centered": True}),
    "rmsprop_momentum": ("RMSprop", {"lr": 0.01, "momentum": 0.9}),
    "rmsprop_all": ("RMSprop", {"lr": 0.005, "alpha": 0.9, "eps": 1e-6, "centered": True,
                                "momentum": 0.5, "weight_decay": 0.05, "maximize": True}),
    "adagrad": ("Adagrad", {"lr": 0.1}),
    "adagrad_decay": ("Adagrad", {"lr": 0.1, "lr_decay": 0.01, "weight_decay": 0.1}),
    "adagrad_init_maximize": ("Adagrad", {"lr": 0.1, "initial_accumulator_value": 0.1,
                                          "eps": 1e-8, "maximize": True}),
    "sgd_two_groups": ("SGD", {"lr": 0.1, "momentum": 0.9, "groups": [{}, {"lr": 0.01}]}),
    "adam_two_groups": ("Adam", {"lr": 0.01, "groups": [{"amsgrad": True},
                                                        {"betas": (0.5, 0.9)}]}),
}
SHAPES = [(3, 4), (4,)]
STEPS = 100
CHECKPOINTS = (1, 10, 100)


def initial_params():
    rng = np.random.default_rng(2024)
    return [rng.standard_normal(s) for s in SHAPES]


def gradients(params, step):
    """The gradient fed at `step` (1-based): a pull towards zero plus seeded noise (float64)."""
    rng = np.random.default_rng(1000 + step)
    return [0.3 * p + rng.standard_normal(p.shape) for p in params]


def make_optimizer(optim_module, params, name):
    """The optimizer of config `name` over `params` (one param group per tensor if 'groups')."""
    cls, kwargs = CONFIGS[name]
    kwargs = dict(kwargs)
    groups = kwargs.pop("groups", None)
    if groups is None:
        return getattr(optim_module, cls)(params, **kwargs)
    return getattr(optim_module, cls)([dict(g, params=[p]) for g, p in zip(groups, params)],
                                      **kwargs)


def replay(torch_module, optim_module, name, on_checkpoint):
    """Run STEPS steps of config `name`; call on_checkpoint(step, params) at the checkpoints."""
    params = [torch_module.tensor(a, dtype=torch_module.float64, requires_grad=True)
              for a in initial_params()]
    opt = make_optimizer(optim_module, params, name)
    for step in range(1, STEPS + 1):
        for p, g in zip(params, gradients([p.detach().numpy() for p in params], step)):
            p.grad = torch_module.tensor(g, dtype=torch_module.float64)
        opt.step()
        if step in CHECKPOINTS:
            on_checkpoint(step, [p.detach().numpy().copy() for p in params])
    return opt, params
