using FineTune.Datasets.Pii;

namespace FineTune.Curation.Tests;

public sealed class PiiRedactorSpecs
{
    [Theory]
    [InlineData("Write to jane.doe+orders@example.co.uk today.", "Write to [EMAIL] today.", PiiKind.Email)]
    [InlineData("Card 4111 1111 1111 1111 was charged.", "Card [CREDIT_CARD] was charged.", PiiKind.CreditCard)]
    [InlineData("Card 5500-0000-0000-0004 declined.", "Card [CREDIT_CARD] declined.", PiiKind.CreditCard)]
    [InlineData("Pay to DE89 3704 0044 0532 0130 00 please.", "Pay to [IBAN] please.", PiiKind.Iban)]
    [InlineData("Pay to GB82WEST12345698765432.", "Pay to [IBAN].", PiiKind.Iban)]
    [InlineData("Login from 192.168.10.42 failed.", "Login from [IP_ADDRESS] failed.", PiiKind.IpAddress)]
    [InlineData("Login from 2001:db8::8a2e:370:7334 failed.", "Login from [IP_ADDRESS] failed.", PiiKind.IpAddress)]
    [InlineData("Call +44 20 7946 0958 now.", "Call [PHONE] now.", PiiKind.Phone)]
    [InlineData("Call (555) 867-5309 now.", "Call [PHONE] now.", PiiKind.Phone)]
    public void Each_kind_is_replaced_by_its_placeholder_and_counted(string text, string expected, PiiKind kind)
    {
        var counts = new Dictionary<PiiKind, int>();

        Assert.Equal(expected, PiiRedactor.Redact(text, counts));
        Assert.Equal(new Dictionary<PiiKind, int> { [kind] = 1 }, counts);
    }

    [Theory]
    [InlineData("Card 4111 1111 1111 1112 was charged.")] // fails Luhn
    [InlineData("Pay to DE89 3704 0044 0532 0130 02 please.")] // fails mod-97 (and, as digits, Luhn)
    [InlineData("Version 300.1.2.3 is out.")] // not an IP address: 300 > 255
    [InlineData("Order A38399 shipped in 14 wks; BP 120/64, HR 95.")] // ids, vitals and short numbers stay
    [InlineData("Released in 2024, build 17.")]
    [InlineData("The job ran at 10:30:00 and again at 23:59.")] // times are not IPv6 addresses
    public void Look_alikes_that_fail_their_check_stay_as_they_are(string text)
    {
        var counts = new Dictionary<PiiKind, int>();

        Assert.Equal(text, PiiRedactor.Redact(text, counts));
        Assert.Empty(counts);
    }

    [Fact]
    public void Several_items_in_one_text_are_each_counted_once()
    {
        var counts = new Dictionary<PiiKind, int>();

        var redacted = PiiRedactor.Redact("a@b.io and c@d.io paid with 4111111111111111 from 10.0.0.1", counts);

        Assert.Equal("[EMAIL] and [EMAIL] paid with [CREDIT_CARD] from [IP_ADDRESS]", redacted);
        Assert.Equal(2, counts[PiiKind.Email]);
        Assert.Equal(1, counts[PiiKind.CreditCard]);
        Assert.Equal(1, counts[PiiKind.IpAddress]);
    }

    [Theory]
    [InlineData("4111111111111111", true)]
    [InlineData("79927398713", false)] // valid Luhn, but 11 digits: too short for a card
    [InlineData("4111111111111112", false)]
    public void Luhn_checks_card_numbers(string number, bool valid) => Assert.Equal(valid, PiiRedactor.PassesLuhn(number));
}
