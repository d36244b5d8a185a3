"""chainrule.optim.lr_scheduler: learning-rate (and momentum) sequences recorded from PyTorch
2.13, ReduceLROnPlateau, composition, state dicts and bad input."""

import warnings

import pytest

import chainrule as torch
from chainrule import nn, optim
from chainrule.optim import lr_scheduler

# (scheduler, optimizer, optimizer kwargs, scheduler kwargs, momentum key,
#  get_last_lr() at construction and after each of 24 steps, momentum after each step)
CASES = [
    ('StepLR', 'SGD', {'lr': 0.1}, {'step_size': 3, 'gamma': 0.5}, None,
     [0.1, 0.1, 0.1, 0.05, 0.05, 0.05, 0.025, 0.025, 0.025, 0.0125, 0.0125, 0.0125, 0.00625,
      0.00625, 0.00625, 0.003125, 0.003125, 0.003125, 0.0015625, 0.0015625, 0.0015625, 0.00078125,
      0.00078125, 0.00078125, 0.000390625],
     []),
    ('MultiStepLR', 'SGD', {'lr': 0.1}, {'milestones': [2, 5, 5, 9], 'gamma': 0.3}, None,
     [0.1, 0.1, 0.03, 0.03, 0.03, 0.0026999999999999997, 0.0026999999999999997,
      0.0026999999999999997, 0.0026999999999999997, 0.0008099999999999998, 0.0008099999999999998,
      0.0008099999999999998, 0.0008099999999999998, 0.0008099999999999998, 0.0008099999999999998,
      0.0008099999999999998, 0.0008099999999999998, 0.0008099999999999998, 0.0008099999999999998,
      0.0008099999999999998, 0.0008099999999999998, 0.0008099999999999998, 0.0008099999999999998,
      0.0008099999999999998, 0.0008099999999999998],
     []),
    ('ExponentialLR', 'SGD', {'lr': 0.1}, {'gamma': 0.9}, None,
     [0.1, 0.09000000000000001, 0.08100000000000002, 0.07290000000000002, 0.06561000000000002,
      0.05904900000000002, 0.05314410000000002, 0.04782969000000002, 0.043046721000000024,
      0.03874204890000002, 0.03486784401000002, 0.03138105960900001, 0.028242953648100012,
      0.025418658283290013, 0.022876792454961013, 0.020589113209464913, 0.01853020188851842,
      0.01667718169966658, 0.015009463529699923, 0.013508517176729932, 0.01215766545905694,
      0.010941898913151246, 0.009847709021836121, 0.00886293811965251, 0.007976644307687259],
     []),
    ('CosineAnnealingLR', 'SGD', {'lr': 0.1}, {'T_max': 7, 'eta_min': 0.001}, None,
     [0.1, 0.09509795896116975, 0.08136274519200731, 0.061514786230837566, 0.03948521376916245,
      0.019637254807992697, 0.005902041038830259, 0.001, 0.005902041038830253,
      0.019637254807992683, 0.03948521376916243, 0.061514786230837525, 0.08136274519200731,
      0.09509795896116978, 0.10000000000000002, 0.09509795896116978, 0.08136274519200734,
      0.06151478623083755, 0.03948521376916246, 0.019637254807992707, 0.005902041038830264, 0.001,
      0.005902041038830253, 0.019637254807992846, 0.03948521376916277],
     []),
    ('LambdaLR', 'SGD', {'lr': 0.1}, {'lr_lambda': 'lambda e: 0.95 ** e'}, None,
     [0.1, 0.095, 0.09025, 0.0857375, 0.081450625, 0.07737809374999999, 0.07350918906249998,
      0.06983372960937498, 0.06634204312890622, 0.0630249409724609, 0.05987369392383787,
      0.05688000922764597, 0.05403600876626367, 0.051334208327950485, 0.04876749791155296,
      0.046329123015975304, 0.04401266686517654, 0.04181203352191771, 0.039721431845821824,
      0.03773536025353073, 0.03584859224085419, 0.03405616262881148, 0.0323533544973709,
      0.03073568677250236, 0.02919890243387724],
     []),
    ('OneCycleLR', 'SGD', {'lr': 0.1, 'momentum': 0.9}, {'max_lr': 1.0, 'total_steps': 25},
     'momentum',
     [0.040000000000000036, 0.09498110768645929, 0.2473289215690453, 0.462142393477445,
      0.6902103457804172, 0.8792851591221286, 0.986052072364505, 0.9979871550490316,
      0.9819815024222053, 0.9504846320134737, 0.904508879153485, 0.8455319423681344,
      0.7754493889320884, 0.6965137297768985, 0.6112620219362893, 0.5224343254455969,
      0.43288563555770404, 0.3454941208465151, 0.26306861650082564, 0.18825834605023697,
      0.12346777314112659, 0.07077932009665416, 0.03188643714987267, 0.008039173559862363, 4e-06],
     [0.9442728012826604, 0.9284032373365577, 0.9060268340127661, 0.8822697556478731,
      0.8625744625914449, 0.8514529091286974, 0.850201285300238, 0.8518018569652073,
      0.854951556604879, 0.8595491502812526, 0.8654468675506567, 0.8724551509273948,
      0.8803487484173038, 0.8888739533021842, 0.8977567584824742, 0.9067116632908827,
      0.9154508497187474, 0.9236934331236499, 0.9311744900929366, 0.9376535733001805,
      0.9429224396800933, 0.9468117435319868, 0.9491964794299315, 0.95]),
    ('OneCycleLR', 'Adam', {'lr': 0.1}, {'max_lr': 0.5, 'epochs': 5, 'steps_per_epoch': 5,
                                         'pct_start': 0.4, 'anneal_strategy': 'linear',
                                         'three_phase': True}, 'betas',
     [0.02, 0.07333333333333333, 0.12666666666666665, 0.17999999999999997, 0.2333333333333333,
      0.2866666666666667, 0.33999999999999997, 0.39333333333333337, 0.44666666666666666, 0.5,
      0.44666666666666666, 0.3933333333333333, 0.34, 0.2866666666666667, 0.23333333333333334,
      0.18000000000000005, 0.12666666666666665, 0.07333333333333336, 0.020000000000000018,
      0.016667, 0.013334, 0.010001, 0.006668, 0.0033349999999999977, 1.9999999999985307e-06],
     [0.9388888888888889, 0.9277777777777777, 0.9166666666666666, 0.9055555555555556,
      0.8944444444444444, 0.8833333333333333, 0.8722222222222222, 0.861111111111111, 0.85,
      0.861111111111111, 0.8722222222222222, 0.8833333333333333, 0.8944444444444444,
      0.9055555555555556, 0.9166666666666666, 0.9277777777777777, 0.9388888888888889, 0.95, 0.95,
      0.95, 0.95, 0.95, 0.95, 0.95]),
    ('LinearLR', 'SGD', {'lr': 0.1}, {'start_factor': 0.25, 'total_iters': 6}, None,
     [0.025, 0.037500000000000006, 0.05, 0.0625, 0.075, 0.08750000000000001, 0.1, 0.1, 0.1, 0.1,
      0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1],
     []),
    ('CosineAnnealingWarmRestarts', 'SGD', {'lr': 0.1}, {'T_0': 4, 'T_mult': 2, 'eta_min': 0.01},
     None,
     [0.1, 0.08681980515339464, 0.05500000000000001, 0.023180194846605363, 0.1, 0.0965745789630079,
      0.08681980515339464, 0.07222075445642905, 0.05500000000000001, 0.03777924554357097,
      0.023180194846605363, 0.013425421036992097, 0.1, 0.09913533761814537, 0.0965745789630079,
      0.09241613255361454, 0.08681980515339464, 0.0800006604858821, 0.07222075445642905,
      0.06377906449072579, 0.05500000000000001, 0.04622093550927424, 0.03777924554357097,
      0.029999339514117915, 0.023180194846605363],
     []),
]


