// The jsii runtime (one node child process per test host) is not safe to start or drive from parallel test collections.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
