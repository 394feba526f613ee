"""Residual networks in torch code: every layer's shape from torch's own forward pass, the
parameter count from ``sum(p.numel())``, and the receptive field of a sum from autograd."""

from __future__ import annotations

import re
from typing import Any

import numpy as np
import pytest

from convscope.inspection import Join, ModelProblem, inspect_layers, torch_layers

torch = pytest.importorskip("torch")
nn = torch.nn


class BasicBlock(nn.Module):  # type: ignore[misc]
    """ResNet's two-convolution block, written as torchvision writes it (``out += identity``)."""

    def __init__(self, channels: int, out: int, stride: int) -> None:
        super().__init__()
        self.conv1 = nn.Conv2d(channels, out, 3, stride, 1, bias=False)
        self.bn1 = nn.BatchNorm2d(out)
        self.relu = nn.ReLU(inplace=True)
        self.conv2 = nn.Conv2d(out, out, 3, 1, 1, bias=False)
        self.bn2 = nn.BatchNorm2d(out)
        self.downsample = None
        if stride != 1 or channels != out:
            self.downsample = nn.Sequential(
                nn.Conv2d(channels, out, 1, stride, bias=False), nn.BatchNorm2d(out)
            )

    def forward(self, x: Any) -> Any:
        identity = x
        out = self.relu(self.bn1(self.conv1(x)))
        out = self.bn2(self.conv2(out))
        if self.downsample is not None:
            identity = self.downsample(x)
        out += identity
        return self.relu(out)


class ResNet18(nn.Module):  # type: ignore[misc]
    """torchvision's ResNet-18 layer for layer, without the download."""

    def __init__(self) -> None:
        super().__init__()
        self.conv1 = nn.Conv2d(3, 64, 7, 2, 3, bias=False)
        self.bn1 = nn.BatchNorm2d(64)
        self.relu = nn.ReLU(inplace=True)
        self.maxpool = nn.MaxPool2d(3, 2, 1)
        stages, channels = [], 64
        for out, stride in ((64, 1), (128, 2), (256, 2), (512, 2)):
            stages.append(nn.Sequential(BasicBlock(channels, out, stride), BasicBlock(out, out, 1)))
            channels = out
        self.layer1, self.layer2, self.layer3, self.layer4 = stages
        self.avgpool = nn.AdaptiveAvgPool2d((1, 1))
        self.fc = nn.Linear(512, 1000)

    def forward(self, x: Any) -> Any:
        x = self.maxpool(self.relu(self.bn1(self.conv1(x))))
        x = self.layer4(self.layer3(self.layer2(self.layer1(x))))
        return self.fc(torch.flatten(self.avgpool(x), 1))


def torch_shapes(model: Any, size: tuple[int, int]) -> dict[str, tuple[int, ...]]:
    """Return each convolution's and pooling's output shape in a forward pass on zeros."""
    shapes: dict[str, tuple[int, ...]] = {}
    for name, module in model.named_modules():
        if isinstance(module, nn.Conv2d | nn.MaxPool2d | nn.BatchNorm2d):
            module.register_forward_hook(
                lambda _m, _i, out, name=name: shapes.__setitem__(name, tuple(out.shape[1:]))
            )
    model.eval()
    with torch.no_grad():
        model(torch.zeros(1, 3, *size))
    return shapes


@pytest.mark.parametrize("size", [(224, 224), (193, 230)])
def test_resnet18_with_its_shortcuts_has_torchs_shapes_and_parameters(
    size: tuple[int, int],
) -> None:
    model = ResNet18()
    inspection = inspect_layers(torch_layers(model), size)
    rows = {row.name: row for row in inspection.rows}
    expected = torch_shapes(model, size)
    assert expected  # the hooks ran
    for name, shape in expected.items():
        assert rows[name].output_shape == shape, name
    assert inspection.params == sum(p.numel() for p in model.parameters()) == 11_689_512
    assert inspection.output_shape == (1000,)
    sums = [row for row in inspection.rows if row.kind == "add"]
    assert len(sums) == 8  # one per block
    assert sums[2].inputs == ("layer2.0.bn2", "layer2.0.downsample.1")


def test_resnet18s_receptive_field_is_the_published_435() -> None:
    rows = inspect_layers(torch_layers(ResNet18()), (224, 224)).rows
    last_map = next(row for row in rows if row.name == "layer4.1.relu (2)")
    assert last_map.field_size == (435, 435) and last_map.field_jump == (32, 32)


