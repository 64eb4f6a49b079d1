#!/usr/bin/python3
"""Gatun's PyTorch conformance suite: golden cases and the export round trip.

    /usr/bin/python3 tools/conformance/gen_goldens.py            # regenerate the goldens (deterministic)
    /usr/bin/python3 tools/conformance/gen_goldens.py --seed 7 --sizes 5,16,33,64 --cases 24 --out /tmp/conf
                                                                 # fresh cases, for ConformanceTest with
                                                                 # -Dgatun.conformance.dir=/tmp/conf
    /usr/bin/python3 tools/conformance/gen_goldens.py --verify-export autograd/target/torch-export
    /usr/bin/python3 tools/conformance/gen_goldens.py --check-cli cli/target/gatun.jar

Generation writes, for each random configuration, into autograd/src/test/resources/conformance/:
  caseNN.model.safetensors  the torch module's state_dict (PyTorch names, sometimes under a module prefix) with
                            __metadata__ gatun.cell / gatun.batch_first when shapes cannot tell them
  caseNN.io.safetensors     input (batch-first when the case is), optional h0/c0, output, h_n, c_n, grad_output G,
                            and grad.<name> = d sum(output * G) / d<name> for input, h0, c0 and every parameter
plus index.json describing the cases. Goldens are computed in float64 from the float32 weights and inputs that
are stored, so Gatun's float32 results can be held to 1e-5 relative / 1e-6 absolute.

--verify-export loads every Gatun-exported model in DIR (written by the JUnit test ExportRoundTripTest: NAME.safetensors
with NAME.io.safetensors holding input and Gatun's output) into torch.nn.RNN/LSTM/GRU with load_state_dict(strict=True)
and compares torch's forward with Gatun's.

--check-cli runs `gatun forward` and `gatun backward` (java -jar JAR, with $JAVA_HOME/bin/java) on every golden case
and compares the files they write with the goldens. Needs only torch (Debian python3-torch); no safetensors package.
"""
import json
import os
import random
import struct
import sys

import torch

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
OUT = os.path.join(ROOT, "autograd", "src", "test", "resources", "conformance")
CASES = 36
SIZES = [1, 3, 7, 13]
SEED = 20261122
# A second group with sizes of a vector (16 lanes) and more, so the vectorized kernels (not only their scalar tails)
# are held to PyTorch: 2 cases per cell, kept small (T <= 5, B <= 3, at most 2 layers).
WIDE_CASES = 8
WIDE_SIZES = [16, 17, 33]
CELLS = ["rnn_tanh", "rnn_relu", "lstm", "gru"]
PREFIXES = ["", "", "rnn.", "encoder.lstm."]

DTYPES = {"F32": (4, "f"), "F64": (8, "d"), "F16": (2, "e")}


def write_safetensors(path, tensors, metadata=None):
    """Minimal safetensors writer (F32), tensors in insertion order."""
    header, blobs, offset = {}, [], 0
    if metadata:
        header["__metadata__"] = metadata
    for name, t in tensors.items():
        data = t.detach().to(torch.float32).contiguous().numpy().tobytes() if t.numel() else b""
        header[name] = {"dtype": "F32", "shape": list(t.shape), "data_offsets": [offset, offset + len(data)]}
        blobs.append(data)
        offset += len(data)
    h = json.dumps(header, separators=(",", ":")).encode("utf-8")
    h += b" " * ((8 - len(h) % 8) % 8)
    tmp = path + ".tmp"
    with open(tmp, "wb") as f:
        f.write(struct.pack("<Q", len(h)))
        f.write(h)
        for b in blobs:
            f.write(b)
    os.replace(tmp, path)


def read_safetensors(path):
    with open(path, "rb") as f:
        n = struct.unpack("<Q", f.read(8))[0]
        header = json.loads(f.read(n))
        data = f.read()
    meta = header.pop("__metadata__", {})
    out = {}
    for name, e in header.items():
        size, code = DTYPES[e["dtype"]] if e["dtype"] in DTYPES else (None, None)
        if code is None:
            raise ValueError(f"{path}: tensor {name}: dtype {e['dtype']} not handled")
        b, end = e["data_offsets"]
        count = (end - b) // size
        vals = struct.unpack("<" + code * count, data[b:end])
        out[name] = torch.tensor(vals, dtype=torch.float64).reshape(e["shape"])
    return out, meta


