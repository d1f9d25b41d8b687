"""Writes the PyTorch golden values that FocalLossSpecs compares FocalLoss against.

    /usr/bin/python3 scripts/torch/focal_loss_fixture.py [--out tests/FineTune.Engine.Tests/Fixtures/focal_loss.json]

PyTorch is needed only to regenerate the file; the C# tests read the committed JSON. The logits are
drawn in float32 (so the engine sees exactly the same inputs) and everything else is computed in
float64, so the gold values are more exact than the float32 engine they are compared with. Running
the script twice yields identical bytes (fixed seed, one thread, sorted keys).

JSON layout: {"classes", "ignore_index", "labels" (N), "logits" (N*K, row-major), "weights" (K),
"torch", "cases": [{"gamma", "source", "loss", "grad" (N*K, d loss / d logits)}]}.

Case gamma = 0 is torch.nn.functional.cross_entropy(weight=w, ignore_index=-100, reduction="mean"),
an independent implementation of the weighted mean. The other cases use the focal formula

    loss = sum_i w[y_i] * (1 - p_i)^gamma * (-log p_i) / sum_i w[y_i],   p_i = softmax(logits_i)[y_i]

over the rows whose label is not ignored, differentiated by autograd.
"""

import argparse
import json
import os

import torch
import torch.nn.functional as F

IGNORE_INDEX = -100
ROWS, CLASSES = 7, 3
SEED = 20240607
FOCAL_GAMMAS = [0.5, 2.0]


def inputs():
    generator = torch.Generator().manual_seed(SEED)
    # Scaled so that some rows are confidently right and some confidently wrong.
    logits = (torch.randn(ROWS, CLASSES, generator=generator, dtype=torch.float32) * 3).to(torch.float64)
    # Every class appears, so every weight is exercised; one row is ignored.
    labels = torch.tensor([0, 2, 1, 0, IGNORE_INDEX, 1, 2])
    # Float32-representable weights of an imbalanced problem (rare classes weigh more).
    weights = torch.tensor([0.5, 2.0, 3.25], dtype=torch.float64)
    return logits, labels, weights


def focal(logits, labels, weights, gamma):
    kept = labels != IGNORE_INDEX
    log_p = F.log_softmax(logits[kept], dim=1).gather(1, labels[kept].unsqueeze(1)).squeeze(1)
    w = weights[labels[kept]]
    return (w * (1 - log_p.exp()) ** gamma * -log_p).sum() / w.sum()


def case(logits, labels, weights, gamma):
    x = logits.clone().requires_grad_(True)
    if gamma == 0:
        loss = F.cross_entropy(x, labels, weight=weights, ignore_index=IGNORE_INDEX, reduction="mean")
        source = "torch.nn.functional.cross_entropy(weight, reduction='mean')"
    else:
        loss = focal(x, labels, weights, gamma)
        source = "focal formula in float64, autograd gradient"
    loss.backward()
    return {
        "gamma": gamma,
        "source": source,
        "loss": loss.item(),
        "grad": x.grad.reshape(-1).tolist(),
    }


def main():
    default_out = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..",
                               "tests", "FineTune.Engine.Tests", "Fixtures", "focal_loss.json")
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--out", default=default_out)
    args = parser.parse_args()
    torch.set_num_threads(1)

    logits, labels, weights = inputs()
    fixture = {
        "classes": CLASSES,
        "ignore_index": IGNORE_INDEX,
        "labels": labels.tolist(),
        "logits": logits.reshape(-1).tolist(),
        "weights": weights.tolist(),
        "torch": torch.__version__,
        "cases": [case(logits, labels, weights, gamma) for gamma in [0.0] + FOCAL_GAMMAS],
    }
    os.makedirs(os.path.dirname(os.path.abspath(args.out)), exist_ok=True)
    with open(args.out, "w", encoding="utf-8") as out:
        json.dump(fixture, out, sort_keys=True, indent=1)
        out.write("\n")


if __name__ == "__main__":
    main()