class WindowsOfOnes(nn.Module):  # type: ignore[misc]
    """A residual block whose weights are all 1: autograd shows which pixels a cell sums."""

    def __init__(self) -> None:
        super().__init__()
        self.main1 = nn.Conv2d(1, 1, 3, 2, 1, bias=False)
        self.main2 = nn.Conv2d(1, 1, 3, 1, 2, dilation=2, bias=False)
        self.shortcut = nn.Conv2d(1, 1, 5, 2, 2, bias=False)  # wider than main1 alone
        self.after = nn.Conv2d(2, 1, 3, 1, 1, bias=False)
        for conv in (self.main1, self.main2, self.shortcut, self.after):
            nn.init.ones_(conv.weight)

    def forward(self, x: Any) -> Any:
        main = self.main2(self.main1(x))
        return self.after(torch.cat([main + self.shortcut(x), self.shortcut(x)], dim=1))


def test_the_field_of_a_sum_and_a_stack_is_where_the_gradient_reaches() -> None:
    model = WindowsOfOnes().double()
    size = (40, 40)
    rows = inspect_layers(torch_layers(model), size, channels=1).rows
    assert [row.kind for row in rows].count("add") == 1
    assert [row.kind for row in rows].count("concat") == 1
    for row_name in ("add", "after"):
        image = (torch.rand(1, 1, *size, dtype=torch.float64) + 1).requires_grad_(True)
        main = model.main2(model.main1(image))
        summed = main + model.shortcut(image)
        output = summed if row_name == "add" else model(image)
        output[0, 0, 8, 8].backward()
        reached_rows, reached_cols = np.nonzero(image.grad[0, 0].numpy())
        reached = (
            int(reached_rows.max() - reached_rows.min() + 1),
            int(reached_cols.max() - reached_cols.min() + 1),
        )
        row = next(r for r in rows if r.name == row_name)
        assert row.field_size == reached, row_name


def test_a_join_of_maps_of_different_sizes_is_refused_naming_both() -> None:
    class Mismatch(nn.Module):  # type: ignore[misc]
        def __init__(self) -> None:
            super().__init__()
            self.conv = nn.Conv2d(3, 3, 3)

        def forward(self, x: Any) -> Any:
            return self.conv(x) + x

    with pytest.raises(ModelProblem, match=r"adds maps of different shapes: 3×30×30 \(from conv\)"):
        inspect_layers(torch_layers(Mismatch()), (32, 32))
    assert isinstance(torch_layers(Mismatch())[-1], Join)


def test_a_function_the_inspector_does_not_know_is_refused_by_its_step() -> None:
    class Softly(nn.Module):  # type: ignore[misc]
        def __init__(self) -> None:
            super().__init__()
            self.conv = nn.Conv2d(3, 3, 3)

        def forward(self, x: Any) -> Any:
            return torch.sigmoid(self.conv(x)) * x[..., 1:-1, 1:-1]

    with pytest.raises(ModelProblem, match=r"step 'sigmoid' of the forward calls sigmoid"):
        torch_layers(Softly())


def test_the_html_page_draws_the_first_layers_learned_filters() -> None:
    model = nn.Sequential(nn.Conv2d(3, 4, 3), nn.ReLU(), nn.Conv2d(4, 2, 3))
    with torch.no_grad():
        model[0].weight.copy_(torch.ones(4, 3, 3, 3))
        model[0].weight[1] *= -1
    inspection = inspect_layers(torch_layers(model), (16, 16))
    assert inspection.first_filters is not None and inspection.first_filters.shape == (4, 3, 3, 3)
    html = inspection.to_html()
    assert html.count('src="data:image/png;base64,') == 4
    assert "The first layer's filters" in html and "red, green and blue" in html
    import base64
    import io

    from PIL import Image

    urls = re.findall(r'src="data:image/png;base64,([^"]+)"', html)
    first, second = (np.asarray(Image.open(io.BytesIO(base64.b64decode(u)))) for u in urls[:2])
    assert (first == 255).all() and (second == 0).all()  # all +1 is white, all −1 black


def test_a_model_without_weights_draws_no_filters() -> None:
    from convscope.inspection import parse_stack

    html = inspect_layers(parse_stack("conv 3 8 3; relu"), (16, 16)).to_html()
    assert "data:image/png" not in html and "The first layer's filters" not in html
