"""Make the fp16 variant of an exported PLKSR ONNX file, for WebGPU adapters with shader-f16.

    /usr/bin/python3 -m training.fp16 models/plksr-tiny-x4.onnx     # writes models/plksr-tiny-x4.fp16.onnx

Weights and activations become float16; the graph's input and output stay float32 (a Cast at each
end), so the engine feeds both variants the same tensors. Resize's scales stay float32: the
operator takes them as float whatever the data type. Half the bytes to download and to hold on
the GPU, and GPUs with f16 arithmetic run it faster; whether a GPU's f16 result is close enough is
checked on the user's device before the engine relies on it (src/offscreen/precision-check.ts).
"""
from __future__ import annotations

import argparse
import json
from pathlib import Path

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

SUFFIX = ".fp16.onnx"


def fp16_name(file: str) -> str:
    """models/X.onnx's fp16 variant is models/X.fp16.onnx: evaluate.py and model_card.py pair them by name."""
    if not file.endswith(".onnx") or file.endswith(SUFFIX):
        raise ValueError(f"{file} is not a float32 .onnx file name")
    return file[: -len(".onnx")] + SUFFIX


def fp16_id(model_id: str) -> str:
    """The row id evaluate.py gives a model's fp16 variant, and model_card.py looks it up by."""
    return f"{model_id}.fp16"


# Inputs that the ONNX operator defines as float32 whatever the tensor type: (op, input index).
FLOAT32_INPUTS = {("Resize", 1), ("Resize", 2)}


def _float32_only_names(graph: onnx.GraphProto) -> set[str]:
    return {name for node in graph.node for i, name in enumerate(node.input) if (node.op_type, i) in FLOAT32_INPUTS}


def _to_half(tensor: onnx.TensorProto) -> onnx.TensorProto:
    values = numpy_helper.to_array(tensor)
    if np.abs(values).max(initial=0) > np.finfo(np.float16).max:
        raise SystemExit(f"{tensor.name}: a value does not fit in float16")
    return numpy_helper.from_array(values.astype(np.float16), tensor.name)


def convert(model: onnx.ModelProto) -> onnx.ModelProto:
    graph = model.graph
    if len(graph.input) != 1 or len(graph.output) != 1:
        raise SystemExit("expected one input and one output")
    keep = _float32_only_names(graph)
    for i, init in enumerate(graph.initializer):
        if init.data_type == TensorProto.FLOAT and init.name not in keep:
            graph.initializer[i].CopyFrom(_to_half(init))
    for node in graph.node:
        if node.op_type == "Constant" and node.output[0] not in keep:
            for attr in node.attribute:
                if attr.name == "value" and attr.t.data_type == TensorProto.FLOAT:
                    attr.t.CopyFrom(_to_half(attr.t))
        if node.op_type == "Cast" and any(a.name == "to" and a.i == TensorProto.FLOAT for a in node.attribute):
            raise SystemExit(f"{node.name}: a Cast to float32 inside the graph would need rewriting")

    source, sink = graph.input[0].name, graph.output[0].name
    half_in, half_out = f"{source}_fp16", f"{sink}_fp16"
    for node in graph.node:
        node.input[:] = [half_in if name == source else name for name in node.input]
        node.output[:] = [half_out if name == sink else name for name in node.output]
    graph.node.insert(0, helper.make_node("Cast", [source], [half_in], to=TensorProto.FLOAT16, name="input_to_fp16"))
    graph.node.append(helper.make_node("Cast", [half_out], [sink], to=TensorProto.FLOAT, name="output_to_fp32"))
    # Shapes inferred for float32 intermediates would now name the wrong type.
    del graph.value_info[:]
    onnx.checker.check_model(model)
    return model


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("source", type=Path, help="float32 ONNX file (training.export)")
    ap.add_argument("out", type=Path, nargs="?", help="default: the source's name with .fp16.onnx")
    args = ap.parse_args()
    args.out = args.out or args.source.with_name(fp16_name(args.source.name))
    model = convert(onnx.load(str(args.source)))
    onnx.save(model, str(args.out))
    print(json.dumps({"source": str(args.source), "fp16": str(args.out), "bytes": args.out.stat().st_size}))


if __name__ == "__main__":
    main()
