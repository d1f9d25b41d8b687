using System.Text;
using FineTune.Datasets;
using FineTune.Datasets.Csv;
using FineTune.Tokenizers.Chat;

namespace FineTune.Curation.Tests;

public sealed class CsvRecordReaderSpecs
{
    private static readonly CsvColumnMapping ReviewSentiment = CsvColumnMapping.Parse("text=review,label=sentiment");

    private static List<LineResult> Read(string csv, CsvColumnMapping? mapping = null, int maxRecordBytes = JsonlReader.DefaultMaxRecordBytes, char delimiter = ',')
        => Read(Encoding.UTF8.GetBytes(csv), mapping, maxRecordBytes, delimiter);

    private static List<LineResult> Read(byte[] csv, CsvColumnMapping? mapping = null, int maxRecordBytes = JsonlReader.DefaultMaxRecordBytes, char delimiter = ',')
        => [.. CsvRecordReader.Read(new MemoryStream(csv), "t.csv", mapping ?? ReviewSentiment, maxRecordBytes, delimiter)];

    private static RecordException SingleError(List<LineResult> results) => Assert.Single(results, r => r.Error is not null).Error!;

    [Fact]
    public void A_mapping_spec_names_a_column_for_each_role_and_ignores_spaces()
    {
        Assert.Equal(new CsvColumnMapping(Text: "review", Label: "sentiment"), CsvColumnMapping.Parse("text=review, label = sentiment"));
        Assert.Equal(new CsvColumnMapping(Prompt: "q", Completion: "a", System: "sys"), CsvColumnMapping.Parse("system=sys,prompt=q,completion=a"));
    }

    [Theory]
    [InlineData("", "empty")]
    [InlineData("text", "'text' is not a role=column pair")]
    [InlineData("text=review,colour=red", "unknown role 'colour'")]
    [InlineData("text=", "'text=' names no column")]
    [InlineData("text=a,text=b", "role 'text' is mapped more than once")]
    [InlineData("label=sentiment", "expected text")]
    [InlineData("prompt=q", "expected text")]
    [InlineData("text=review,completion=a", "expected text")]
    public void A_bad_mapping_spec_is_rejected_naming_the_setting_and_the_bad_part(string spec, string problem)
    {
        var error = Assert.Throws<ArgumentException>(() => CsvColumnMapping.Parse(spec));
        Assert.Equal("column_mapping", error.ParamName);
        Assert.Contains(problem, error.Message);
    }

    [Fact]
    public void Quoted_values_keep_delimiters_doubled_quotes_and_line_breaks_and_later_line_numbers_count_them()
    {
        var csv = "review,sentiment\n\"Good, cheap\",pos\n\"She said \"\"wow\"\"\nand left\",neg\nplain,pos\n";
        var records = Read(csv).Select(r => Assert.IsType<ClassRecord>(r.Record)).ToList();

        Assert.Equal([new ClassRecord(2, "Good, cheap", "pos"), new ClassRecord(3, "She said \"wow\"\nand left", "neg"), new ClassRecord(5, "plain", "pos")], records);
    }

    [Fact]
    public void Crlf_line_ends_and_a_byte_order_mark_are_read_and_crlf_inside_quotes_is_kept()
    {
        var csv = Encoding.UTF8.GetBytes("\uFEFFreview,sentiment\r\nfine,pos\r\n\"two\r\nlines\",neg\r\nlast,pos");

        var records = Read(csv).Select(r => Assert.IsType<ClassRecord>(r.Record)).ToList();

        Assert.Equal([new ClassRecord(2, "fine", "pos"), new ClassRecord(3, "two\r\nlines", "neg"), new ClassRecord(5, "last", "pos")], records);
    }

    [Theory]
    [InlineData(';')]
    [InlineData('\t')]
    public void Semicolons_or_tabs_separate_fields_when_asked(char delimiter)
    {
        var csv = $"id{delimiter}review\n1{delimiter}\"a{delimiter}b\"\n";
        var record = Assert.Single(Read(csv, CsvColumnMapping.Parse("text=review"), delimiter: delimiter)).Record;

        Assert.Equal(new TextRecord(2, $"a{delimiter}b"), record);
    }

    [Fact]
    public void Prompt_and_completion_columns_make_the_same_chat_as_a_jsonl_prompt_completion_line_with_the_system_first()
    {
        var fromJsonl = Assert.IsType<ChatRecord>(TaskRecord.Parse("{\"prompt\": \"Hi?\", \"completion\": \"Hello.\"}", "t.jsonl", 2));
        var csv = "question,answer,persona\nHi?,Hello.,Be brief.\n";

        var plain = Assert.IsType<ChatRecord>(Assert.Single(Read(csv, CsvColumnMapping.Parse("prompt=question,completion=answer"))).Record);
        var withSystem = Assert.IsType<ChatRecord>(Assert.Single(Read(csv, CsvColumnMapping.Parse("prompt=question,completion=answer,system=persona"))).Record);

        Assert.Equal(fromJsonl.Messages, plain.Messages);
        Assert.Equal([new ChatMessage(ChatRoles.System, "Be brief."), .. fromJsonl.Messages], withSystem.Messages);
    }

