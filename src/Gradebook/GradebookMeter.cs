namespace Gradebook;

/// <summary>The one meter every stage's instruments are on, and that <c>/metrics</c> exports.</summary>
internal static class GradebookMeter
{
    public const string Name = "Gradebook";
}