def _make(sname, oname, okw, skw):
    p = torch.zeros(1, requires_grad=True)
    opt = getattr(optim, oname)([p], **okw)
    skw = {k: (eval(v) if k == "lr_lambda" else v) for k, v in skw.items()}
    return opt, getattr(lr_scheduler, sname)(opt, **skw)


@pytest.mark.parametrize("sname,oname,okw,skw,mom,lrs,moms", CASES,
                         ids=[c[0] + str(i) for i, c in enumerate(CASES)])
def test_schedule_matches_pytorch(sname, oname, okw, skw, mom, lrs, moms):
    opt, sched = _make(sname, oname, okw, skw)
    got, got_mom = [sched.get_last_lr()[0]], []
    for _ in range(24):
        opt.step()
        sched.step()
        got.append(sched.get_last_lr()[0])
        if mom:
            value = opt.param_groups[0][mom]
            got_mom.append(value if mom == "momentum" else value[0])
    assert got == lrs  # the same float arithmetic, so exactly equal
    assert got_mom == moms
    assert opt.param_groups[0]["lr"] == lrs[-1]


def test_reduce_lr_on_plateau_matches_pytorch():
    opt = optim.SGD([torch.zeros(1, requires_grad=True)], lr=1.0)
    sched = lr_scheduler.ReduceLROnPlateau(opt, patience=2, factor=0.5, cooldown=1, min_lr=0.1)
    lrs = []
    for metric in [5, 4, 4, 4, 4, 4, 3.9999, 3, 3, 3, 3, 3, 3, 3, 3, 3]:
        opt.step()
        sched.step(metric)
        lrs.append(sched.get_last_lr()[0])
    assert lrs == [1.0, 1.0, 1.0, 1.0, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.25, 0.25, 0.25, 0.25,
                   0.125, 0.125]
    assert sorted(sched.state_dict()) == [
        "_last_lr", "best", "cooldown", "cooldown_counter", "default_min_lr", "eps", "factor",
        "last_epoch", "min_lrs", "mode", "mode_worse", "num_bad_epochs", "patience",
        "threshold", "threshold_mode"]
    for _ in range(20):
        sched.step(3)
    assert opt.param_groups[0]["lr"] == 0.1  # never below min_lr
    maximise = lr_scheduler.ReduceLROnPlateau(opt, mode="max", threshold=0.1,
                                              threshold_mode="abs", patience=0)
    opt.param_groups[0]["lr"] = 1.0
    for metric in [1, 1.05, 1.2, 1.2]:
        maximise.step(metric)
    assert maximise.get_last_lr() == [0.010000000000000002]  # as PyTorch


