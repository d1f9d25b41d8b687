"""Builds the English pre-training corpus from installed Debian packages (see corpus/README.md).

    python3 scripts/corpus/build_corpus.py --out DIR [--max-mb N]

Writes DIR/train.txt, DIR/valid.txt and DIR/sources.json. Output depends only on the installed
package versions: files are read in sorted order, every choice is a hash of a document's id, and
nothing records a time. build-corpus.sh installs the packages first.
"""
import argparse
import hashlib
import json
import os
import sys
from dataclasses import dataclass

from debian_package import (copyright_licences, copyright_says, debian_main_origin,
                            installed_version)
from sources import SOURCES, Source
from text_normalise import dedup_key, is_latin, looks_foreign

# A line of its own after every document; paragraphs inside a document are one blank line apart.
DOCUMENT_SEPARATOR = "<|endoftext|>"
# Documents whose id hashes below this (per 1000) go to valid.txt: about 2%, fixed by the id
# alone, so a document is never split between the two files and a rebuild picks the same ones.
VALID_PER_MILLE = 20
BYTES_PER_MB = 1_000_000
# A document left with less text than this after cleaning (a man page reduced to its headings)
# is not worth a separator.
MIN_DOCUMENT_CHARS = 40


@dataclass(frozen=True)
class Document:
    package: str
    rank: int  # hash of package and id: decides the split, the order of output and the cap
    text: str

    @property
    def is_valid(self) -> bool:
        return self.rank % 1000 < VALID_PER_MILLE

    @property
    def size(self) -> int:
        return len(self.text.encode("utf-8")) + len(DOCUMENT_SEPARATOR) + 2


def document_rank(package: str, document_id: str) -> int:
    digest = hashlib.sha256(f"{package}\0{document_id}".encode("utf-8")).digest()
    return int.from_bytes(digest[:8], "big")


def fail(message: str) -> None:
    print(f"build_corpus: {message}", file=sys.stderr)
    sys.exit(1)


def provenance(source: Source) -> dict:
    """Version, archive and licence of a source, refusing anything not from Debian main."""
    version = installed_version(source.package)
    if not version:
        fail(f"{source.package} is not installed (run scripts/corpus/build-corpus.sh)")
    archive = debian_main_origin(source.package, version)
    if archive is None:
        fail(f"{source.package} {version} does not come from Debian's main component")
    copyright_file = f"/usr/share/doc/{source.package}/copyright"
    licences = copyright_licences(source.package)
    if licences:
        how = f"License fields of {copyright_file} (DEP-5), the one for 'Files: *' first"
    else:
        if not source.licence_phrase or not copyright_says(source.package, source.licence_phrase):
            fail(f"{copyright_file} no longer says what corpus/README.md relies on; read it again")
        licences = [source.licence_note]
        how = f"read in {copyright_file} (free-form); it contains: \"{source.licence_phrase}\""
    tools = {tool: installed_version(tool) for tool in source.tools}
    return {"package": source.package, "description": source.description, "version": version,
            "archive": archive, "licences": licences, "licence_from": how, "tools": tools}


class Deduplicator:
    """Drops paragraphs seen before anywhere in the corpus, and paragraphs that are not English."""

    def __init__(self) -> None:
        self._seen: set[bytes] = set()

    def keep(self, paragraphs: list[str], counts: dict[str, int]) -> list[str]:
        kept = []
        for paragraph in paragraphs:
            if not is_latin(paragraph) or looks_foreign(paragraph):
                counts["dropped_not_english"] += 1
                continue
            key = dedup_key(paragraph)
            if key is not None:
                digest = hashlib.blake2b(key.encode("utf-8"), digest_size=16).digest()
                if digest in self._seen:
                    counts["dropped_duplicate"] += 1
                    continue
                self._seen.add(digest)
            kept.append(paragraph)
        counts["kept"] += len(kept)
        return kept


def collect(source: Source, files: list[str], dedup: Deduplicator) -> tuple[list[Document], dict]:
    counts = {"kept": 0, "dropped_duplicate": 0, "dropped_not_english": 0}
    documents = []
    for document_id, paragraphs in source.to_documents(files):
        text = "\n\n".join(dedup.keep(paragraphs, counts))
        if len(text) < MIN_DOCUMENT_CHARS:
            continue
        if "\n\n\n" in text or DOCUMENT_SEPARATOR in text:
            fail(f"{source.package}:{document_id} breaks the output format")
        documents.append(Document(source.package, document_rank(source.package, document_id), text))
    return documents, counts


