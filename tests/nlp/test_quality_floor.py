"""Quality floor on a fixed PolNeAR dev sample, scored by the shared scorer (it defines the metric)."""
import json
import subprocess
import sys

import pytest

SAMPLE = 15  # the first 15 dev articles
# Measured figures on this sample, minus a small margin; raise them when the rules improve.
FLOOR_F1_03 = 0.77
FLOOR_SPEAKER = 0.84


@pytest.mark.shared
def test_polnear_dev_sample_floor(analyse, shared_dir, tmp_path):
    tool = shared_dir / "tools" / "quote_eval.py"
    gold = shared_dir / "data" / "quotes" / "polnear" / "dev.jsonl"
    recs = [json.loads(line) for line in subprocess.run([sys.executable, str(tool), "input", "polnear", str(gold)],
                                                        check=True, capture_output=True, text=True).stdout.splitlines()]
    recs = recs[:SAMPLE]
    keep = {r["id"] for r in recs}
    gold_sub = tmp_path / "gold.jsonl"
    with gold.open() as src, gold_sub.open("w") as dst:
        for line in src:
            if json.loads(line)["doc_id"] in keep:
                dst.write(line)
    pred = tmp_path / "pred.jsonl"
    with pred.open("w") as f:
        for r in recs:
            doc = analyse(r["text"], r.get("published"))
            f.write(json.dumps({"id": r["id"], "quotes": [q.to_dict() for q in doc._.quotes]}) + "\n")
    out = subprocess.run([sys.executable, str(tool), "score", "polnear", str(gold_sub), str(pred), "--theta", "0.3"],
                         check=True, capture_output=True, text=True).stdout
    s = json.loads(out.strip().splitlines()[-1])
    print(s)
    assert s["f1"] >= FLOOR_F1_03, s
    assert s["speaker_acc"] >= FLOOR_SPEAKER, s
