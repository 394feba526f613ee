"""The inspector against torch: shapes from a forward pass on zeros, parameter counts from
``sum(p.numel())`` and receptive fields from autograd, for stacks built in torch code.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from convscope.inspection import ModelProblem, inspect_layers, parse_stack, torch_layers

torch = pytest.importorskip("torch")
nn = torch.nn


def resnet18_main_path() -> Any:
    """ResNet-18's convolution stack along its main path (the shortcuts are not a sequence)."""
    layers: list[Any] = [
        nn.Conv2d(3, 64, 7, 2, 3, bias=False), nn.BatchNorm2d(64), nn.ReLU(), nn.MaxPool2d(3, 2, 1),
    ]  # fmt: skip
    channels = 64
    for out, stride in ((64, 1), (128, 2), (256, 2), (512, 2)):
        for block in range(2):
            layers += [
                nn.Conv2d(channels, out, 3, stride if block == 0 else 1, 1, bias=False),
                nn.BatchNorm2d(out), nn.ReLU(),
                nn.Conv2d(out, out, 3, 1, 1, bias=False), nn.BatchNorm2d(out), nn.ReLU(),
            ]  # fmt: skip
            channels = out
    layers += [nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(512, 1000)]
    return nn.Sequential(*layers)


def vgg11() -> Any:
    """VGG-11 as torchvision lays it out: features, a 7×7 adaptive pool, the classifier."""
    features: list[Any] = []
    channels = 3
    for width in (64, "M", 128, "M", 256, 256, "M", 512, 512, "M", 512, 512, "M"):
        if width == "M":
            features.append(nn.MaxPool2d(2, 2))
        else:
            features += [nn.Conv2d(channels, int(width), 3, padding=1), nn.ReLU(inplace=True)]
            channels = int(width)
    classifier = nn.Sequential(
        nn.Linear(512 * 7 * 7, 4096), nn.ReLU(True), nn.Dropout(),
        nn.Linear(4096, 4096), nn.ReLU(True), nn.Dropout(), nn.Linear(4096, 1000),
    )  # fmt: skip
    return nn.Sequential(
        nn.Sequential(*features), nn.AdaptiveAvgPool2d((7, 7)), nn.Flatten(), classifier
    )


def depthwise_block(channels: int, out: int, stride: int) -> list[Any]:
    return [
        nn.Conv2d(channels, channels, 3, stride, 1, groups=channels, bias=False),
        nn.BatchNorm2d(channels), nn.ReLU6(),
        nn.Conv2d(channels, out, 1, bias=False), nn.BatchNorm2d(out), nn.ReLU6(),
    ]  # fmt: skip


def mobilenet_start() -> Any:
    """The first blocks of MobileNet v1: a strided conv, then depthwise-separable blocks."""
    layers: list[Any] = [nn.Conv2d(3, 32, 3, 2, 1, bias=False), nn.BatchNorm2d(32), nn.ReLU6()]
    for channels, out, stride in ((32, 64, 1), (64, 128, 2), (128, 128, 1), (128, 256, 2)):
        layers += depthwise_block(channels, out, stride)
    layers += [nn.AvgPool2d(3, 2, ceil_mode=True), nn.AdaptiveAvgPool2d(1), nn.Flatten()]
    layers.append(nn.Linear(256, 10))
    return nn.Sequential(*layers)


def leaf_shapes(model: Any, height: int, width: int) -> list[tuple[int, ...]]:
    """Return the output shape (batch dropped) of every leaf module, in forward order."""
    shapes: list[tuple[int, ...]] = []
    for module in model.modules():
        if not list(module.children()):
            module.register_forward_hook(lambda m, i, o: shapes.append(tuple(o.shape[1:])))
    with torch.no_grad():
        model.eval()(torch.zeros(1, 3, height, width))
    return shapes


CASES = [
    ("resnet18", resnet18_main_path, (224, 224)),
    ("resnet18-odd", resnet18_main_path, (193, 230)),
    ("vgg11", vgg11, (224, 224)),
    ("vgg11-small", vgg11, (64, 97)),
    ("mobilenet", mobilenet_start, (224, 224)),
    ("mobilenet-odd", mobilenet_start, (225, 201)),
]


