"""The fingerprint of the source material, so the originality check needs no copy of it.

The material the courses were written from is not part of this repository.
Its fingerprint is committed instead: the hash of every run of RUN_WORDS consecutive words,
normalised as `words` does, and nothing else, so no sentence of the material is redistributed
and the check works in a clone with nothing beside it. Rebuild it when the material changes:

    .venv/bin/python -m content.fingerprint --material PATH/TO/material

Each run is hashed with BLAKE2b cut to 8 bytes. With a few thousand runs in the material and
tens of thousands in the courses, the chance that any two different runs share a hash is about
1e-11, so a match means a copied run.
"""

import argparse
import hashlib
import re
import sys
from pathlib import Path

RUN_WORDS = 12
HASH_BYTES = 8
FINGERPRINT_FILE = Path(__file__).resolve().parent / "material_fingerprint.txt"
HEADER = f"# blake2b-{HASH_BYTES * 8} of every normalised {RUN_WORDS}-word run (content/fingerprint.py)"


def words(text):
    """The text's words, lower case, curly apostrophes made straight: what runs are made of."""
    return re.findall(r"[a-z0-9]+(?:'[a-z]+)?", text.lower().replace("’", "'"))


def runs(tokens, n=RUN_WORDS):
    """Every run of `n` consecutive words, each joined by single spaces."""
    return {" ".join(tokens[i : i + n]) for i in range(len(tokens) - n + 1)}


def run_hash(run):
    return hashlib.blake2b(run.encode("utf-8"), digest_size=HASH_BYTES).hexdigest()


def fingerprint_of(texts):
    """The hashes of every run in `texts`."""
    return {run_hash(run) for text in texts for run in runs(words(text))}


def copied_runs(text, fingerprint):
    """The runs of `text` whose hash is in `fingerprint`, sorted."""
    return sorted(run for run in runs(words(text)) if run_hash(run) in fingerprint)


def write_fingerprint(hashes, path=FINGERPRINT_FILE):
    # Sorted, one per line: a rebuild from the same material gives the same file.
    Path(path).write_text("\n".join([HEADER, *sorted(hashes)]) + "\n", encoding="utf-8")


def load_fingerprint(path=FINGERPRINT_FILE):
    """The committed hashes as a frozenset; ValueError if the file isn't a fingerprint."""
    lines = Path(path).read_text(encoding="utf-8").splitlines()
    if not lines or lines[0] != HEADER:
        raise ValueError(f"{path}: not a fingerprint written by content/fingerprint.py")
    return frozenset(line for line in lines[1:] if line)


def main(argv=None):
    parser = argparse.ArgumentParser(
        prog="python -m content.fingerprint",
        description="Write the fingerprint of the source material (*.txt in --material).",
    )
    parser.add_argument("--material", required=True, type=Path, help="The folder of material .txt files.")
    parser.add_argument("--output", type=Path, default=FINGERPRINT_FILE, help="Where to write it.")
    options = parser.parse_args(argv)
    files = sorted(options.material.glob("*.txt"))
    if not files:
        parser.error(f"no .txt files in {options.material}")
    hashes = fingerprint_of(path.read_text(encoding="utf-8", errors="ignore") for path in files)
    write_fingerprint(hashes, options.output)
    print(f"{len(hashes)} run hashes from {len(files)} files written to {options.output}")  # noqa: T201
    return 0


if __name__ == "__main__":
    sys.exit(main())