def make_module(cell, input_size, hidden, layers, bidir, proj, bias, batch_first):
    kw = dict(input_size=input_size, hidden_size=hidden, num_layers=layers, bidirectional=bidir, bias=bias,
              batch_first=batch_first)
    if cell == "lstm":
        return torch.nn.LSTM(proj_size=proj, **kw)
    if cell == "gru":
        return torch.nn.GRU(**kw)
    return torch.nn.RNN(nonlinearity="relu" if cell == "rnn_relu" else "tanh", **kw)


def random_configs(rng, first, count, sizes, max_layers, max_steps, max_batch, seed_base):
    out = []
    for i in range(first, first + count):
        cell = CELLS[i % len(CELLS)]
        layers = rng.choice([1, 1, 2, 3] if max_layers >= 3 else [1, 1, 2])
        bidir = rng.random() < 0.35
        hidden = rng.choice(sizes)
        proj = 0
        if cell == "lstm" and rng.random() < 0.4:
            hidden = max(hidden, 3)
            proj = rng.choice([p for p in [1, 2, 3, 5, 16, 17] if p < hidden])
        out.append(dict(
            name=f"case{i:02d}", cell=cell, input_size=rng.choice(sizes), hidden=hidden, layers=layers,
            bidirectional=bidir, proj=proj, bias=rng.random() < 0.8, batch_first=rng.random() < 0.3,
            steps=rng.randint(1, max_steps), batch=rng.randint(1, max_batch), with_h0=rng.random() < 0.5,
            prefix=PREFIXES[i % len(PREFIXES)], seed=seed_base + i))
    return out


def configs(rng, cases=CASES, sizes=SIZES, max_steps=9, max_batch=4):
    out = random_configs(rng, 0, cases, sizes, 3, max_steps, max_batch, 1000)
    # Batch-1 unidirectional cases so the streaming session path has goldens of every cell.
    for j, cell in enumerate(CELLS):
        out.append(dict(
            name=f"case{cases + j:02d}", cell=cell, input_size=7, hidden=13 if cell != "lstm" else 7,
            layers=2, bidirectional=False, proj=3 if cell == "lstm" else 0, bias=True, batch_first=False,
            steps=9, batch=1, with_h0=True, prefix="", seed=2000 + j))
    if sizes == SIZES:
        wide = random_configs(random.Random(SEED + 1), cases + len(CELLS), WIDE_CASES, WIDE_SIZES, 2, 5, 3, 3000)
        first_lstm = next(c for c in wide if c["cell"] == "lstm")
        first_lstm["proj"] = 5   # the projection at vector sizes too
        out += wide
    return out


