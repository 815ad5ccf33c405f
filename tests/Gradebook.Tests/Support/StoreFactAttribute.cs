using Xunit.Abstractions;
using Xunit.Sdk;

namespace Gradebook.Tests.Support;

/// <summary>
/// A fact of the store contract, which runs once per engine: in a test class of the PostgreSQL collection it is
/// skipped, with the reason, where no PostgreSQL server can be started (see <see cref="PostgresServer.SkipReason"/>).
/// </summary>
[XunitTestCaseDiscoverer("Gradebook.Tests.Support.StoreFactDiscoverer", "Gradebook.Tests")]
public sealed class StoreFactAttribute : FactAttribute;

/// <summary>Decides per concrete test class, which a <see cref="FactAttribute.Skip"/> set on the shared method cannot.</summary>
public sealed class StoreFactDiscoverer(IMessageSink diagnosticMessageSink) : FactDiscoverer(diagnosticMessageSink)
{
    public override IEnumerable<IXunitTestCase> Discover(
        ITestFrameworkDiscoveryOptions discoveryOptions, ITestMethod testMethod, IAttributeInfo factAttribute)
    {
        var needsPostgres = testMethod.TestClass.Class.GetCustomAttributes(typeof(CollectionAttribute))
            .Any(collection => collection.GetConstructorArguments().FirstOrDefault() as string == PostgresServer.CollectionName);
        return needsPostgres && PostgresServer.SkipReason is { } reason
            ? [new XunitSkippedDataRowTestCase(
                DiagnosticMessageSink, discoveryOptions.MethodDisplayOrDefault(), discoveryOptions.MethodDisplayOptionsOrDefault(), testMethod, reason)]
            : base.Discover(discoveryOptions, testMethod, factAttribute);
    }
}