    [Fact]
    public void A_header_without_a_mapped_column_is_one_error_at_its_line_naming_the_column_and_nothing_more_is_read()
    {
        var results = Read("review,mood\ngood,pos\nbad,neg\n");

        var error = Assert.Single(results).Error!;
        Assert.Equal((1, "sentiment"), (error.Line, error.Field));
        Assert.StartsWith("column not found in the header", error.Reason);
        Assert.Contains("review, mood", error.Reason);
    }

    [Fact]
    public void Blank_lines_are_skipped_but_counted()
    {
        var results = Read("review,sentiment\n\ngood,pos\n  \r\nbad,neg\n\n");

        Assert.Equal([3, 5], results.Select(r => r.Record!.Line));
    }

    [Fact]
    public void A_row_with_another_number_of_fields_is_reported_at_its_line_and_reading_goes_on()
    {
        var results = Read("review,sentiment\ngood,pos,extra\nbad,neg\n");

        var error = SingleError(results);
        Assert.Equal((2, (string?)null, "expected 2 fields, found 3"), (error.Line, error.Field, error.Reason));
        Assert.Equal(3, results[1].Record!.Line);
    }

    [Fact]
    public void An_empty_mapped_value_is_empty_content_in_that_column_but_an_empty_unmapped_one_is_fine()
    {
        var results = Read("id,review,sentiment\n1,good,pos\n2,\"  \",neg\n,fine,pos\n");

        var error = SingleError(results);
        Assert.Equal((3, "review", "empty content"), (error.Line, error.Field, error.Reason));
        Assert.Equal([2, 4], results.Where(r => r.Record is not null).Select(r => r.Record!.Line));
    }

    [Fact]
    public void Invalid_utf8_is_reported_with_its_byte_offset_from_the_start_of_the_record_and_its_column()
    {
        byte[] csv = [.. "review,sentiment\nok,pos\n\"caf"u8, 0xC3, 0x28, .. "\",neg\nfine,pos\n"u8];

        var results = Read(csv);

        var error = SingleError(results);
        Assert.Equal((3, "review", "invalid UTF-8 at byte 4 of the line"), (error.Line, error.Field, error.Reason));
        Assert.Equal([2, 4], results.Where(r => r.Record is not null).Select(r => r.Record!.Line));
    }

    [Fact]
    public void A_quote_never_closed_is_reported_at_the_line_its_record_starts_naming_its_column()
    {
        var results = Read("review,sentiment\ngood,pos\nbad,\"neg\nmore,pos\n");

        var error = SingleError(results);
        Assert.Equal((3, "sentiment", "unterminated quoted field"), (error.Line, error.Field, error.Reason));
        Assert.Equal(2, results.Count);
    }

    [Fact]
    public void Text_after_a_closing_quote_is_reported_in_its_column()
    {
        var error = SingleError(Read("review,sentiment\n\"good\" stuff,pos\n"));

        Assert.Equal((2, "review"), (error.Line, error.Field));
        Assert.StartsWith("text after the closing quote", error.Reason);
    }

    [Fact]
    public void An_over_long_record_is_reported_at_its_first_line_and_the_lines_it_spans_still_count()
    {
        var csv = $"review,sentiment\n\"{new string('a', 600)}\n{new string('b', 600)}\",pos\nshort,neg\n";

        var results = Read(csv, maxRecordBytes: 1000);

        var error = SingleError(results);
        Assert.Equal((2, "over-long record (more than 1,000 bytes)"), (error.Line, error.Reason));
        Assert.Equal(new ClassRecord(4, "short", "neg"), results[1].Record);
    }

    [Fact]
    public void A_file_with_no_header_row_is_reported_at_line_1()
    {
        var error = Assert.Single(Read("\n\n")).Error!;

        Assert.Equal((1, "review"), (error.Line, error.Field));
    }

    [Fact]
    public void A_large_file_is_streamed_record_by_record_with_line_numbers_that_count_embedded_line_breaks()
    {
        const int rows = 20_000;
        var csv = new StringBuilder("review,sentiment\n");
        for (var i = 0; i < rows; i++)
            csv.Append(i % 100 == 0 ? $"\"review {i},\nsecond line\",pos\n" : $"review {i} is fine,neg\n");
        var stream = new MemoryStream(Encoding.UTF8.GetBytes(csv.ToString()));

        using var results = CsvRecordReader.Read(stream, "big.csv", ReviewSentiment).GetEnumerator();
        Assert.True(results.MoveNext());
        Assert.True(stream.Position < stream.Length / 4, "the first record came before the file was read through");
        var (count, last) = (1, results.Current.Record!);
        while (results.MoveNext()) (count, last) = (count + 1, results.Current.Record!);

        Assert.Equal(rows, count);
        Assert.Equal(new ClassRecord(1 + rows + rows / 100, $"review {rows - 1} is fine", "neg"), last);
    }
}
