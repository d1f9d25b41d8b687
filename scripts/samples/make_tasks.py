#!/usr/bin/env python3
"""Generate three seeded sample fine-tuning tasks (standard library only).

    python3 scripts/samples/make_tasks.py [--seed 7] [--out samples/tasks]
    python3 scripts/samples/make_tasks.py --check [--out samples/tasks]

Every random choice goes through one random.Random(seed) per task and every
collection is iterated in a fixed order, so two runs write identical bytes.
Train and validation come from the TRAIN pools of templates and vocabulary;
test comes only from the HELD-OUT pools, so it measures generalisation.
"""
import argparse
import hashlib
import json
import os
import re
import sys
from random import Random

SIZES = {"train": 2400, "validation": 400, "test": 400}
SPLITS = ["train", "validation", "test"]
MAX_DRAWS = 200000  # a generator that cannot find enough unique examples is a bug, not a loop

# ---------------------------------------------------------------- support_tickets
TICKET_SYSTEM = ("Extract the ticket as compact JSON with keys category, order_id, "
                 "priority, product, sentiment.")
TICKET_BODIES = {  # category -> (train templates, held-out templates)
    "billing": (["I was charged twice for the {p}.", "The invoice for my {p} shows the wrong amount.",
                 "My card was billed for a {p} I never ordered.", "Why did the price of the {p} change at checkout?"],
                ["There is an extra fee on my bill for the {p}.", "I need a refund of the double payment for the {p}."]),
    "shipping": (["My {p} has not arrived yet.", "The tracking for my {p} has not updated in a week.",
                  "The {p} was delivered to the wrong address.", "Can you tell me when the {p} will ship?"],
                 ["The courier says the {p} was delivered but I have nothing.", "My {p} is stuck in customs."]),
    "technical": (["My {p} will not turn on.", "The {p} keeps disconnecting from Wi-Fi.",
                   "The app does not recognise my {p}.", "The screen on my {p} flickers."],
                  ["My {p} overheats after a few minutes.", "The firmware update broke my {p}."]),
    "account": (["I cannot log in to register my {p}.", "I forgot my password and need to manage my {p}.",
                 "How do I add a second user to my {p} account?", "Please change the email on the account for my {p}."],
                ["My account was locked while setting up the {p}.", "Please delete the account linked to my {p}."]),
    "returns": (["I want to return the {p}.", "The {p} is too small, can I exchange it?",
                 "How do I send back a faulty {p}?", "The return label for my {p} does not work."],
                ["I changed my mind about the {p}, can I get my money back?", "The {p} arrived damaged and I want to swap it."]),
}
TICKET_OPENERS = {  # sentiment -> (train, held-out)
    "positive": (["Hi, I love your shop!", "Thanks for the great service so far.", "Hello, big fan of your products."],
                 ["Good morning, you have always been great to me."]),
    "neutral": (["Hello.", "Hi there.", "Good afternoon."], ["Dear support team,"]),
    "negative": (["This is really frustrating.", "I am very unhappy.", "Honestly, this is unacceptable."],
                 ["I am fed up with this."]),
}
TICKET_URGENCY = {  # priority -> (train, held-out)
    "high": (["Please fix this today, it is urgent.", "I need this solved immediately."],
             ["This cannot wait, please act now."]),
    "medium": (["Could you look into it this week?", "Please get back to me soon."],
               ["I would appreciate an answer in the next few days."]),
    "low": (["No rush.", "Whenever you have time."], ["It is not urgent at all."]),
}
TICKET_ORDER = (["Order {o}.", "My order number is {o}."], ["Reference {o}."])
TICKET_PRODUCTS = (["AeroBlend 300", "Lumo Desk Lamp", "Kestrel Earbuds", "Orbit Smart Plug", "Pico Kettle",
                    "Vanta Backpack", "Halo Router", "Tundra Jacket", "Zephyr Fan", "Quill Tablet",
                    "Nimbus Pillow", "Sable Watch", "Drift Speaker", "Ember Toaster", "Cobalt Mouse", "Fjord Bottle"],
                   ["Marlin Camera", "Juniper Blender", "Pulsar Keyboard", "Wren Scooter", "Opal Monitor", "Basalt Grill"])


def pick(rng, pools, held_out, prefix):
    """Choose from the train or held-out half of a (train, held_out) pool; return (id, text)."""
    half = 1 if held_out else 0
    i = rng.randrange(len(pools[half]))
    return "%s/%s%d" % (prefix, "h" if held_out else "t", i), pools[half][i]


