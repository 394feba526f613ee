"""The record of a learning run: every step's loss, kernel, bias and output, and its JSON form."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np
from numpy.typing import NDArray

__all__ = ["LearnHistory", "Status", "history_from_json"]

Status = Literal["learning", "converged", "diverged"]


@dataclass
class LearnHistory:
    """Every recorded step of a learning run: the loss, the kernel, the bias, the output.

    Entry ``i`` is the state after ``i`` updates (entry 0 is the start): ``losses[i]`` is the
    mean squared error of ``kernels[i]`` on that step's image (or batch of crops), the loss a
    ``torch`` loop prints before its ``i``-th update.

    Attributes
    ----------
    target : ndarray
        The kernel being learned.
    target_output : ndarray or None
        The target image (the engine's output of ``target``), for images small enough.
    losses, kernels, biases, outputs, statuses : list
        One item per recorded step; ``outputs`` holds None when outputs are not recorded.
    status : {'learning', 'converged', 'diverged'}
        The run's status now.
    message : str
        What happened, in words (why a run diverged, when it converged).
    converged_at : int or None
        The first step whose kernel (and bias) is within the tolerance of the target.
    """

    target: NDArray[np.float64]
    target_output: NDArray[np.float64] | None
    losses: list[float] = field(default_factory=list)
    kernels: list[NDArray[np.float64]] = field(default_factory=list)
    biases: list[float] = field(default_factory=list)
    outputs: list[NDArray[np.float64] | None] = field(default_factory=list)
    statuses: list[Status] = field(default_factory=list)
    status: Status = "learning"
    message: str = ""
    converged_at: int | None = None

    @property
    def steps(self) -> int:
        """Return how many updates the history holds (entries minus the start)."""
        return len(self.losses) - 1

    def to_json(self) -> dict[str, Any]:
        """Return a JSON-ready dict: arrays as nested lists, one list per recorded quantity."""
        return {
            "target": self.target.tolist(),
            "target_output": _listed(self.target_output),
            "losses": list(self.losses),
            "kernels": [kernel.tolist() for kernel in self.kernels],
            "biases": list(self.biases),
            "outputs": [_listed(output) for output in self.outputs],
            "statuses": list(self.statuses),
            "status": self.status,
            "message": self.message,
            "converged_at": self.converged_at,
        }


def _listed(values: NDArray[Any] | None) -> Any:
    return None if values is None else values.tolist()


def history_from_json(data: dict[str, Any]) -> LearnHistory:
    """Return the :class:`LearnHistory` that :meth:`LearnHistory.to_json` gave ``data``."""

    def array(values: Any) -> Any:
        return None if values is None else np.array(values, dtype=np.float64)

    return LearnHistory(
        target=np.array(data["target"], dtype=np.float64),
        target_output=array(data["target_output"]),
        losses=list(data["losses"]),
        kernels=[np.array(kernel, dtype=np.float64) for kernel in data["kernels"]],
        biases=list(data["biases"]),
        outputs=[array(output) for output in data["outputs"]],
        statuses=list(data["statuses"]),
        status=data["status"],
        message=data["message"],
        converged_at=data["converged_at"],
    )
