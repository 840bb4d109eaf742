#!/usr/bin/env python3
"""PyTorch CPU peer of lowbit-bench's `micro` experiment (apps/bench/src/peers/pytorch.ts runs it).

Reads a JSON config on stdin: {"workloads": [...], "timing": {"minimumSeconds", "minimumRepetitions",
"budgetSeconds"?}, "threads": 2, "seed": 1}, the same workload list the other systems run
(src/peers/workloads.ts; a workload's own "timing" overrides the run's), and prints one JSON object
on stdout: {"system", "torch", "threads", "measurements": [{name, unit, value}], "skipped": [{name,
reason}], "notes": [...]}. Without torch it prints {"unavailable": why} and exits with status 3.
Timing rule as in workloads.ts: one warm-up call (not timed further when it exceeds budgetSeconds),
then calls until both minimumRepetitions and minimumSeconds are reached; the median is reported.

8-bit floats are emulated with float32 torch ops (torch 1.13 has no float8 dtypes; see
micro_peer_models.quantize_float), bit-identical to @lowbit/formats' nearest-even rounding.
"""
import json
import os
import statistics
import sys
import time


class OverBudget(Exception):
    pass


def time_call(work, rule):
    began = time.perf_counter()
    work()
    warmup = time.perf_counter() - began
    if rule.get("budgetSeconds") is not None and warmup > rule["budgetSeconds"]:
        raise OverBudget(f"one warm-up call took {warmup:.1f} s, over the {rule['budgetSeconds']} s budget: not timed")
    samples, started = [], time.perf_counter()
    while len(samples) < rule["minimumRepetitions"] or time.perf_counter() - started < rule["minimumSeconds"]:
        begin = time.perf_counter()
        work()
        samples.append(time.perf_counter() - begin)
    return statistics.median(samples)


def run_workload(workload, rule, notes):
    """(unit, value) of one workload."""
    import torch
    import torch.nn.functional as F
    from micro_peer_models import FORMATS, build_step_model, quantize_float

    kind = workload["kind"]
    if kind == "quantize":
        x = torch.randn(workload["elements"])
        fmt, stochastic = FORMATS[workload["format"]], workload["rounding"] == "stochastic"
        seconds = time_call(lambda: quantize_float(x, fmt, stochastic), rule)
        return "G elements/s", workload["elements"] / seconds / 1e9
    if kind == "gemm":
        n = workload["size"]
        a, b = torch.randn(n, n), torch.randn(n, n)
        return "GFLOP/s", 2 * n**3 / time_call(lambda: torch.mm(a, b), rule) / 1e9
    if kind == "conv":
        w = workload
        x = torch.randn(w["batch"], w["inChannels"], w["size"], w["size"])
        filt = torch.randn(w["outChannels"], w["inChannels"], w["kernel"], w["kernel"])
        out = (w["size"] + 2 * w["padding"] - w["kernel"]) // w["stride"] + 1
        flops = 2 * w["batch"] * w["outChannels"] * out * out * w["inChannels"] * w["kernel"] ** 2
        with torch.no_grad():
            seconds = time_call(lambda: F.conv2d(x, filt, stride=w["stride"], padding=w["padding"]), rule)
        return "GFLOP/s", flops / seconds / 1e9
    if kind == "step":
        model, input_shape, make_optimizers = build_step_model(workload["model"], workload["precision"])
        batch = workload["batch"]
        images, labels = torch.randn(batch, *input_shape), torch.arange(batch) % 10
        optimizers = make_optimizers(model)

        def step():
            for optimizer in optimizers:
                optimizer.zero_grad(set_to_none=True)
            loss = F.cross_entropy(model(images), labels)
            loss.backward()
            for optimizer in optimizers:
                optimizer.step()
            loss.item()

        if workload["model"] == "bnn-larq-mnist":
            notes.append("PyTorch BNN: sign STE (clip 1) on inputs, +-1 stored weights flipped by a hand-written Bop (torch has none), Adam on the batch-norm shifts")
        if workload["precision"] == "fp8":
            notes.append(f"PyTorch {workload['name']}: fake quantization with torch ops (E4M3 weights and layer inputs forward, E5M2 errors and weight gradients backward, straight-through)")
        return "examples/s", batch / time_call(step, rule)
    raise ValueError(f"unknown workload kind {kind}")


def blas_note():
    """Which BLAS the process loaded: Debian's reference BLAS is ~60x slower than OpenBLAS."""
    try:
        with open("/proc/self/maps") as maps:
            paths = {line.split()[-1] for line in maps if "blas" in line and "/" in line}
    except OSError:
        return "PyTorch BLAS library: unknown (no /proc/self/maps)"
    resolved = sorted({os.path.realpath(path) for path in paths})
    slow = [path for path in resolved if "openblas" not in path and "mkl" not in path and "libblas" in path]
    warning = " (reference BLAS: install libopenblas0-openmp)" if slow else ""
    return f"PyTorch BLAS: {', '.join(resolved) or 'none mapped'}{warning}; OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE unset for this process"


def main():
    config = json.load(sys.stdin)
    try:
        import torch
    except ImportError as error:
        print(json.dumps({"unavailable": f"{type(error).__name__}: {error}"}))
        return 3
    torch.set_num_threads(int(config.get("threads", 2)))
    torch.manual_seed(int(config.get("seed", 1)))
    measurements, skipped = [], []
    notes = [
        f"PyTorch {torch.__version__} CPU on {torch.get_num_threads()} threads"
        f" (float8 dtypes: {'yes' if hasattr(torch, 'float8_e4m3fn') else 'no, emulated with float32 ops'})"
    ]
    for workload in config["workloads"]:
        try:
            unit, value = run_workload(workload, workload.get("timing", config["timing"]), notes)
            measurements.append({"name": workload["name"], "unit": unit, "value": value})
        except OverBudget as error:
            skipped.append({"name": workload["name"], "reason": str(error)})
    notes.append(blas_note())
    print(json.dumps({
        "system": f"pytorch {torch.__version__} cpu ({torch.get_num_threads()} threads)",
        "torch": torch.__version__,
        "threads": torch.get_num_threads(),
        "executable": sys.executable,
        "measurements": measurements,
        "skipped": skipped,
        "notes": notes,
    }))
    return 0


if __name__ == "__main__":
    sys.dont_write_bytecode = True  # no __pycache__ next to the sources
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    sys.exit(main())
