"""``convscope train-digits``: train the digits network with the engine, or evaluate it.

Training runs SGD with momentum on the bundled digits' training split with a progress bar,
then prints the held-out accuracy and writes the weights (by default over the bundled file,
which the defaults regenerate bit for bit). ``--evaluate`` only measures a weights file.
Bad input ends with a one-line message and exit status 2.
"""

from __future__ import annotations

import os
import time
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from ..network import TrainingConfig, held_out_split
from ..network.train import (
    accuracy,
    bundled_weights_path,
    load_weights,
    save_weights,
    train,
    training_config,
)
from . import app

DEFAULTS = TrainingConfig()


def _fail(message: str) -> typer.Exit:
    typer.echo(f"error: {message}", err=True)
    return typer.Exit(code=2)


@app.command("train-digits")
def train_digits(
    out: Annotated[
        Path | None,
        typer.Option(help="Write the weights here (.npz); default: the bundled file."),
    ] = None,
    evaluate: Annotated[
        bool,
        typer.Option("--evaluate", help="Only print the held-out accuracy of --weights."),
    ] = False,
    weights: Annotated[
        Path | None,
        typer.Option(help="With --evaluate: the weights file to measure; default: the bundled."),
    ] = None,
    seed: Annotated[int, typer.Option(help="Seeds the starting weights and the order.")] = (
        DEFAULTS.seed
    ),
    epochs: Annotated[int, typer.Option(help="Passes over the training split.")] = DEFAULTS.epochs,
    steps: Annotated[
        int | None, typer.Option(help="Stop after this many steps (a quick try).")
    ] = None,
    batch_size: Annotated[int, typer.Option(help="Images per step.")] = DEFAULTS.batch_size,
    learning_rate: Annotated[float, typer.Option(help="SGD step size.")] = DEFAULTS.learning_rate,
    momentum: Annotated[float, typer.Option(help="SGD momentum.")] = DEFAULTS.momentum,
) -> None:
    """Train the 8×8 digits CNN (conv, ReLU, pool, twice, then linear) with convscope's engine.

    Try: convscope train-digits --out my_weights.npz, then
    convscope train-digits --evaluate --weights my_weights.npz
    """
    console = Console()
    try:
        if evaluate:
            _evaluate(console, weights or bundled_weights_path())
            return
        if weights is not None:
            raise ValueError("--weights goes with --evaluate; to write weights, use --out")
        config = TrainingConfig(seed, epochs, batch_size, learning_rate, momentum, steps)
        target = out or bundled_weights_path()
        _check_target(target)
        _train(console, config, target)
    except ValueError as error:
        raise _fail(str(error)) from None
    except OSError as error:
        raise _fail(f"--out: could not write {str(error.filename)!r}: {error.strerror}") from None


def _check_target(target: Path) -> None:
    folder = target.resolve().parent
    if target.is_dir():
        raise ValueError(f"--out: {str(target)!r} is a folder; give a file, e.g. weights.npz")
    if not folder.is_dir():
        raise ValueError(f"--out: folder {str(folder)!r} does not exist")
    if not os.access(folder, os.W_OK):
        raise ValueError(f"--out: folder {str(folder)!r} is not writable; give another --out")


def _evaluate(console: Console, path: Path) -> None:
    trained = load_weights(path)
    _, held_out = held_out_split()
    score = accuracy(trained, held_out)
    config = training_config(path)
    how = "" if config is None else f" (seed {config.seed}, {config.epochs} epochs)"
    console.print(f"{path}{how}")
    console.print(
        f"held-out accuracy: {score:.4f} ({round(score * len(held_out))}/{len(held_out)})"
    )


def _train(console: Console, config: TrainingConfig, target: Path) -> None:
    training, held_out = held_out_split()
    total = config.steps(len(training))
    start = time.perf_counter()
    with Progress(
        TextColumn("training"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("loss {task.fields[loss]}"),
        TimeElapsedColumn(),
        console=console,
    ) as progress:
        task = progress.add_task("training", total=total, loss="…")

        def report(step: int, loss: float) -> None:
            progress.update(task, completed=step, loss=f"{loss:.4f}")

        trained = train(config, report)
    seconds = time.perf_counter() - start
    save_weights(trained, target, config)
    score = accuracy(trained, held_out)
    console.print(f"{total} steps in {seconds:.1f} s; held-out accuracy {score:.4f}")
    console.print(f"weights written to {target}")
