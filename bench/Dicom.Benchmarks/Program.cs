using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Running;

// A short job (1 launch, 3 warm-ups, 10 iterations) so the whole suite finishes in a few minutes on a shared machine.
var config = DefaultConfig.Instance.AddJob(Job.ShortRun.WithWarmupCount(3).WithIterationCount(10).WithLaunchCount(1));
BenchmarkSwitcher.FromAssembly(typeof(ImagingGateway.Dicom.Benchmarks.ParsingBenchmarks).Assembly).Run(args, config);