@pytest.mark.parametrize(("build", "size"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_every_layer_has_torchs_shape_and_the_model_its_parameter_count(
    build: Any, size: tuple[int, int]
) -> None:
    model = build()
    inspection = inspect_layers(torch_layers(model), size)
    assert [row.output_shape for row in inspection.rows] == leaf_shapes(model, *size)
    assert inspection.params == sum(p.numel() for p in model.parameters())


def test_each_rows_parameters_are_its_modules() -> None:
    model = mobilenet_start()
    leaves = [m for m in model.modules() if not list(m.children())]
    rows = inspect_layers(torch_layers(model), (224, 224)).rows
    assert [row.params for row in rows] == [sum(p.numel() for p in m.parameters()) for m in leaves]


RESNET18_TEXT = """
conv 3 64 7 s2 p3 nobias; bn; relu; maxpool 3 s2 p1
""" + "".join(
    f"conv {c} {o} 3 s{s} p1 nobias; bn; relu; conv {o} {o} 3 p1 nobias; bn; relu\n"
    for c, o, s in (
        (64, 64, 1), (64, 64, 1), (64, 128, 2), (128, 128, 1),
        (128, 256, 2), (256, 256, 1), (256, 512, 2), (512, 512, 1),
    )
) + "gap; flatten; linear 512 1000"  # fmt: skip

VGG11_TEXT = """
conv 3 64 3 p1; relu; maxpool 2
conv 64 128 3 p1; relu; maxpool 2
conv 128 256 3 p1; relu; conv 256 256 3 p1; relu; maxpool 2
conv 256 512 3 p1; relu; conv 512 512 3 p1; relu; maxpool 2
conv 512 512 3 p1; relu; conv 512 512 3 p1; relu; maxpool 2
adaptiveavgpool 7; flatten
linear 25088 4096; relu; dropout; linear 4096 4096; relu; dropout; linear 4096 1000
"""

MOBILENET_TEXT = "conv 3 32 3 s2 p1 nobias; bn; relu6\n" + "".join(
    f"dwconv {c} 3 s{s} p1 nobias; bn; relu6; conv {c} {o} 1 nobias; bn; relu6\n"
    for c, o, s in ((32, 64, 1), (64, 128, 2), (128, 128, 1), (128, 256, 2))
) + "avgpool 3 s2 ceil; gap; flatten; linear 256 10"  # fmt: skip


@pytest.mark.parametrize(
    ("text", "build"),
    [(RESNET18_TEXT, resnet18_main_path), (VGG11_TEXT, vgg11), (MOBILENET_TEXT, mobilenet_start)],
    ids=["resnet18", "vgg11", "mobilenet"],
)
def test_a_stack_description_reads_as_the_torch_module_it_describes(text: str, build: Any) -> None:
    from_text = inspect_layers(parse_stack(text), (224, 224))
    from_torch = inspect_layers(torch_layers(build()), (224, 224))
    strip = [(r.output_shape, r.formulas, r.field_size, r.field_jump, r.params, r.macs)
             for r in from_text.rows]  # fmt: skip
    assert strip == [
        (r.output_shape, r.formulas, r.field_size, r.field_jump, r.params, r.macs)
        for r in from_torch.rows
    ]


def test_vgg11_counts_are_the_published_ones() -> None:
    inspection = inspect_layers(parse_stack(VGG11_TEXT), (224, 224))
    assert inspection.params == 132_863_336
    assert inspection.rows[0].formulas[0] == "⌊(224 + 2·1 − 3)/1⌋ + 1 = 224"


# ---- receptive fields against autograd ----------------------------------------------------

FIELD_STACKS = {
    "convs": "conv 1 1 3; conv 1 1 3 s2 p1; conv 1 1 5 s2 p2",
    "pools": "conv 1 1 3 p1; maxpool 2; conv 1 1 3; avgpool 3 s2 p1",
    "dilated": "conv 1 1 3 d2 p2; conv 1 1 3 s2; maxpool 3 s2 p1 d2",
    "uneven": "conv 1 1 5x3 s2x1 p2x1; maxpool 2x3 s2x1; conv 1 1 3",
}


def windows_of_ones(text: str) -> Any:
    """The stack in torch as convolutions of ones with each layer's window geometry.

    A pool's receptive field is its window's, but max pooling sends the gradient to the
    winner alone; a window of ones sends it to every cell, which is what is checked here.
    """
    layers = []
    for layer in parse_stack(text):
        spec = layer.spec  # type: ignore[union-attr]
        if hasattr(layer, "kernel"):
            kernel, (top, _), (left, _) = layer.kernel, *spec.resolve_padding(layer.kernel)  # type: ignore[union-attr]
            padding = (top, left)
        else:
            kernel, padding = spec.kernel_size, spec.padding
        window = nn.Conv2d(1, 1, kernel, spec.stride, padding, spec.dilation, bias=False)
        nn.init.ones_(window.weight)
        layers.append(window)
    return nn.Sequential(*layers).double()


def seen(model: Any, size: tuple[int, int], i: int, j: int) -> np.ndarray:
    """Return where the gradient of output cell (i, j) with respect to the input is non-zero."""
    image = (torch.rand(1, 1, *size, dtype=torch.float64) + 1).requires_grad_(True)
    model(image)[0, 0, i, j].backward()
    return image.grad[0, 0].numpy() != 0


@pytest.mark.parametrize("text", FIELD_STACKS.values(), ids=FIELD_STACKS)
def test_the_receptive_field_is_where_the_gradient_reaches(text: str) -> None:
    size = (41, 37)
    inspection = inspect_layers(parse_stack(text), size)
    last = inspection.rows[-1]
    out_rows, out_cols = last.output_shape[1:]
    field = __import__("convscope").receptive_field([_window(layer) for layer in parse_stack(text)])
    assert (last.field_size, last.field_jump) == (field.size, field.jump)
    model = windows_of_ones(text)
    for i, j in ((0, 0), (out_rows // 2, out_cols // 2), (out_rows - 1, out_cols - 1)):
        mask = seen(model, size, i, j)
        rows, cols = np.nonzero(mask)
        top, bottom, left, right = field.region(i, j)
        clipped = (max(top, 0), min(bottom, size[0]), max(left, 0), min(right, size[1]))
        assert (rows.min(), rows.max() + 1, cols.min(), cols.max() + 1) == clipped
        if "d2" not in text:  # without dilation the field has no holes
            assert mask[clipped[0] : clipped[1], clipped[2] : clipped[3]].all()


def _window(layer: Any) -> dict[str, object]:
    spec = layer.spec
    if hasattr(layer, "kernel"):
        (top, _), (left, _) = spec.resolve_padding(layer.kernel)
        return {"kernel_size": layer.kernel, "stride": spec.stride, "padding": (top, left),
                "dilation": spec.dilation}  # fmt: skip
    return {"kernel_size": spec.kernel_size, "stride": spec.stride, "padding": spec.padding,
            "dilation": spec.dilation}  # fmt: skip


def test_the_interior_field_is_exactly_the_rows_field_size() -> None:
    text = FIELD_STACKS["pools"]
    last = inspect_layers(parse_stack(text), (64, 64)).rows[-1]
    mask = seen(windows_of_ones(text), (64, 64), 4, 4)
    rows, cols = np.nonzero(mask)
    assert (rows.max() - rows.min() + 1, cols.max() - cols.min() + 1) == last.field_size


# ---- refusals -----------------------------------------------------------------------------


class DataDependent(nn.Module):  # type: ignore[misc]
    def __init__(self) -> None:
        super().__init__()
        self.conv = nn.Conv2d(8, 8, 3, padding=1)

    def forward(self, x: Any) -> Any:
        return self.conv(x) if x.sum() > 0 else x


def test_a_forward_that_branches_on_the_data_is_refused_by_name() -> None:
    model = nn.Sequential(nn.Conv2d(3, 8, 3), DataDependent())
    with pytest.raises(ModelProblem, match=r"the Sequential's forward could not be followed"):
        torch_layers(model)


def test_an_unsupported_layer_is_refused_naming_it_and_what_works() -> None:
    model = nn.Sequential(nn.Conv2d(3, 8, 3), nn.Upsample(scale_factor=2))
    with pytest.raises(ModelProblem, match=r"layer '1' is a Upsample, .* supported: Sequential"):
        torch_layers(model)
