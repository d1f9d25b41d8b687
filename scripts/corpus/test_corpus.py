"""Tests of the corpus builder's text handling (standard library only, no Debian package needed).

    PYTHONDONTWRITEBYTECODE=1 python3 -m unittest discover -s scripts/corpus -p 'test_*.py'
"""
import gzip
import os
import tempfile
import unittest

import build_corpus
import gcide
from html_text import html_to_paragraphs
from text_normalise import (compact_indent, dedup_key, is_latin, is_text_line, looks_foreign,
                            paragraphs_from_text, reflow)


class HtmlTest(unittest.TestCase):
    def test_block_elements_make_paragraphs_and_source_newlines_are_spaces(self):
        html = "<html><body><h2>Title</h2><p>One\n   two\nthree.</p><div>Four <b>five</b>.</div>"
        self.assertEqual(html_to_paragraphs(html), ["Title", "One two three.", "Four five."])

    def test_navigation_toc_tables_and_scripts_are_skipped_whole(self):
        html = ('<ul class="docnav"><li>Prev</li><li>Next</li></ul>'
                '<div class="toc"><div><p>nested contents</p></div></div>'
                '<table><tr><td>cell text</td></tr></table><script>var x = 1;</script>'
                '<p>Body text<a class="headerlink">¶</a></p>')
        self.assertEqual(html_to_paragraphs(html), ["Body text"])

    def test_pre_keeps_line_breaks_and_indentation_and_splits_on_blank_lines(self):
        html = "<pre>if true; then\n    echo yes\nfi\n\nsecond block</pre>"
        self.assertEqual(html_to_paragraphs(html),
                         ["if true; then\n    echo yes\nfi", "second block"])

    def test_br_is_the_only_line_break_outside_pre(self):
        self.assertEqual(html_to_paragraphs("<p>first line<br/>second\nline</p>"),
                         ["first line\nsecond line"])

    def test_list_items_get_a_bullet_on_their_first_paragraph_only(self):
        html = "<ul><li><p>alpha point</p><p>more on alpha</p></li><li>beta point</li></ul>"
        self.assertEqual(html_to_paragraphs(html),
                         ["- alpha point", "more on alpha", "- beta point"])

    def test_void_tag_with_a_skipped_class_does_not_swallow_the_rest(self):
        self.assertEqual(html_to_paragraphs('<img class="toc"><p>still here</p>'), ["still here"])


class TextTest(unittest.TestCase):
    def test_lines_of_symbols_are_not_text_but_commands_are(self):
        self.assertFalse(is_text_line("+--------+---------+"))
        self.assertFalse(is_text_line("12 34 56 78 90 12"))
        self.assertFalse(is_text_line("   }"))
        self.assertTrue(is_text_line("$ sudo apt-get install foo"))
        self.assertTrue(is_text_line("NAME"))

    def test_reflow_joins_wrapped_prose_but_keeps_short_lines_and_list_items(self):
        lines = ["This line was filled to the margin by a text editor so",
                 "it continues here.",
                 "Short heading",
                 "1. a numbered item that is long enough to be a wrapped",
                 "   line of its item"]
        self.assertEqual(reflow(lines), [
            "This line was filled to the margin by a text editor so it continues here.",
            "Short heading",
            "1. a numbered item that is long enough to be a wrapped line of its item"])

    def test_compact_indent_keeps_nesting_with_two_spaces_a_level(self):
        lines = ["top", "       body", "              deeper", "       body"]
        self.assertEqual(compact_indent(lines), ["top", "  body", "    deeper", "  body"])

    def test_paragraphs_are_separated_by_blank_lines_and_never_contain_one(self):
        text = "first para\nstill first\n\n\n\n  second para  \n \t \nthird"
        self.assertEqual(paragraphs_from_text(text, wrapped=False),
                         ["first para\nstill first", "second para", "third"])

    def test_non_latin_and_other_european_languages_are_recognised(self):
        self.assertFalse(is_latin("Debian ist ein freies Betriebssystem – это свободная система"))
        self.assertTrue(is_latin("Le café est là: an English sentence with an accent."))
        self.assertTrue(looks_foreign("Das ist nicht der Fall, und die Pakete werden gebaut."))
        self.assertFalse(looks_foreign("The package is built with the tool and it is not there."))
        self.assertFalse(looks_foreign("int open(const char *pathname, int flags);"))

    def test_only_long_paragraphs_have_a_dedup_key_and_it_ignores_spacing(self):
        self.assertIsNone(dedup_key("DESCRIPTION"))
        long_text = "word " * 20
        self.assertEqual(dedup_key(long_text), dedup_key(long_text.replace(" ", "\n  ")))


