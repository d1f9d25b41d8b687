using FineTune.Curation.Cleaning;

namespace FineTune.Curation.Tests;

public sealed class TextCleanerSpecs
{
    [Theory]
    [InlineData("<p>My <b>kettle</b> leaks &amp; hisses.</p><p>Help!</p>", "My kettle leaks & hisses.\n\nHelp!")] // a paragraph break stays a blank line
    [InlineData("Line one<br/>Line two", "Line one\nLine two")]
    [InlineData("<style>p { color: red }</style>Plain words", "Plain words")]
    [InlineData("  too   many\tspaces  ", "too many spaces")]
    [InlineData("a\r\n\r\n\r\n\r\nb", "a\n\nb")]
    [InlineData("zero\u200Bwidth and bell\u0007", "zerowidth and bell")]
    [InlineData("non\u00A0breaking", "non breaking")]
    public void Cleaning_leaves_plain_readable_text(string raw, string expected) => Assert.Equal(expected, TextCleaner.Clean(raw));

    [Fact]
    public void Decomposed_accents_are_composed_so_equal_text_compares_equal()
    {
        var decomposed = "cafe\u0301"; // e + combining acute
        Assert.Equal("café", TextCleaner.Clean(decomposed));
        Assert.Equal(4, TextCleaner.Clean(decomposed).Length);
    }

    [Theory]
    [InlineData("x < y and y > z")]   // comparison signs are not tags
    [InlineData("2 < 3, R&D rocks")]  // a bare ampersand is not an entity
    public void Text_that_merely_contains_angle_brackets_is_not_treated_as_html(string text) => Assert.Equal(text, TextCleaner.Clean(text));
}
