namespace FineTune.Datasets.Pii;

/// <summary>The kinds of personal data curation redacts; each becomes a placeholder such as <c>[EMAIL]</c>.</summary>
public enum PiiKind
{
    Email,
    CreditCard,
    Iban,
    IpAddress,
    Phone,
}