def source_budgets(sizes: dict[str, int], cap: int) -> dict[str, int]:
    """Bytes each source may keep under the cap: small sources keep everything and the largest
    ones share what is left equally ("water filling"), so the cap trims the dictionary before it
    touches a manual."""
    budgets = dict(sizes)
    remaining, pending = cap, sorted(sizes, key=lambda name: (sizes[name], name))
    while pending:
        share = remaining // len(pending)
        name = pending[0]
        if sizes[name] <= share:
            remaining -= sizes[name]
            pending.pop(0)
        else:
            for name in pending:
                budgets[name] = share
            break
    return budgets


def apply_cap(documents: list[Document], budget: int) -> list[Document]:
    """Keeps documents in rank order (a fixed pseudo-random sample) while they fit the budget."""
    kept, used = [], 0
    for document in sorted(documents, key=lambda d: d.rank):
        if used + document.size <= budget:
            kept.append(document)
            used += document.size
    return kept


def write_split(path: str, documents: list[Document]) -> str:
    digest = hashlib.sha256()
    with open(path, "w", encoding="utf-8", newline="\n") as out:
        for document in documents:
            chunk = f"{document.text}\n{DOCUMENT_SEPARATOR}\n"
            out.write(chunk)
            digest.update(chunk.encode("utf-8"))
    return digest.hexdigest()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--out", required=True)
    parser.add_argument("--max-mb", type=float, default="60")
    args = parser.parse_args()
    cap = int(args.max_mb * BYTES_PER_MB)

    dedup = Deduplicator()
    reports, by_source = [], {}
    for source in SOURCES:
        report = provenance(source)
        files = source.files()
        if not files:
            fail(f"{source.package} has none of the files this script expects ({source.select})")
        documents, counts = collect(source, files, dedup)
        by_source[source.package] = documents
        report.update(files=files, paragraphs=counts)
        reports.append(report)
        print(f"  {source.package:22} {len(files):5} files {len(documents):7} documents "
              f"{sum(d.size for d in documents) / BYTES_PER_MB:7.2f} MB", flush=True)

    sizes = {name: sum(d.size for d in docs) for name, docs in by_source.items()}
    budgets = source_budgets(sizes, cap)
    kept = {name: apply_cap(docs, budgets[name]) for name, docs in by_source.items()}

    everything = sorted((d for docs in kept.values() for d in docs), key=lambda d: d.rank)
    train = [d for d in everything if not d.is_valid]
    valid = [d for d in everything if d.is_valid]
    os.makedirs(args.out, exist_ok=True)
    hashes = {"train.txt": write_split(os.path.join(args.out, "train.txt"), train),
              "valid.txt": write_split(os.path.join(args.out, "valid.txt"), valid)}

    for report in reports:
        docs = kept[report["package"]]
        report["documents"] = {"train": sum(not d.is_valid for d in docs),
                               "valid": sum(d.is_valid for d in docs),
                               "dropped_by_cap": len(by_source[report["package"]]) - len(docs)}
        report["bytes"] = {"train": sum(d.size for d in docs if not d.is_valid),
                           "valid": sum(d.size for d in docs if d.is_valid)}
    summary = {
        "format": {"encoding": "UTF-8", "document_separator": f"a line '{DOCUMENT_SEPARATOR}' "
                   "after every document", "paragraph_separator": "one blank line",
                   "split": f"valid when sha256(package NUL id)[:8] % 1000 < {VALID_PER_MILLE}",
                   "order": "by that same hash"},
        "max_mb": args.max_mb,
        "bytes": {"train": sum(d.size for d in train), "valid": sum(d.size for d in valid)},
        "documents": {"train": len(train), "valid": len(valid)},
        "sha256": hashes,
        "sources": reports,
    }
    with open(os.path.join(args.out, "sources.json"), "w", encoding="utf-8") as out:
        json.dump(summary, out, indent=2, ensure_ascii=False, sort_keys=False)
        out.write("\n")
    print(f"  train.txt {summary['bytes']['train'] / BYTES_PER_MB:.2f} MB "
          f"({len(train)} documents)  sha256 {hashes['train.txt']}")
    print(f"  valid.txt {summary['bytes']['valid'] / BYTES_PER_MB:.2f} MB "
          f"({len(valid)} documents)  sha256 {hashes['valid.txt']}")


if __name__ == "__main__":
    main()
