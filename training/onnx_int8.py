"""Export a torch model to ONNX and quantise its weights to dynamic int8: what the product runs."""

from __future__ import annotations

from pathlib import Path

import torch


def export_int8(model: torch.nn.Module, inputs: tuple, final: Path, inputs_named: tuple, outputs_named: tuple) -> None:
    """Trace `model` on `inputs` (batch and token axes dynamic), write int8 weights to `final`."""
    from onnxruntime.quantization import QuantType, quantize_dynamic

    tmp = final.with_name(f"{final.stem}-fp32.onnx")
    torch.onnx.export(
        model,
        inputs,
        str(tmp),
        input_names=list(inputs_named),
        output_names=list(outputs_named),
        dynamic_axes={n: {0: "batch", 1: "tokens"} for n in inputs_named} | {n: {0: "batch"} for n in outputs_named},
        opset_version=17,
        dynamo=False,
    )
    quantize_dynamic(str(tmp), str(final), weight_type=QuantType.QInt8)
    tmp.unlink()