def ticket_example(rng, held_out):
    category = rng.choice(sorted(TICKET_BODIES))
    sentiment = rng.choice(sorted(TICKET_OPENERS))
    priority = rng.choice(sorted(TICKET_URGENCY))
    product = rng.choice(TICKET_PRODUCTS[1 if held_out else 0])
    body_id, body = pick(rng, TICKET_BODIES[category], held_out, "body/" + category)
    open_id, opener = pick(rng, TICKET_OPENERS[sentiment], held_out, "open/" + sentiment)
    urg_id, urgency = pick(rng, TICKET_URGENCY[priority], held_out, "urg/" + priority)
    parts = [opener, body.format(p=product)]
    ids = [body_id, open_id, urg_id]
    order_id = None
    if rng.random() < 0.6:
        order_id = "A%05d" % rng.randrange(100000)
        ord_id, order = pick(rng, TICKET_ORDER, held_out, "order")
        parts.append(order.format(o=order_id))
        ids.append(ord_id)
    parts.append(urgency)
    answer = {"category": category, "order_id": order_id, "priority": priority,
              "product": product, "sentiment": sentiment}
    # compact JSON: sorted keys, "," and ":" separators with no spaces, null for a missing order
    return (TICKET_SYSTEM, " ".join(parts), json.dumps(answer, sort_keys=True, separators=(",", ":")),
            {"template": body_id, "parts": ids, "entities": [product], "label": category})


# ---------------------------------------------------------------- clinical_notes
CLINICAL_SYSTEM = "Rewrite the clinical note with every abbreviation expanded."
ABBREVIATIONS = {
    "pt": "patient", "c/o": "complains of", "SOB": "shortness of breath", "hx": "history",
    "PMH": "past medical history", "MI": "myocardial infarction", "HTN": "hypertension",
    "DM": "diabetes mellitus", "CHF": "congestive heart failure",
    "COPD": "chronic obstructive pulmonary disease", "CAD": "coronary artery disease",
    "AFib": "atrial fibrillation", "CKD": "chronic kidney disease", "ASA": "aspirin",
    "HCTZ": "hydrochlorothiazide", "NTG": "nitroglycerin", "APAP": "acetaminophen",
    "qd": "daily", "bid": "twice daily", "tid": "three times daily", "qid": "four times daily",
    "qhs": "at bedtime", "prn": "as needed", "po": "by mouth", "NKDA": "no known drug allergies",
    "BP": "blood pressure", "HR": "heart rate", "CP": "chest pain", "N/V": "nausea and vomiting",
    "abd": "abdominal", "HA": "headache", "DOE": "dyspnea on exertion", "f/u": "follow up",
    "w/": "with", "w/o": "without", "y/o": "year-old", "M": "male", "F": "female",
    "s/p": "status post", "r/o": "rule out", "ED": "emergency department",
    "UTI": "urinary tract infection", "URI": "upper respiratory infection", "Dx": "diagnosis",
    "Rx": "prescribed", "Tx": "treatment", "CXR": "chest X-ray", "ECG": "electrocardiogram",
    "CABG": "coronary artery bypass graft", "appy": "appendectomy", "wt": "weight",
    "d/c": "discontinue", "yrs": "years", "wks": "weeks", "x": "for",
}
# Templates mark abbreviations as [abbr]; slots are {name}. Every template has {sym} and {cond}.
CLINICAL_TEMPLATES = (
    ["[pt] [c/o] {sym} [x] {n} days, [hx] of {cond}, on {med} {dose}mg {freq}.",
     "{age} [y/o] {sex} [w/] {cond}, presents to [ED] [w/] {sym}.",
     "[PMH]: {cond}. [NKDA]. Now [c/o] {sym}. Meds: {med} {dose}mg [po] {freq}.",
     "[pt] [w/] [hx] of {cond} denies {sym}. [BP] {bp}, [HR] {hr}. [f/u] in {n} [wks].",
     "[s/p] {surg} {n} [yrs] ago, now [c/o] {sym}. [r/o] {cond}.",
     "[Dx]: {cond} [w/] {sym}. [Rx] {med} {dose}mg [po] {freq} [x] {n} days.",
     "{age} [y/o] {sex}, [hx] of {cond}, [c/o] {sym} [w/o] fever.",
     "[pt] [w/] {cond} reports {sym} since yesterday. [CXR] ordered."],
    ["[pt] [w/] {cond} on {med} {dose}mg {freq}, [c/o] worsening {sym}, [ECG] ordered.",
     "[d/c] {med} due to {sym}. [hx] of {cond}. [f/u] in {n} [wks].",
     "{age} [y/o] {sex} [s/p] {surg} presents [w/] {sym} and [wt] loss. [Tx] for {cond} per protocol."])