def generate(out_dir=OUT, seed=SEED, sizes=SIZES, cases=CASES, max_steps=9, max_batch=4):
    os.makedirs(out_dir, exist_ok=True)
    rng = random.Random(seed)
    index = []
    for c in configs(rng, cases, sizes, max_steps, max_batch):
        torch.manual_seed(c["seed"])
        m = make_module(c["cell"], c["input_size"], c["hidden"], c["layers"], c["bidirectional"], c["proj"],
                        c["bias"], c["batch_first"])
        d = 2 if c["bidirectional"] else 1
        hr = c["proj"] or c["hidden"]
        t, b = c["steps"], c["batch"]
        x = torch.randn((b, t, c["input_size"]) if c["batch_first"] else (t, b, c["input_size"]))
        h0 = torch.randn(c["layers"] * d, b, hr) * 0.5
        c0 = torch.randn(c["layers"] * d, b, c["hidden"]) * 0.5
        if not c["with_h0"]:
            h0.zero_()
            c0.zero_()
        md = m.double()
        xd = x.double().requires_grad_()
        h0d = h0.double().requires_grad_()
        c0d = c0.double().requires_grad_()
        if c["cell"] == "lstm":
            y, (hn, cn) = md(xd, (h0d, c0d))
        else:
            y, hn = md(xd, h0d)
            cn = None
        g = torch.randn(y.shape, dtype=torch.float64).float().double()
        (y * g).sum().backward()
        # PyTorch's own float32 error against these float64 goldens, per tensor: the accuracy float32 can reach on
        # this case (large reductions exceed 1e-5 rel / 1e-6 abs in torch too); see Goldens.assertMatchesPyTorch.
        c["torch_f32_max_error"] = torch_f32_errors(c, x, h0, c0, g, y, hn, cn, xd, h0d, c0d, md)

        prefix = c["prefix"]
        model = {prefix + k: v.float() for k, v in m.state_dict().items()}
        meta = {"gatun.format": "1", "gatun.batch_first": "true" if c["batch_first"] else "false"}
        if c["cell"] == "rnn_relu":
            meta["gatun.cell"] = "rnn_relu"
        write_safetensors(os.path.join(out_dir, c["name"] + ".model.safetensors"), model, meta)

        io = {"input": x}
        if c["with_h0"]:
            io["h0"] = h0
            if c["cell"] == "lstm":
                io["c0"] = c0
        io["output"] = y
        io["h_n"] = hn
        if cn is not None:
            io["c_n"] = cn
        io["grad_output"] = g
        io["grad.input"] = xd.grad
        io["grad.h0"] = h0d.grad
        if c["cell"] == "lstm":
            io["grad.c0"] = c0d.grad
        for k, p in md.named_parameters():
            io["grad." + prefix + k] = p.grad
        write_safetensors(os.path.join(out_dir, c["name"] + ".io.safetensors"), io)
        index.append(c)
    with open(os.path.join(out_dir, "index.json"), "w") as f:
        json.dump(index, f, indent=1)
        f.write("\n")
    total = sum(os.path.getsize(os.path.join(out_dir, n)) for n in os.listdir(out_dir))
    print(f"{len(index)} cases, {total} bytes in {out_dir}")


def torch_f32_errors(c, x, h0, c0, g, y, hn, cn, xd, h0d, c0d, md):
    """Max |torch float32 - float64 golden| for every golden tensor of a case."""
    import copy
    m32 = copy.deepcopy(md).float()   # md is m itself (Module.double() converts in place): copy, then round
    x32 = x.float().requires_grad_()
    h032 = h0.float().requires_grad_()
    c032 = c0.float().requires_grad_()
    if c["cell"] == "lstm":
        y32, (hn32, cn32) = m32(x32, (h032, c032))
    else:
        y32, hn32 = m32(x32, h032)
        cn32 = None
    m32.zero_grad()
    (y32 * g.float()).sum().backward()
    err = lambda a, b: float((a.double() - b.detach()).abs().max()) if b.numel() else 0.0
    out = {"output": err(y32, y), "h_n": err(hn32, hn), "grad.input": err(x32.grad, xd.grad),
           "grad.h0": err(h032.grad, h0d.grad)}
    if cn is not None:
        out["c_n"] = err(cn32, cn)
        out["grad.c0"] = err(c032.grad, c0d.grad)
    grads64 = dict(md.named_parameters())
    for k, p in m32.named_parameters():
        out["grad." + c["prefix"] + k] = err(p.grad, grads64[k].grad)
    return out


def verify_export(folder):
    """Loads Gatun-exported models into torch (strict) and compares torch's forward with Gatun's output."""
    names = sorted(n[:-len(".io.safetensors")] for n in os.listdir(folder) if n.endswith(".io.safetensors"))
    if not names:
        sys.exit(f"no NAME.io.safetensors in {folder}: run the JUnit test ExportRoundTripTest first")
    worst = 0.0
    for name in names:
        sd, meta = read_safetensors(os.path.join(folder, name + ".safetensors"))
        io, _ = read_safetensors(os.path.join(folder, name + ".io.safetensors"))
        cell = meta.get("gatun.cell", "")
        rnn = {k: v for k, v in sd.items() if "weight_" in k or "bias_" in k}
        prefix = next(k for k in rnn if k.endswith("weight_ih_l0"))[:-len("weight_ih_l0")]
        rnn = {k[len(prefix):]: v for k, v in rnn.items() if k.startswith(prefix)}
        layers = 1 + max(int(k.split("_l")[1].split("_")[0]) for k in rnn)
        bidir = "weight_ih_l0_reverse" in rnn
        proj = rnn["weight_hr_l0"].shape[0] if "weight_hr_l0" in rnn else 0
        hidden = rnn["weight_hr_l0"].shape[1] if proj else rnn["weight_hh_l0"].shape[1]
        m = make_module(cell, rnn["weight_ih_l0"].shape[1], hidden, layers, bidir, proj, "bias_ih_l0" in rnn,
                        meta.get("gatun.batch_first") == "true").double()
        m.load_state_dict(rnn, strict=True)   # raises on any missing/unexpected name or shape mismatch
        with torch.no_grad():
            y = m(io["input"])[0]
        err = (y - io["output"]).abs().max().item()
        worst = max(worst, err)
        print(f"{name}: torch.nn.{type(m).__name__} load_state_dict(strict=True) ok, |torch - gatun| max {err:.2e}")
        if err > 1e-5:
            sys.exit(f"{name}: outputs differ by {err}")
    print(f"{len(names)} Gatun exports load into PyTorch and agree (max abs diff {worst:.2e})")


