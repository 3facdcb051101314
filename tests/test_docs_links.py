"""Every relative link in the repository's Markdown files points to a file that exists, and every
#anchor to a heading of its target: README is the door to the docs, and a moved file must not
leave a dead link behind."""

import os
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SKIPPED_DIRS = {".git", ".venv", "target", "node_modules", "__pycache__"}
FENCED_CODE = re.compile(r"^(```|~~~).*?^\1", re.S | re.M)
INLINE_CODE = re.compile(r"`[^`\n]*`")
LINK = re.compile(r"!?\[[^\]]*\]\(([^()\s]+)(?:\s+\"[^\"]*\")?\)")
HEADING = re.compile(r"^#{1,6}\s+(.*?)\s*#*\s*$", re.M)


def markdown_files():
    for folder, dirs, files in os.walk(ROOT):
        dirs[:] = sorted(d for d in dirs if d not in SKIPPED_DIRS)
        yield from (Path(folder) / name for name in sorted(files) if name.endswith(".md"))


def prose(path):
    """The file without code, where link-like text is not a link."""
    return INLINE_CODE.sub("", FENCED_CODE.sub("", path.read_text(encoding="utf-8")))


def anchors(path):
    """The anchors GitHub gives the file's headings: lower case, punctuation dropped, spaces to
    dashes, a repeated heading numbered -1, -2, …"""
    seen = {}
    for heading in HEADING.findall(FENCED_CODE.sub("", path.read_text(encoding="utf-8"))):
        slug = re.sub(r"[^\w\- ]", "", heading.lower()).replace(" ", "-")
        count = seen.get(slug, 0)
        seen[slug] = count + 1
        yield slug if count == 0 else f"{slug}-{count}"


def dead_links(path):
    for target in LINK.findall(prose(path)):
        if re.match(r"[a-z][a-z0-9+.-]*:", target):  # http:, https:, mailto:
            continue
        file_part, _, anchor = target.partition("#")
        linked = (path.parent / file_part).resolve() if file_part else path
        if not linked.exists():
            yield f"{target}: no file {os.path.relpath(linked, ROOT)}"
        elif anchor and linked.suffix == ".md" and anchor not in set(anchors(linked)):
            yield f"{target}: no heading #{anchor} in {linked.relative_to(ROOT)}"


MARKDOWN = list(markdown_files())


def test_the_docs_are_found():
    assert ROOT / "README.md" in MARKDOWN and len(MARKDOWN) > 5


@pytest.mark.parametrize("path", MARKDOWN, ids=lambda p: str(p.relative_to(ROOT)))
def test_every_relative_link_points_to_an_existing_file_and_heading(path):
    dead = list(dead_links(path))
    assert not dead, "dead links: " + "; ".join(dead)