SYMPTOMS = ["[SOB]", "[CP]", "[N/V]", "[HA]", "[DOE]", "[abd] pain", "[URI] signs", "[UTI] signs"]
CONDITIONS = ["[MI]", "[HTN]", "[DM]", "[CHF]", "[COPD]", "[CAD]", "[AFib]", "[CKD]"]
SURGERIES = ["[CABG]", "[appy]"]
FREQUENCIES = ["[qd]", "[bid]", "[tid]", "[qid]", "[qhs]", "[prn]"]
ABBREVIATED_DRUGS = ["[ASA]", "[HCTZ]", "[NTG]", "[APAP]"]
DRUG_NAMES = (["metoprolol", "lisinopril", "atorvastatin", "metformin", "furosemide", "warfarin",
               "omeprazole", "sertraline"],
              ["amlodipine", "losartan", "gabapentin", "simvastatin", "levothyroxine"])
DOSES = [5, 10, 20, 25, 40, 50, 81, 100, 250, 500]


def held_out_pairs():
    """About a fifth of the (symptom, condition) pairs never appear in train/validation."""
    pairs = [(s, c) for s in SYMPTOMS for c in CONDITIONS]
    Random("clinical-pairs").shuffle(pairs)  # fixed, independent of --seed so the rule is stable
    return sorted(pairs[: len(pairs) // 5])


def expand_marked(text, expand):
    """Render [abbr] markers either as written ('81mg', 'SOB') or expanded ('81 mg', 'shortness of breath')."""
    out, i = [], 0
    while i < len(text):
        if text[i] == "[":
            j = text.index("]", i)
            key = text[i + 1:j]
            out.append(ABBREVIATIONS[key] if expand else key)
            i = j + 1
        else:
            out.append(text[i])
            i += 1
    s = "".join(out)
    return re.sub(r"(\d)mg\b", r"\1 mg", s) if expand else s


def clinical_example(rng, held_out):
    tid, template = pick(rng, CLINICAL_TEMPLATES, held_out, "note")
    blocked = held_out_pairs()
    while True:
        sym, cond = rng.choice(SYMPTOMS), rng.choice(CONDITIONS)
        is_blocked = (sym, cond) in blocked
        if held_out or not is_blocked:
            break
    if held_out and not is_blocked and rng.random() < 0.5:
        sym, cond = rng.choice(blocked)  # half of test uses combinations train never saw
    entities = []
    if rng.random() < 0.5:
        med = rng.choice(ABBREVIATED_DRUGS)
    else:
        med = rng.choice(DRUG_NAMES[1 if held_out else 0])
        entities.append(med)
    marked = template.format(
        sym=sym, cond=cond, med=med, dose=rng.choice(DOSES), freq=rng.choice(FREQUENCIES),
        n=rng.randrange(2, 15), age=rng.randrange(19, 95), sex=rng.choice(["[M]", "[F]"]),
        surg=rng.choice(SURGERIES), bp="%d/%d" % (rng.randrange(100, 180), rng.randrange(60, 100)),
        hr=rng.randrange(55, 120))
    return (CLINICAL_SYSTEM, expand_marked(marked, False), expand_marked(marked, True),
            {"template": tid, "parts": [tid, "pair/%s|%s" % (sym, cond)], "entities": entities, "label": None})


# ---------------------------------------------------------------- product_reviews
REVIEW_SYSTEM = "Classify the sentiment of the review as positive, neutral or negative."
REVIEW_SHARE = [("positive", 0.7), ("neutral", 0.2), ("negative", 0.1)]
REVIEW_TEMPLATES = {
    "positive": (["Absolutely love this {p}! {d}", "Best {p} I have bought in years. {d}",
                  "Really happy with the {p}. {d}", "Five stars for this {p}. {d}",
                  "The {p} works perfectly. {d}", "Would buy this {p} again. {d}"],
                 ["My family adores the new {p}. {d}", "Worth every penny, this {p}. {d}",
                  "Cannot fault this {p} at all. {d}", "What a lovely {p}. {d}"]),
    "neutral": (["The {p} is okay. {d}", "It is an average {p}. {d}", "The {p} does the job, nothing more. {d}",
                 "Decent {p} for the price. {d}", "The {p} is fine, I guess. {d}"],
                ["Not bad, not great: a standard {p}. {d}", "This {p} is neither good nor bad. {d}"]),
    "negative": (["The {p} broke after a week. {d}", "Terrible {p}, do not buy. {d}",
                  "Very disappointed with this {p}. {d}", "I returned the {p} the next day. {d}",
                  "The {p} is a total letdown. {d}"],
                 ["Save yourself the trouble and skip this {p}. {d}", "Worst {p} I have ever owned. {d}"]),
}
REVIEW_DETAILS = {
    "positive": (["Setup took two minutes.", "It looks great at home.", "Delivery was fast too.",
                  "Quality feels premium.", "Highly recommended.", "Easy to clean."],
                 ["Exceeded my expectations.", "My friends want one too.", "Feels built to last.",
                  "Everything about it is thoughtful."]),
    "neutral": (["Some parts feel cheap.", "Instructions could be clearer.", "It arrived on time.",
                 "About what I expected.", "The colour is a bit dull.", "Packaging was plain.",
                 "It is smaller than the photos suggest.", "Works as described."],
                ["Hard to say if I would buy it again.", "Middle of the road overall.", "Nothing special to report."]),
    "negative": (["Customer service never replied.", "It stopped working twice.", "Cheap plastic everywhere.",
                  "Total waste of money.", "It smells of burnt plastic."],
                 ["I regret this purchase.", "The handle snapped on day one."]),
}
REVIEW_CONTEXT = (["", "Bought it for my mother.", "Used it for a month now.", "Got it on sale.",
                   "Second one I have owned.", "Ordered it online."],  # label-free context sentences
                  ["", "It was a birthday gift.", "Picked it up last spring.", "Bought two of them.",
                   "Had it for a few weeks."])
REVIEW_PRODUCTS = (["blender", "kettle", "desk lamp", "backpack", "rain jacket", "coffee grinder", "toaster",
                    "yoga mat", "phone case", "office chair", "water bottle", "alarm clock", "hair dryer",
                    "frying pan", "umbrella", "wall clock", "cutting board", "duvet", "doormat", "tea pot"],
                   ["air fryer", "standing desk", "hiking boots", "pressure cooker", "bike helmet",
                    "electric toothbrush", "garden hose", "rice cooker"])


def review_example(rng, held_out, label):
    tid, template = pick(rng, REVIEW_TEMPLATES[label], held_out, "review/" + label)
    did, detail = pick(rng, REVIEW_DETAILS[label], held_out, "detail/" + label)
    product = rng.choice(REVIEW_PRODUCTS[1 if held_out else 0])
    context = rng.choice(REVIEW_CONTEXT[1 if held_out else 0])
    review = (context + " " + template.format(p=product, d=detail)).strip()
    return (REVIEW_SYSTEM, review, label,
            {"template": tid, "parts": [tid, did], "entities": [product], "label": label})


def review_labels(n):
    """Exact 70/20/10 label counts for a split of size n, in a fixed order (shuffled later)."""
    counts = [(label, round(n * share)) for label, share in REVIEW_SHARE]
    counts[0] = (counts[0][0], n - sum(c for _, c in counts[1:]))
    return [label for label, c in counts for _ in range(c)]


TASKS = {
    "support_tickets": lambda rng, held_out, label: ticket_example(rng, held_out),
    "clinical_notes": lambda rng, held_out, label: clinical_example(rng, held_out),
    "product_reviews": review_example,
}
HELD_OUT_ENTITIES = {
    "support_tickets": TICKET_PRODUCTS[1],
    "clinical_notes": DRUG_NAMES[1],
    "product_reviews": REVIEW_PRODUCTS[1],
}
CLASSIFICATION_TASKS = ["product_reviews"]


# ---------------------------------------------------------------- building clean splits
def chat_record(system, user, assistant):
    return {"messages": [{"role": "system", "content": system}, {"role": "user", "content": user},
                         {"role": "assistant", "content": assistant}]}


def build_task(name, seed):
    """Return {split: [(record, meta)]}; user texts are unique across all three splits."""
    rng = Random("%s:%d" % (name, seed))
    make = TASKS[name]
    seen, splits = set(), {}
    for split in SPLITS:
        n = SIZES[split]
        labels = review_labels(n) if name == "product_reviews" else [None] * n
        rows, draws = [], 0
        for label in labels:
            while True:
                draws += 1
                if draws > MAX_DRAWS:
                    raise RuntimeError("%s/%s: not enough unique examples" % (name, split))
                system, user, assistant, meta = make(rng, split == "test", label)
                if user not in seen:
                    seen.add(user)
                    break
            rows.append((chat_record(system, user, assistant), meta))
        rng.shuffle(rows)
        splits[split] = rows
    return splits


def dumps(obj):
    return json.dumps(obj, ensure_ascii=False, sort_keys=False)


def write_lines(path, lines):
    with open(path, "wb") as f:
        for line in lines:
            f.write(line if isinstance(line, bytes) else line.encode("utf-8"))
            f.write(b"\n")


# ---------------------------------------------------------------- raw noisy train
PII_NAMES = ["Maria Lopez", "Tom Becker", "Aisha Khan", "Jonas Berg", "Priya Nair", "Liam O'Connor"]


def plant_pii(rng, text):
    kind = rng.randrange(4)
    if kind == 0:
        return text + " My name is %s." % rng.choice(PII_NAMES), "name"
    if kind == 1:
        user = rng.choice(PII_NAMES).split()[0].lower()
        return text + " Write to me at %s%d@example.com." % (user, rng.randrange(100)), "email"
    if kind == 2:
        return text + " Call me on +1 555 %03d %04d." % (rng.randrange(1000), rng.randrange(10000)), "phone"
    card = " ".join("%04d" % rng.randrange(10000) for _ in range(4))
    return text + " My card is %s." % card, "card"


def add_html(rng, text):
    choice = rng.randrange(3)
    if choice == 0:
        return "<p>%s</p>" % text
    if choice == 1:
        return text.replace(". ", ".<br> ", 1).replace(" and ", " &amp; ", 1) + "&nbsp;"
    return "<div><b>%s</b></div>" % text.replace("'", "&#39;")


def add_whitespace(rng, text):
    choice = rng.randrange(3)
    if choice == 0:
        return "  " + text + " \t"
    if choice == 1:
        return text.replace(" ", "   ", 2)
    return "\n" + text + "\n\n"


def near_duplicate(rng, text):
    choice = rng.randrange(4)
    if choice == 0:
        return text.upper()
    if choice == 1:
        return text.lower()
    if choice == 2:
        return text.rstrip(".!") + " "
    i = rng.randrange(1, len(text) - 1)
    return text[:i] + text[i + 1:]  # one character dropped, like a typo


def with_user(record, text):
    r = json.loads(json.dumps(record))
    r["messages"][1]["content"] = text
    return r


def build_raw(rng, train_records):
    """Return (list of line bytes/str, {kind: [1-based line numbers]})."""
    n = len(train_records)
    indices = list(range(n))
    rng.shuffle(indices)
    quota = {"html": n * 4 // 100, "whitespace": n * 4 // 100, "pii": n * 5 // 100}
    edited, cursor = {}, 0
    for kind in sorted(quota):
        for i in indices[cursor:cursor + quota[kind]]:
            edited[i] = kind
        cursor += quota[kind]
    items = []  # (kind or None, detail, line)
    for i, record in enumerate(train_records):
        kind = edited.get(i)
        user = record["messages"][1]["content"]
        if kind == "html":
            items.append(("html", None, dumps(with_user(record, add_html(rng, user)))))
        elif kind == "whitespace":
            items.append(("whitespace", None, dumps(with_user(record, add_whitespace(rng, user)))))
        elif kind == "pii":
            text, pii = plant_pii(rng, user)
            items.append(("pii", pii, dumps(with_user(record, text))))
        else:
            items.append((None, None, dumps(record)))
    extras = []
    for _ in range(n * 3 // 100):
        src = rng.randrange(n)
        extras.append(("exact_duplicate", None, dumps(train_records[src])))
    for _ in range(n * 3 // 100):
        src = rng.randrange(n)
        text = near_duplicate(rng, train_records[src]["messages"][1]["content"])
        extras.append(("near_duplicate", None, dumps(with_user(train_records[src], text))))
    for k in range(3):
        line = dumps(train_records[rng.randrange(n)])
        extras.append(("malformed_truncated_json", None, line[: len(line) // 2 + k]))
    for _ in range(3):
        r = json.loads(dumps(train_records[rng.randrange(n)]))
        del r["messages"][1]["role"]
        extras.append(("malformed_missing_role", None, dumps(r)))
    for _ in range(3):
        r = json.loads(dumps(train_records[rng.randrange(n)]))
        r["messages"][2]["content"] = ""
        extras.append(("malformed_empty_content", None, dumps(r)))
    for _ in range(3):
        line = dumps(train_records[rng.randrange(n)]).encode("utf-8")
        cut = line.index(b'"content": "', line.index(b'"user"')) + 12
        extras.append(("malformed_invalid_utf8", None, line[:cut] + b"\xff\xfe caf\xe9 " + line[cut:]))
    for item in extras:  # insert each extra at a random position, never reordering the originals
        items.insert(rng.randrange(len(items) + 1), item)
    noise, pii_kinds = {}, {}
    for lineno, (kind, detail, _) in enumerate(items, start=1):
        if kind:
            noise.setdefault(kind, []).append(lineno)
        if detail:
            pii_kinds.setdefault(detail, []).append(lineno)
    noise = {k: noise[k] for k in sorted(noise)}
    return [line for _, _, line in items], noise, {k: pii_kinds[k] for k in sorted(pii_kinds)}


NOISE_TEXT = {
    "exact_duplicate": "byte-identical copy of a clean train line",
    "near_duplicate": "copy whose user message was upper/lower-cased, lost a character or its final punctuation",
    "html": "user message wrapped in or sprinkled with HTML tags/entities (<p>, <br>, <b>, &amp;, &nbsp;, &#39;)",
    "whitespace": "user message with leading/trailing spaces, tabs, newlines or runs of spaces",
    "pii": "user message with planted personal data (see the PII breakdown)",
    "malformed_truncated_json": "line cut in the middle, not valid JSON",
    "malformed_missing_role": "user message object without its \"role\" key",
    "malformed_empty_content": "assistant message with empty content",
    "malformed_invalid_utf8": "raw bytes 0xFF 0xFE 0xE9 inside the user content, not valid UTF-8",
}


def noise_json(total, noise, pii):
    """JSON with one line per kind, so diffs and eyes can follow it."""
    def block(d):
        return "{\n" + ",\n".join("  %s: %s" % (json.dumps(k), json.dumps(v)) for k, v in d.items()) + "\n }"
    return '{\n "lines": %d,\n "noise": %s,\n "pii": %s\n}\n' % (total, block(noise), block(pii))


def noise_markdown(task, total, noise, pii):
    lines = ["# Noise in `%s/raw/train.jsonl`" % task, "",
             "Generated by `scripts/samples/make_tasks.py`: the clean `train.jsonl` with noise injected for "
             "the curation service. %d lines in all. Line numbers (1-based) of every noisy line are in "
             "`noise.json`; each noisy line has exactly one kind. Lines not listed are clean train lines "
             "in their original order." % total, "", "| kind | count | what |", "|---|---:|---|"]
    for kind in sorted(noise):
        lines.append("| %s | %d | %s |" % (kind, len(noise[kind]), NOISE_TEXT[kind]))
    lines += ["", "PII breakdown: " + ", ".join("%s %d" % (k, len(v)) for k, v in pii.items()) +
              " (`My name is …`, `…@example.com`, `+1 555 …` phone numbers, 16-digit card-like numbers).", ""]
    return "\n".join(lines)


# ---------------------------------------------------------------- output
def sha256(path):
    with open(path, "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()


def generate(seed, out):
    files = []
    for task in sorted(TASKS):
        folder = os.path.join(out, task)
        os.makedirs(os.path.join(folder, "raw"), exist_ok=True)
        os.makedirs(os.path.join(folder, "meta"), exist_ok=True)
        splits = build_task(task, seed)
        for split in SPLITS:
            rows = splits[split]
            write_lines(os.path.join(folder, split + ".jsonl"), [dumps(r) for r, _ in rows])
            write_lines(os.path.join(folder, "meta", split + ".jsonl"), [dumps(m) for _, m in rows])
            files += [os.path.join(folder, split + ".jsonl"), os.path.join(folder, "meta", split + ".jsonl")]
            if task in CLASSIFICATION_TASKS:
                flat = [dumps({"text": r["messages"][1]["content"], "label": r["messages"][2]["content"]})
                        for r, _ in rows]
                write_lines(os.path.join(folder, split + "_classification.jsonl"), flat)
                files.append(os.path.join(folder, split + "_classification.jsonl"))
        raw_lines, noise, pii = build_raw(Random("%s:raw:%d" % (task, seed)), [r for r, _ in splits["train"]])
        write_lines(os.path.join(folder, "raw", "train.jsonl"), raw_lines)
        with open(os.path.join(folder, "raw", "noise.json"), "w", encoding="utf-8", newline="\n") as f:
            f.write(noise_json(len(raw_lines), noise, pii))
        with open(os.path.join(folder, "raw", "NOISE.md"), "w", encoding="utf-8", newline="\n") as f:
            f.write(noise_markdown(task, len(raw_lines), noise, pii))
        files += [os.path.join(folder, "raw", n) for n in ("train.jsonl", "noise.json", "NOISE.md")]
    write_readme(seed, out, sorted(files))


README_HEAD = """# Sample fine-tuning tasks

Three small synthetic tasks for a small English base model (short examples: prompt plus answer well
under 100 words). Everything here is generated; do not edit by hand. Regenerate byte for byte with

    python3 scripts/samples/make_tasks.py --seed {seed} --out samples/tasks
    python3 scripts/samples/make_tasks.py --check --out samples/tasks

| task | kind | what the assistant returns |
|---|---|---|
| `support_tickets` | output formatting | compact JSON `{{"category","order_id","priority","product","sentiment"}}`: sorted keys, separators `,` and `:` without spaces, `order_id` like `A01234` or `null`; categories account, billing, returns, shipping, technical; priority low/medium/high; sentiment positive/neutral/negative |
| `clinical_notes` | rewriting | the same note with every abbreviation expanded (`pt c/o SOB` → `patient complains of shortness of breath`, `81mg` → `81 mg`); {nabbr} abbreviations in the script's table |
| `product_reviews` | classification | `positive`, `neutral` or `negative`, exactly 70/20/10 % in every split |

Each task folder holds `train.jsonl` ({train}), `validation.jsonl` ({validation}) and `test.jsonl` ({test}) in
OpenAI chat fine-tuning format (`{{"messages":[system, user, assistant]}}`), a `meta/<split>.jsonl`
beside each (line for line: template id, phrase ids, named entities — for checking, not training),
and `raw/` (a noisy copy of train for the curation service, described in `raw/NOISE.md`, with line
numbers in `raw/noise.json`). `product_reviews` also has `<split>_classification.jsonl` with
`{{"text":…,"label":…}}` lines.

## Split rules

- train and validation draw from the same TRAIN pools of templates and vocabulary with different
  random draws; no user message appears twice in or across splits.
- test draws only from HELD-OUT pools: sentence templates (and, for tickets and reviews, openers,
  urgency phrases and detail sentences) and named entities (ticket products, review products,
  clinical drug names) that never occur in train or validation. In `clinical_notes` the
  abbreviations themselves are shared (the table is the task), but about a fifth of the
  (symptom, condition) pairs are held out and half of test uses them.
- `--check` verifies counts, the label shares, that every test line uses held-out ids only, that no
  held-out id or entity occurs in train/validation, and that `raw/noise.json` matches the raw file.

## sha256
"""


def write_readme(seed, out, files):
    text = README_HEAD.format(seed=seed, nabbr=len(ABBREVIATIONS), **SIZES)
    text += "\n| file | bytes | sha256 |\n|---|---:|---|\n"
    for path in files:
        text += "| `%s` | %d | `%s` |\n" % (os.path.relpath(path, out), os.path.getsize(path), sha256(path))
    with open(os.path.join(out, "README.md"), "w", encoding="utf-8", newline="\n") as f:
        f.write(text)


# ---------------------------------------------------------------- self-check
def open_bytes_lines(path):
    with open(path, "rb") as f:
        return f.read().split(b"\n")[:-1]


def read_jsonl(path):
    with open(path, encoding="utf-8") as f:
        return [json.loads(line) for line in f]


def is_held_out_id(part_id):
    """Ids from pick() end in /h<i> for held-out pool entries and /t<i> for train ones."""
    return not part_id.startswith("pair/") and part_id.rsplit("/", 1)[-1].startswith("h")


def check(out):
    problems = []

    def expect(cond, message):
        if not cond:
            problems.append(message)

    for task in sorted(TASKS):
        folder = os.path.join(out, task)
        data, meta = {}, {}
        for split in SPLITS:
            data[split] = read_jsonl(os.path.join(folder, split + ".jsonl"))
            meta[split] = read_jsonl(os.path.join(folder, "meta", split + ".jsonl"))
            expect(len(data[split]) == SIZES[split], "%s/%s: %d lines" % (task, split, len(data[split])))
            expect(len(meta[split]) == len(data[split]), "%s/%s: meta length" % (task, split))
            for r in data[split]:
                roles = [m["role"] for m in r["messages"]]
                expect(roles == ["system", "user", "assistant"], "%s/%s: roles %s" % (task, split, roles))
                expect(all(m["content"] for m in r["messages"]), "%s/%s: empty content" % (task, split))
                expect(len(" ".join(m["content"] for m in r["messages"][1:]).split()) < 100,
                       "%s/%s: example too long" % (task, split))
            if task == "support_tickets":
                for r in data[split]:
                    a = r["messages"][2]["content"]
                    expect(json.dumps(json.loads(a), sort_keys=True, separators=(",", ":")) == a,
                           "%s/%s: answer is not compact sorted JSON" % (task, split))
            if task in CLASSIFICATION_TASKS:
                labels = [r["messages"][2]["content"] for r in data[split]]
                flat = read_jsonl(os.path.join(folder, split + "_classification.jsonl"))
                expect([x["label"] for x in flat] == labels, "%s/%s: flat labels differ" % (task, split))
                for label, share in REVIEW_SHARE:
                    got = labels.count(label) / len(labels)
                    expect(abs(got - share) < 0.005, "%s/%s: %s share %.3f" % (task, split, label, got))
        seen_ids = {p for s in ("train", "validation") for m in meta[s] for p in m["parts"]}
        test_ids = {p for m in meta["test"] for p in m["parts"]}
        held_pairs = {"pair/%s|%s" % p for p in held_out_pairs()} if task == "clinical_notes" else set()
        expect(not ({i for i in seen_ids if is_held_out_id(i)} | (seen_ids & held_pairs)),
               "%s: held-out ids in train/validation" % task)
        expect(all(is_held_out_id(m["template"]) for m in meta["test"]),
               "%s: test uses a train template" % task)
        expect(not (test_ids & {i for i in seen_ids if not i.startswith("pair/")}),
               "%s: test shares template/phrase ids with train" % task)
        val_templates = {m["template"] for m in meta["validation"]}
        expect(val_templates <= {m["template"] for m in meta["train"]}, "%s: validation template unseen" % task)
        trainval_text = " ".join(m["content"].lower() for s in ("train", "validation")
                                 for r in data[s] for m in r["messages"])
        for entity in HELD_OUT_ENTITIES[task]:
            expect(entity.lower() not in trainval_text, "%s: held-out entity %r in train/validation" % (task, entity))
        users = [r["messages"][1]["content"] for s in SPLITS for r in data[s]]
        expect(len(set(users)) == len(users), "%s: repeated user message" % task)
        with open(os.path.join(folder, "raw", "noise.json"), encoding="utf-8") as f:
            noise = json.load(f)
        raw = open_bytes_lines(os.path.join(folder, "raw", "train.jsonl"))
        expect(len(raw) == noise["lines"], "%s: raw line count" % task)
        bad = set()
        for i, line in enumerate(raw, start=1):
            try:
                r = json.loads(line.decode("utf-8"))
                if not all("role" in m and m.get("content") for m in r["messages"]):
                    bad.add(i)
            except (UnicodeDecodeError, ValueError):
                bad.add(i)
        clean = set(open_bytes_lines(os.path.join(folder, "train.jsonl")))
        expect(all(raw[i - 1] in clean for i in noise["noise"]["exact_duplicate"]), "%s: exact dup not exact" % task)
        expect(not any(raw[i - 1] in clean for k in ("near_duplicate", "html", "whitespace", "pii")
                       for i in noise["noise"][k]), "%s: a noisy line equals a clean line" % task)
        declared = {i for k, v in noise["noise"].items() if k.startswith("malformed") for i in v}
        expect(bad == declared, "%s: malformed lines %s != declared %s" % (task, sorted(bad), sorted(declared)))
        summary = ", ".join("%s %d" % (s, len(data[s])) for s in SPLITS)
        noise_summary = ", ".join("%s %d" % (k, len(v)) for k, v in noise["noise"].items())
        print("%s: %s; test templates %d held-out; raw %d lines (%s)"
              % (task, summary, len({m["template"] for m in meta["test"]}), len(raw), noise_summary))
        if task in CLASSIFICATION_TASKS:
            for s in SPLITS:
                labels = [r["messages"][2]["content"] for r in data[s]]
                print("  %s labels: %s" % (s, ", ".join("%s %d" % (l, labels.count(l)) for l, _ in REVIEW_SHARE)))
    for p in problems:
        print("PROBLEM:", p)
    print("check %s" % ("FAILED (%d problems)" % len(problems) if problems else "passed"))
    return 1 if problems else 0


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--out", default="samples/tasks")
    ap.add_argument("--check", action="store_true", help="verify the files in --out instead of writing them")
    args = ap.parse_args()
    if args.check:
        return check(args.out)
    generate(args.seed, args.out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