class GcideTest(unittest.TestCase):
    ENTRY = ('Allocate \\Al"lo*cate\\, v. t. [LL. allocatus, p. p. of allocare,\n'
             '   fr. L. ad + locare to place. See {Allow}.]\n'
             '   1. To distribute or assign; to allot. --Burke.\n'
             '      [1913 Webster]\n\n'
             '   2. To localize, as in the caf[\'e] of Fr. ? town. [R.]\n'
             '      [Webster 1913 Suppl. +PJC]\n')

    def test_entry_loses_pronunciation_braces_and_source_tags_and_gains_accents(self):
        self.assertEqual(gcide.clean_entry(self.ENTRY), [
            "Allocate, v. t. [LL. allocatus, p. p. of allocare, fr. L. ad + locare to place. "
            "See Allow.]\n1. To distribute or assign; to allot. --Burke.",
            "2. To localize, as in the café of Fr. town. [R.]"])

    def test_parenthesised_pronunciation_goes_but_ordinary_parentheses_stay(self):
        self.assertEqual(gcide.clean_entry("Bath  (b[.a]th; 61), n. (Zool.) A bath (or tub)."),
                         ["Bath, n. (Zool.) A bath (or tub)."])

    def test_index_offsets_are_dictd_base64_and_metadata_entries_are_skipped(self):
        index = "00-database-url\tC\tv\nA\tBA\tD\nB\tBA\tD\nC\tC\tB\n"
        self.assertEqual(gcide.entry_spans(index), [(2, 1), (64, 3)])

    def test_entries_are_read_through_gzip_with_their_offset_as_id(self):
        body = b"HEADER\nWord \\Word\\, n.\n   A thing said.\n"
        self.assertEqual(len(body), 7 + 33)
        with tempfile.TemporaryDirectory() as folder:
            dict_path = os.path.join(folder, "t.dict.dz")
            index_path = os.path.join(folder, "t.index")
            with gzip.open(dict_path, "wb") as f:
                f.write(body)
            with open(index_path, "w", encoding="utf-8") as f:
                f.write("Word\tH\th\n")  # offset 7 ("H"), length 33 ("h"): all after HEADER\n
            self.assertEqual(list(gcide.read_entries(dict_path, index_path)),
                             [("000000007", ["Word, n.\nA thing said."])])


class SplitAndCapTest(unittest.TestCase):
    def test_budgets_keep_small_sources_whole_and_share_the_rest_equally(self):
        sizes = {"small": 10, "medium": 30, "large": 100, "huge": 500}
        self.assertEqual(build_corpus.source_budgets(sizes, 100),
                         {"small": 10, "medium": 30, "large": 30, "huge": 30})
        self.assertEqual(build_corpus.source_budgets(sizes, 1000), sizes)

    def test_the_split_depends_only_on_package_and_id_and_is_near_two_percent(self):
        rank = build_corpus.document_rank
        ranks = [rank("pkg", f"doc{i}") for i in range(20000)]
        self.assertEqual(ranks[:5], [rank("pkg", f"doc{i}") for i in range(5)])
        valid = sum(r % 1000 < build_corpus.VALID_PER_MILLE for r in ranks) / len(ranks)
        self.assertAlmostEqual(valid, build_corpus.VALID_PER_MILLE / 1000, delta=0.005)
        self.assertNotEqual(rank("a", "x"), rank("b", "x"))

    def test_cap_keeps_documents_in_rank_order_while_they_fit(self):
        docs = [build_corpus.Document("p", rank, "x" * length)
                for rank, length in [(3, 10), (1, 50), (2, 10)]]
        separator = len(build_corpus.DOCUMENT_SEPARATOR) + 2
        kept = build_corpus.apply_cap(docs, 2 * (10 + separator))
        self.assertEqual([d.rank for d in kept], [2, 3])


if __name__ == "__main__":
    unittest.main()
