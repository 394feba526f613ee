"""The ``convscope`` command: one sub-command per module in this package.

Each command module defines its function and registers it on :data:`app` here, so this file
stays a table of contents.
"""

from __future__ import annotations

import typer

app = typer.Typer(
    name="convscope",
    help="The 2-D convolution of deep learning, visible and exact.",
    no_args_is_help=True,
    add_completion=False,
)


@app.callback()
def _commands() -> None:
    # A callback keeps ``convscope explain`` a sub-command even while it is the only one
    # (Typer otherwise runs a lone command as the program itself).
    pass


def _register() -> None:
    # Imported for their side effect of adding a command to ``app``.
    from . import (  # noqa: F401
        animate,
        apply,
        explain,
        export,
        inspect,
        serve,
        trace,
        train_digits,
    )


def main() -> None:
    """Run the ``convscope`` command line."""
    _register()
    app()