def test_state_dict_round_trip_and_keys():
    opt, sched = _make("StepLR", "SGD", {"lr": 1.0}, {"step_size": 2})
    assert sorted(sched.state_dict()) == ["_get_lr_called_within_step", "_is_initial",
                                          "_last_lr", "_step_count", "base_lrs", "gamma",
                                          "last_epoch", "step_size"]
    for _ in range(3):
        opt.step()
        sched.step()
    saved = sched.state_dict()
    other = lr_scheduler.StepLR(opt, step_size=5)
    other.load_state_dict(saved)
    opt.step()
    other.step()
    assert other.get_last_lr() == [0.010000000000000002] and other.last_epoch == 4


def test_param_groups_each_follow_their_base_lr():
    a, b = nn.Parameter(torch.zeros(1)), nn.Parameter(torch.zeros(1))
    opt = optim.SGD([{"params": [a]}, {"params": [b], "lr": 0.5}], lr=0.1)
    sched = lr_scheduler.ExponentialLR(opt, gamma=0.5)
    opt.step()
    sched.step()
    assert sched.get_last_lr() == [0.05, 0.25]
    assert [g["initial_lr"] for g in opt.param_groups] == [0.1, 0.5]


def test_sequential_and_chained():
    opt = optim.SGD([torch.zeros(1, requires_grad=True)], lr=1.0)
    seq = lr_scheduler.SequentialLR(opt, [lr_scheduler.ConstantLR(opt, 0.5, total_iters=2),
                                          lr_scheduler.ExponentialLR(opt, 0.5)], milestones=[2])
    lrs = [seq.get_last_lr()[0]]
    for _ in range(4):
        opt.step()
        seq.step()
        lrs.append(seq.get_last_lr()[0])
    assert lrs == [0.5, 0.5, 1.0, 0.5, 0.25]
    opt2 = optim.SGD([torch.zeros(1, requires_grad=True)], lr=1.0)
    chain = lr_scheduler.ChainedScheduler([lr_scheduler.ConstantLR(opt2, 0.5, total_iters=2),
                                           lr_scheduler.ExponentialLR(opt2, 0.5)])
    for _ in range(3):
        opt2.step()
        chain.step()
    assert chain.get_last_lr() == [0.125]


def test_stepping_the_scheduler_first_warns():
    opt, sched = _make("StepLR", "SGD", {"lr": 1.0}, {"step_size": 2})
    with pytest.warns(UserWarning, match="before `optimizer.step\\(\\)`"):
        sched.step()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        opt2, sched2 = _make("StepLR", "SGD", {"lr": 1.0}, {"step_size": 2})
        opt2.step()
        sched2.step()


BAD = [
    (lambda: lr_scheduler.StepLR(3, 2), TypeError, "int is not an Optimizer"),
    (lambda: lr_scheduler.ReduceLROnPlateau(optim.SGD([torch.zeros(1, requires_grad=True)],
                                                      lr=0.1), factor=1.5),
     ValueError, "Factor should be < 1.0."),
    (lambda: lr_scheduler.ReduceLROnPlateau(optim.SGD([torch.zeros(1, requires_grad=True)],
                                                      lr=0.1), mode="avg"),
     ValueError, "mode avg is unknown!"),
    (lambda: _make("OneCycleLR", "SGD", {"lr": 0.1}, {"max_lr": 1.0}), ValueError,
     "You must define either total_steps OR"),
    (lambda: _make("OneCycleLR", "SGD", {"lr": 0.1}, {"max_lr": 1.0, "total_steps": 10,
                                                      "pct_start": 1}),
     ValueError, "Expected float between 0 and 1 pct_start"),
    (lambda: _make("OneCycleLR", "Adagrad", {"lr": 0.1}, {"max_lr": 1.0, "total_steps": 10}),
     ValueError, "optimizer must support momentum or beta1"),
    (lambda: _make("StepLR", "SGD", {"lr": 0.1}, {"step_size": 2, "last_epoch": 3}), KeyError,
     "initial_lr"),
]


@pytest.mark.parametrize("call,exc,match", BAD, ids=[b[2][:30] for b in BAD])
def test_bad_input_raises(call, exc, match):
    with pytest.raises(exc, match=match):
        call()


def test_one_cycle_past_total_steps_raises():
    opt, sched = _make("OneCycleLR", "SGD", {"lr": 0.1, "momentum": 0.9},
                       {"max_lr": 1.0, "total_steps": 3})
    for _ in range(2):
        opt.step()
        sched.step()
    opt.step()
    with pytest.raises(ValueError, match="Tried to step 4 times"):
        sched.step()
        sched.step()