def check_cli(jar):
    """Runs the gatun CLI on every golden case (PyTorch state_dict in, safetensors out) and compares."""
    import subprocess
    import tempfile
    java = os.path.join(os.environ["JAVA_HOME"], "bin", "java") if "JAVA_HOME" in os.environ else "java"
    gatun = [java, "--add-modules", "jdk.incubator.vector", "-jar", jar]
    index = json.load(open(os.path.join(OUT, "index.json")))
    worst = 0.0
    with tempfile.TemporaryDirectory() as tmp:
        for c in index:
            model = os.path.join(OUT, c["name"] + ".model.safetensors")
            io_path = os.path.join(OUT, c["name"] + ".io.safetensors")
            io, _ = read_safetensors(io_path)
            g_path, y_path, d_path = (os.path.join(tmp, n) for n in ("g.safetensors", "y.safetensors", "d.safetensors"))
            write_safetensors(g_path, {"output": io["grad_output"]})
            for args in (["forward", "--model", model, "--input", io_path, "--output", y_path],
                         ["backward", "--model", model, "--input", io_path, "--grad-output", g_path, "--output",
                          d_path]):
                r = subprocess.run(gatun + args, capture_output=True, text=True)
                if r.returncode != 0:
                    sys.exit(f"{c['name']}: gatun {args[0]} failed: {r.stderr.strip()}")
            y, _ = read_safetensors(y_path)
            d, _ = read_safetensors(d_path)
            pairs = [(io[k], y[k]) for k in ("output", "h_n", "c_n") if k in io]
            pairs += [(io[k], d[k[len("grad."):]]) for k in io if k.startswith("grad.")]
            for want, got in pairs:
                err = ((got - want).abs() - 1e-5 * want.abs()).max().item()
                worst = max(worst, err)
                if err > 1e-6:
                    sys.exit(f"{c['name']}: gatun differs from torch by {err}")
            print(f"{c['name']}: gatun forward/backward match torch ({len(pairs)} tensors)")
    print(f"{len(index)} cases: gatun CLI within 1e-5 relative + 1e-6 absolute of PyTorch")


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--verify-export":
        verify_export(sys.argv[2])
    elif len(sys.argv) == 3 and sys.argv[1] == "--check-cli":
        check_cli(sys.argv[2])
    elif len(sys.argv) == 1:
        generate()
    else:
        import argparse
        ap = argparse.ArgumentParser(description="fresh conformance cases (see the module doc)")
        ap.add_argument("--out", required=True, help="folder for the cases (not the committed fixtures)")
        ap.add_argument("--seed", type=int, default=SEED)
        ap.add_argument("--sizes", default=",".join(map(str, SIZES)), help="input and hidden sizes to draw from")
        ap.add_argument("--cases", type=int, default=CASES, help="random cases (plus 4 batch-1 streaming cases)")
        ap.add_argument("--max-steps", type=int, default=9, help="T is drawn from 1..N")
        ap.add_argument("--max-batch", type=int, default=4, help="B is drawn from 1..N")
        a = ap.parse_args()
        generate(a.out, a.seed, [int(v) for v in a.sizes.split(",")], a.cases, a.max_steps, a.max_batch)
