// The end-to-end specs start real hosts, Litestream, Swift and PostgreSQL processes and time real work on 2 cores: two
// of them at once (xUnit's default) starved each other (a full-disk drill saw no step in 60 s while a kill -9 drill ran).
[assembly: CollectionBehavior(DisableTestParallelization = true)]
