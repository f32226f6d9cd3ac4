using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Running;
using BenchmarkDotNet.Toolchains.InProcess.Emit;
using ImagingGateway.Dicom.Benchmarks;

if (args.Contains("--cpu-time"))
{
    CpuTimeProbe.Run();
    return;
}

// A short job (1 launch, 3 warm-ups, 10 iterations) so the whole suite finishes in a few minutes on a shared machine.
// In-process: generating and building a separate boilerplate project takes longer than BenchmarkDotNet's build timeout
// on a busy two-core machine, and the measured code does not depend on process isolation.
var job = Job.ShortRun.WithWarmupCount(3).WithIterationCount(10).WithLaunchCount(1).WithToolchain(InProcessEmitToolchain.Instance);
BenchmarkSwitcher.FromAssembly(typeof(ParsingBenchmarks).Assembly).Run(args, DefaultConfig.Instance.AddJob(job));
