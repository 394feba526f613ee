"""Learning a kernel by gradient descent, step by step, with every step kept.

A target kernel (a catalogue name or an array) makes a target output from an image with the
engine's own :func:`convscope.conv2d`; a kernel that starts from zeros or seeded random
numbers then follows the gradient of the mean squared error between its output and the
target, computed by :func:`convscope.grad.conv2d_weight`, with a learning rate and momentum
(as ``torch.optim.SGD``). A photo is learned from a seeded batch of random crops per step.

:class:`KernelLearner` runs one step at a time (a server's play, pause and step) and its
state round-trips through JSON; :func:`learn_kernel` runs N steps and returns the
:class:`LearnHistory`. A learning rate too large for the image is stopped and explained in
words, with the largest rate that is safe, never left to fill the grids with NaN.

The package's rooms: :mod:`.learner` (stepping, the state's round trip), :mod:`.history` (the
record and its JSON), :mod:`.problem` (the lesson's images, crops, λ_max and the safe rate, the
divergence limit) and :mod:`.checks` (the arguments, refused by name).

Examples
--------
>>> from convscope import learn_kernel
>>> history = learn_kernel("sobel_x", steps=100)
>>> history.status, history.converged_at
('converged', 66)
>>> history.kernels[-1].round(3) + 0.0  # + 0.0 turns -0.0 into 0.0
array([[-1.,  0.,  1.],
       [-2.,  0.,  2.],
       [-1.,  0.,  1.]])
"""

from __future__ import annotations

from .history import LearnHistory
from .learner import KernelLearner, learn_kernel
from .problem import EDGES, LESSON_IMAGE

__all__ = ["EDGES", "LESSON_IMAGE", "KernelLearner", "LearnHistory", "learn_kernel"]

__test__ = {"KernelLearner": KernelLearner, "learn_kernel": learn_kernel}
"""The examples of the classes and functions re-exported here, run by ``doctest.testmod``."""
