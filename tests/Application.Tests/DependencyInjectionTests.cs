using FluentValidation;
using ImagingGateway.Application.Batches;
using ImagingGateway.Application.Common.Ids;
using ImagingGateway.Application.Common.Options;
using ImagingGateway.Application.Common.Ports;
using ImagingGateway.Application.Tests.InMemory;
using ImagingGateway.Domain.Batches;
using Mediator;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace ImagingGateway.Application.Tests;

public sealed class DependencyInjectionTests
{
    [Fact]
    public async Task GivenOnlyThePorts_WhenTheApplicationIsAdded_ThenTheMediatorResolvesWithDefaultClockIdsAndTheGivenOptions()
    {
        var services = new ServiceCollection();
        services.AddLogging();
        var store = new InMemoryInstanceStore(TimeProvider.System);
        services.AddSingleton<IInstanceStore>(store);
        services.AddSingleton<IImportJobRepository>(new InMemoryImportJobRepository());
        services.AddSingleton<IImagingService>(new FakeImagingService(store, TimeProvider.System));
        services.AddSingleton<IImportWorkflow>(new InMemoryImportWorkflow());

        services.AddApplication(i => i.DatastoreId = "ds-42", b => b.Policy = GroupingPolicy.PerInstance);
        await using var provider = services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });

        Assert.NotNull(provider.GetRequiredService<IMediator>());
        Assert.Same(TimeProvider.System, provider.GetRequiredService<TimeProvider>());
        Assert.IsType<UlidIdGenerator>(provider.GetRequiredService<IIdGenerator>());
        Assert.Same(provider.GetRequiredService<OpenBatchRegistry>(), provider.GetRequiredService<OpenBatchRegistry>());
        Assert.Equal("ds-42", provider.GetRequiredService<IOptions<ImportOptions>>().Value.DatastoreId);
        Assert.Equal(GroupingPolicy.PerInstance, provider.GetRequiredService<IOptions<BatchingOptions>>().Value.Policy);
        Assert.Equal(TimeSpan.FromSeconds(30), provider.GetRequiredService<IOptions<BatchingOptions>>().Value.QuietPeriod);
    }

    [Fact]
    public void GivenEveryValidatorOfTheAssembly_WhenTheApplicationIsAdded_ThenEachIsRegisteredForItsMessageType()
    {
        var services = new ServiceCollection();
        services.AddApplication();
        var registered = services
            .Where(d => d.ServiceType.IsGenericType && d.ServiceType.GetGenericTypeDefinition() == typeof(IValidator<>))
            .Select(d => (d.ServiceType, d.ImplementationType, d.Lifetime))
            .ToList();

        var expected = typeof(DependencyInjection).Assembly.GetTypes()
            .Where(t => t is { IsClass: true, IsAbstract: false })
            .SelectMany(t => t.GetInterfaces()
                .Where(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(IValidator<>))
                .Select(i => (ServiceType: i, ImplementationType: (Type?)t, Lifetime: ServiceLifetime.Singleton)))
            .ToList();

        Assert.NotEmpty(expected);
        Assert.Equal(
            expected.Select(e => e.ToString()).Order(StringComparer.Ordinal),
            registered.Select(r => r.ToString()).Order(StringComparer.Ordinal));
    }
}
